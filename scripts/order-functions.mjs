// Names a wasm module's functions so that `wasm-opt --reorder-functions-by-name` puts functions
// of similar code next to each other: what a compressor sees within its window then repeats
// more (the `.wasm` is sent gzip'd or brotli'd; README, "Size"). The order changes nothing else.
//
//   node scripts/order-functions.mjs in.wasm out.wasm
//
// The order: a greedy chain from the first function, each next one the not yet placed function
// whose code shares the most 3-byte sequences with the last placed (Jaccard similarity),
// among candidates found with MinHash (32 hashes, one bucket per hash). Deterministic: the
// same module gives the same order. The module's own name section, if any, is replaced (the
// build strips names afterwards). WebAssembly binary format: Core Specification 2.0 §5.
import { readFileSync, writeFileSync } from 'node:fs';

const HASHES = 32;
const GRAM = 3;

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node scripts/order-functions.mjs in.wasm out.wasm');
  process.exit(2);
}
const wasm = readFileSync(input);

/** Reads an unsigned LEB128 at `at`: [value, next offset]. */
function leb(at) {
  let value = 0, shift = 0, byte;
  do {
    byte = wasm[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
}
const encode = (n) => {
  const out = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
};

/** Skips a limits entry (§5.3.7, with the memory64/shared flags) at `at`. */
function limits(at) {
  const flags = wasm[at++];
  [, at] = leb(at);
  if (flags & 1) [, at] = leb(at);
  return at;
}

if (wasm.readUInt32LE(0) !== 0x6d736100 || wasm.readUInt32LE(4) !== 1) throw new Error(`${input}: not a wasm module`);
const sections = []; // { id, start, body, end }
for (let at = 8; at < wasm.length;) {
  const id = wasm[at];
  const [size, body] = leb(at + 1);
  sections.push({ id, start: at, body, end: body + size });
  at = body + size;
}

// Function imports come first in the function index space (§2.5.1).
let imported = 0;
const bodies = [];
for (const s of sections) {
  if (s.id === 2) {
    let [count, at] = leb(s.body);
    for (let k = 0; k < count; k++) {
      for (let name = 0; name < 2; name++) {
        const [len, next] = leb(at);
        at = next + len;
      }
      const kind = wasm[at++];
      if (kind === 0) { [, at] = leb(at); imported++; }
      else if (kind === 1) at = limits(at + 1);
      else if (kind === 2) at = limits(at);
      else if (kind === 3) at += 2;
      else if (kind === 4) at = leb(at + 1)[1];
      else throw new Error(`import kind ${kind}`);
    }
  } else if (s.id === 10) {
    let [count, at] = leb(s.body);
    for (let k = 0; k < count; k++) {
      const [len, next] = leb(at);
      bodies.push(wasm.subarray(next, next + len));
      at = next + len;
    }
  }
}

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
for (let cur = 0; cur !== -1;) {
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

// The name section (§7.4.4 of the custom sections appendix): function names = ranks.
const width = String(order.length).length;
const names = new Array(bodies.length);
order.forEach((f, rank) => { names[f] = String(rank).padStart(width, '0'); });
const entries = [...encode(names.length)];
names.forEach((name, f) => entries.push(...encode(imported + f), ...encode(name.length), ...Buffer.from(name)));
const payload = [...encode(4), ...Buffer.from('name'), 1, ...encode(entries.length), ...entries];
const parts = [wasm.subarray(0, 8)];
for (const s of sections) {
  const custom = s.id === 0 && wasm.subarray(s.body + 1, s.body + 5).toString() === 'name' && wasm[s.body] === 4;
  if (!custom) parts.push(wasm.subarray(s.start, s.end));
}
parts.push(Buffer.from([0, ...encode(payload.length), ...payload]));
writeFileSync(output, Buffer.concat(parts));
