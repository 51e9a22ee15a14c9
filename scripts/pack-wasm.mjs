// Rewrites of the built package: two make it smaller on the wire, one reads short strings from
// the wasm faster; none changes what the package does:
//
//   node scripts/pack-wasm.mjs pkg/xmpp_ftw_wasm_bg.wasm pkg/xmpp_ftw_wasm.js [imports.json]
//
// 1. Short import names. wasm-bindgen names each import `__wbg_<name>_<16 hex digits>` in a
//    module named after the glue file; the hex digits are random to a compressor and stand in
//    both the `.wasm` and the glue. Each import gets a short name in both (the glue's import
//    object is the only place that names them; the script stops if any is not found exactly
//    once there).
// 2. The functions' order. Functions of similar code placed next to each other let a compressor
//    find more repeats within its window. The wasm gets a name section whose names are the
//    ranks of a greedy chain from the first function, each next one the not yet placed function
//    whose code shares the most 3-byte sequences with the last placed (Jaccard similarity),
//    among candidates found with MinHash (32 hashes, one bucket per hash);
//    `wasm-opt --reorder-functions-by-name --strip-debug` then applies the order and drops the
//    names (scripts/build.sh). Deterministic: the same module gives the same order.
// 3. Short strings. The glue's `getStringFromWasm0` reads an ASCII text of at most SHORT_TEXT
//    bytes with a loop instead of `TextDecoder` (most strings of an event: JID parts, ids,
//    times); the script stops if the function is not found as expected.
// 4. Long strings into the wasm. The glue's `passStringToWasm0` copies a text into the wasm
//    with a loop over its characters while they are ASCII; a text of more than LONG_TEXT
//    characters (every frame the WebSocket brings) is first written with one
//    `TextEncoder.encodeInto` into the same bytes, and the loop runs only if that did not take
//    the whole text in them (a character beyond ASCII: the loop and the glue's own path for
//    the rest then write it as before). The script stops if the loop is not found as expected.
//
// WebAssembly binary format: Core Specification 2.0 §5 (sections §5.5, imports §5.5.5, code
// §5.5.13) and the name section (Appendix §7.4).
import { readFileSync, writeFileSync } from 'node:fs';
import { bodies as codeBodies, encode, fail, imports, isNameSection, name, section, sections } from './wasm-binary.mjs';

const HASHES = 32;
const GRAM = 3;
/** The longest text read from the wasm byte by byte (rewrite 3): beyond it `TextDecoder` is faster. */
const SHORT_TEXT = 24;
/** The shortest text written into the wasm by `encodeInto` first (rewrite 4): below it the loop is faster. */
const LONG_TEXT = 64;

const args = process.argv.slice(2);
// `--rename-imports map.json module.wasm`: only step 1, with the names another run chose and
// wrote to `map.json` (the bench's copy of the wasm with its function names, loaded with the
// package's glue).
const again = args[0] === '--rename-imports';
const [wasmPath, gluePath, mapPath] = again ? [args[2], undefined, args[1]] : args;
if (!wasmPath || (!again && !gluePath) || (again && !mapPath)) {
  console.error('usage: node scripts/pack-wasm.mjs module.wasm glue.js [map.json]\n' +
    '       node scripts/pack-wasm.mjs --rename-imports map.json module.wasm');
  process.exit(2);
}

/** `a`, `b`, … `Z`, `aa`, `ab`, …: short JS identifiers. */
function shortName(n) {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  let out = '';
  do {
    out = letters[n % letters.length] + out;
    n = Math.floor(n / letters.length) - 1;
  } while (n >= 0);
  return out;
}

// 1. Short import names, in the wasm and in the glue's import object. The map: for each import
// module, its short name and its imports' short names.
let wasm = readFileSync(wasmPath);
const importSection = sections(wasm).find((s) => s.id === 2);
const entries = importSection ? imports(wasm, importSection) : [];
let map = {};
if (again) {
  map = JSON.parse(readFileSync(mapPath, 'utf8'));
} else {
  let glue = readFileSync(gluePath, 'utf8');
  for (const module of new Set(entries.map((e) => e.module))) {
    const key = `${JSON.stringify(module)}: import`;
    map[module] = { name: shortName(Object.keys(map).length), fields: {} };
    if (glue.split(key).length !== 2) fail(`import module ${module} not once in the glue`);
    glue = glue.replace(key, `${map[module].name}: import`);
  }
  entries.forEach((e, k) => {
    const key = `\n        ${e.field}: function(`;
    if (glue.split(key).length !== 2) fail(`import ${e.field} not once in the glue`);
    map[e.module].fields[e.field] = shortName(k);
    glue = glue.replace(key, `\n        ${shortName(k)}: function(`);
  });
  // 3. Short strings from the wasm without `TextDecoder`: each `decode` call costs about 0.4 µs
  // in Chromium whatever the length (a subarray and a call into the browser), a loop over the
  // bytes of a short ASCII text a fraction of that; anything else is decoded as before.
  const decode = 'function getStringFromWasm0(ptr, len) {\n    ptr = ptr >>> 0;\n';
  if (glue.split(decode).length !== 2) fail('getStringFromWasm0 not once in the glue');
  glue = glue.replace(decode, `${decode}    if (len <= ${SHORT_TEXT}) {
        const bytes = getUint8ArrayMemory0();
        let text = '';
        for (let i = ptr; i < ptr + len && bytes[i] < 128; i++) text += String.fromCharCode(bytes[i]);
        if (text.length === len) return text;
    }
`);
  // 4. Long texts into the wasm with `encodeInto` first: for a 500-byte frame about 0.2 µs
  // against 0.8-1.3 µs for the loop (Node.js 20).
  const copy = '    let offset = 0;\n\n    for (; offset < len; offset++) {\n        const code = arg.charCodeAt(offset);\n        if (code > 0x7F) break;\n';
  if (glue.split(copy).length !== 2) fail('passStringToWasm0\'s loop not once in the glue');
  glue = glue.replace(copy, `    let offset = 0;
    if (len > ${LONG_TEXT} && cachedTextEncoder.encodeInto(arg, mem.subarray(ptr, ptr + len)).read === len) {
        offset = len;
    }
${copy.slice('    let offset = 0;\n'.length)}`);
  writeFileSync(gluePath, glue);
  if (mapPath) writeFileSync(mapPath, JSON.stringify(map));
}
if (importSection) {
  // Imports the map does not name keep their names (the glue still has them).
  const payload = [...encode(entries.length)];
  for (const e of entries) {
    const m = Object.hasOwn(map, e.module) ? map[e.module] : undefined;
    const field = m && Object.hasOwn(m.fields, e.field) ? m.fields[e.field] : undefined;
    payload.push(...name(field ? m.name : e.module), ...name(field ?? e.field), e.kind, ...e.desc);
  }
  wasm = Buffer.concat([wasm.subarray(0, importSection.start), section(2, payload), wasm.subarray(importSection.end)]);
}
if (again) {
  writeFileSync(wasmPath, wasm);
  process.exit(0);
}

// 2. The functions' order, as names (function imports come first in the index space, §2.5.1).
const imported = entries.filter((e) => e.kind === 0).length;
const bodies = codeBodies(wasm, sections(wasm).find((s) => s.id === 10));

// Each body's distinct 3-byte sequences, sorted, and its MinHash signature.
const mix = (x, seed) => {
  let h = Math.imul(x ^ seed, 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca77);
  return (h ^ (h >>> 13)) >>> 0;
};
const seeds = Array.from({ length: HASHES }, (_, k) => mix(k + 1, 0x2545f491));
const grams = bodies.map((b) => {
  const set = new Set();
  for (let k = 0; k + GRAM <= b.length; k++) set.add(b[k] | (b[k + 1] << 8) | (b[k + 2] << 16));
  if (set.size === 0) set.add(-1 - b.length);
  return Int32Array.from(set).sort();
});
const buckets = Array.from({ length: HASHES }, () => new Map());
grams.forEach((g, f) => {
  for (let j = 0; j < HASHES; j++) {
    let min = 0xffffffff;
    for (const x of g) { const h = mix(x, seeds[j]); if (h < min) min = h; }
    const bucket = buckets[j].get(min);
    if (bucket) bucket.push(f); else buckets[j].set(min, [f]);
  }
});
const signature = grams.map(() => new Array(HASHES));
buckets.forEach((m, j) => { for (const [min, fs] of m) for (const f of fs) signature[f][j] = min; });

function similarity(a, b) {
  let i = 0, j = 0, both = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) { both++; i++; j++; } else if (a[i] < b[j]) i++; else j++;
  }
  return both / (a.length + b.length - both);
}

const placed = new Uint8Array(bodies.length);
// The step at which a candidate's similarity was last computed (each once per step).
const asked = new Int32Array(bodies.length).fill(-1);
const order = [];
let lowest = 0;
for (let cur = bodies.length ? 0 : -1; cur !== -1;) {
  placed[cur] = 1;
  order.push(cur);
  let best = -1, bestSim = -1;
  for (let j = 0; j < HASHES; j++) {
    const key = signature[cur][j];
    const bucket = buckets[j].get(key).filter((c) => !placed[c]);
    buckets[j].set(key, bucket);
    for (const c of bucket) {
      if (asked[c] === order.length) continue;
      asked[c] = order.length;
      const s = similarity(grams[cur], grams[c]);
      if (s > bestSim || (s === bestSim && c < best)) { best = c; bestSim = s; }
    }
  }
  if (best === -1) {
    while (lowest < bodies.length && placed[lowest]) lowest++;
    best = lowest < bodies.length ? lowest : -1;
  }
  cur = best;
}

// The name section (Appendix §7.4.4): the function names subsection, names = ranks, in
// place of any name section the module had.
const width = String(order.length).length;
const ranks = new Array(bodies.length);
order.forEach((f, rank) => { ranks[f] = String(rank).padStart(width, '0'); });
const functionNames = [...encode(ranks.length)];
ranks.forEach((rank, f) => functionNames.push(...encode(imported + f), ...name(rank)));
const nameSection = section(0, [...name('name'), 1, ...encode(functionNames.length), ...functionNames]);
const kept = sections(wasm).filter((s) => !isNameSection(wasm, s)).map((s) => wasm.subarray(s.start, s.end));
writeFileSync(wasmPath, Buffer.concat([wasm.subarray(0, 8), ...kept, nameSection]));
