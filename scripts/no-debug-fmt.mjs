// Debug formatting out of the release wasm: every `<T as core::fmt::Debug>::fmt` becomes a
// function that writes nothing and returns `Ok(())`.
//
//   node scripts/no-debug-fmt.mjs module.wasm
//
// In this SDK `Debug` formats only panic messages (the `Err` value of an `unwrap`, the operands
// of an `assert`, xso's and rxml's "unexpected item: {:?}"): no event, error text or frame is
// built with `{:?}` (checked in the sources of the crate and of the crates in the wasm). Yet
// every `Debug` impl that some panic could print stays in the wasm, with what it pulls in
// (`<str as Debug>`'s escaping and the Unicode printable tables, the `debug_struct` builders,
// the derived impls of the error types of xso, rxml, jid, base64, chrono): ~12 KB of the wasm,
// ~3.7 KB brotli. This is what nightly Rust's `-Zfmt-debug=none` does, on stable: a panic
// (a bug) still reports its file, line, column and message, without the `Debug` values in it.
// The native build (the tests) keeps every `Debug`.
//
// Run on wasm-bindgen's output with its names (`--keep-debug`), before `wasm-opt`, which then
// drops what only these functions called. A function is rewritten only if its name is a
// `Debug::fmt` impl and its type is `fmt(&self, &mut Formatter) -> fmt::Result`, i.e.
// (i32, i32) -> i32, or (i32, i32, i32) -> i32 for an unsized `self` (`str`, slices); the script
// stops if the module has no names or no such function.
import { readFileSync, writeFileSync } from 'node:fs';
import {
  bodies, encode, fail, functionNames, imports, isNameSection, section, sections, types, u32s,
} from './wasm-binary.mjs';

const [path] = process.argv.slice(2);
if (!path) {
  console.error('usage: node scripts/no-debug-fmt.mjs module.wasm');
  process.exit(2);
}
const DEBUG_FMT = /^<.+ as core(\[[0-9a-f]+\])?::fmt::Debug>::fmt(::h[0-9a-f]{16})?(\[\d+\])?$/;
const FMT_TYPES = ['(7f,7f)->(7f)', '(7f,7f,7f)->(7f)'];
// A function body (§5.5.13): no locals, `i32.const 0` (`Ok(())`), `end`.
const NOTHING = Buffer.from([0x00, 0x41, 0x00, 0x0b]);

const wasm = readFileSync(path);
const all = sections(wasm);
const names = all.find((s) => isNameSection(wasm, s));
if (!names) fail('the module has no name section (wasm-bindgen --keep-debug)');
const importSection = all.find((s) => s.id === 2);
const imported = importSection ? imports(wasm, importSection).filter((e) => e.kind === 0).length : 0;
const typeOf = u32s(wasm, all.find((s) => s.id === 3));
const signatures = types(wasm, all.find((s) => s.id === 1));
const code = all.find((s) => s.id === 10);
const body = bodies(wasm, code);
let rewritten = 0;
for (const [index, fn] of functionNames(wasm, names)) {
  const k = index - imported;
  if (k < 0 || !DEBUG_FMT.test(fn)) continue;
  if (!FMT_TYPES.includes(signatures[typeOf[k]])) {
    console.error(`no-debug-fmt: kept ${fn}: type ${signatures[typeOf[k]]}`);
    continue;
  }
  body[k] = NOTHING;
  rewritten++;
}
if (!rewritten) fail('no Debug::fmt function found');
const payload = [encode(body.length), ...body.flatMap((b) => [encode(b.length), b])];
const codeSection = section(10, Buffer.concat(payload.map((p) => Buffer.from(p))));
writeFileSync(path, Buffer.concat([wasm.subarray(0, code.start), codeSection, wasm.subarray(code.end)]));
console.error(`no-debug-fmt: ${rewritten} Debug::fmt functions write nothing`);
