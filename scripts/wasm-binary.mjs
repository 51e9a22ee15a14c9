// Reading and writing WebAssembly binaries, for the build's rewrites of the package
// (scripts/pack-wasm.mjs, scripts/no-debug-fmt.mjs). WebAssembly binary format: Core
// Specification 2.0 §5 (values §5.2, sections §5.5, imports §5.5.5, code §5.5.13) and the name
// section (Appendix §7.4).

/** Stops the build with `why`, named after the script that runs. */
export const fail = (why) => {
  console.error(`${process.argv[1].split('/').pop().replace(/\.mjs$/, '')}: ${why}`);
  process.exit(1);
};

/** Reads an unsigned LEB128 of `buf` at `at`: [value, next offset]. */
export function leb(buf, at) {
  let value = 0, shift = 0, byte;
  do {
    byte = buf[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
}
/** An unsigned LEB128. */
export const encode = (n) => {
  const out = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
};
/** A name (§5.2.4): its length, then its UTF-8. */
export const name = (text) => {
  const bytes = Buffer.from(text);
  return [...encode(bytes.length), ...bytes];
};
/** A section (§5.5.2) of `id` around `payload`. */
export const section = (id, payload) => Buffer.from([id, ...encode(payload.length), ...payload]);

/** The sections of a module: { id, start, body, end }. */
export function sections(buf) {
  if (buf.readUInt32LE(0) !== 0x6d736100 || buf.readUInt32LE(4) !== 1) fail('not a wasm module');
  const out = [];
  for (let at = 8; at < buf.length;) {
    const [size, body] = leb(buf, at + 1);
    out.push({ id: buf[at], start: at, body, end: body + size });
    at = body + size;
  }
  return out;
}

/** Skips a limits entry (§5.3.7, with the memory64/shared flags) at `at`. */
function limits(buf, at) {
  const flags = buf[at++];
  [, at] = leb(buf, at);
  if (flags & 1) [, at] = leb(buf, at);
  return at;
}

/** The import section's entries: { module, field, kind, desc (its bytes) }. */
export function imports(buf, s) {
  let [count, at] = leb(buf, s.body);
  const out = [];
  for (let k = 0; k < count; k++) {
    const names = [];
    for (let n = 0; n < 2; n++) {
      const [len, next] = leb(buf, at);
      names.push(buf.subarray(next, next + len).toString());
      at = next + len;
    }
    const kind = buf[at++];
    const from = at;
    if (kind === 0) [, at] = leb(buf, at);
    else if (kind === 1) at = limits(buf, at + 1);
    else if (kind === 2) at = limits(buf, at);
    else if (kind === 3) at += 2;
    else if (kind === 4) at = leb(buf, at + 1)[1];
    else fail(`import kind ${kind}`);
    out.push({ module: names[0], field: names[1], kind, desc: buf.subarray(from, at) });
  }
  return out;
}

/** The items of the vector that is the body of section `s` (§5.5.2), each read by `item(at)`
 * as [value, next offset]; none without the section. */
function vector(buf, s, item) {
  const out = [];
  if (!s) return out;
  let [count, at] = leb(buf, s.body);
  for (let k = 0; k < count; k++) {
    let value;
    [value, at] = item(at);
    out.push(value);
  }
  return out;
}

/** The bodies of the code section `s` (§5.5.13), each its bytes without the size. */
export const bodies = (buf, s) => vector(buf, s, (at) => {
  const [len, next] = leb(buf, at);
  return [buf.subarray(next, next + len), next + len];
});

/** The u32s of the section `s` (the function section's type indices, §5.5.6). */
export const u32s = (buf, s) => vector(buf, s, (at) => leb(buf, at));

/** The function types of the type section `s` (§5.5.4, §5.3.6) as `(params)->(results)` texts of
 * value type bytes. */
export const types = (buf, s) => vector(buf, s, (at) => {
  if (buf[at++] !== 0x60) fail('a type that is not a function type');
  const parts = [];
  for (let n = 0; n < 2; n++) {
    let len;
    [len, at] = leb(buf, at);
    parts.push([...buf.subarray(at, at + len)].map((b) => b.toString(16)).join(','));
    at += len;
  }
  return [`(${parts[0]})->(${parts[1]})`, at];
});

/** Whether `s` is the name section (a custom section named `name`, Appendix §7.4). */
export const isNameSection = (buf, s) =>
  s.id === 0 && buf[s.body] === 4 && buf.subarray(s.body + 1, s.body + 5).toString() === 'name';

/** The function names of the name section `s` (subsection 1, Appendix §7.4.4): index → name. */
export function functionNames(buf, s) {
  const out = new Map();
  let at = s.body + 5;
  while (at < s.end) {
    const id = buf[at];
    const [size, body] = leb(buf, at + 1);
    if (id === 1) {
      let [count, p] = leb(buf, body);
      for (let k = 0; k < count; k++) {
        let index, len;
        [index, p] = leb(buf, p);
        [len, p] = leb(buf, p);
        out.set(index, buf.subarray(p, p + len).toString());
        p += len;
      }
    }
    at = body + size;
  }
  return out;
}
