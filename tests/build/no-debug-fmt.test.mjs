// scripts/no-debug-fmt.mjs on small modules written here: the functions named as `Debug::fmt`
// impls with fmt's type return Ok(()) and write nothing; every other function is left as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode, name, section } from '../../scripts/wasm-binary.mjs';

const script = new URL('../../scripts/no-debug-fmt.mjs', import.meta.url).pathname;
const I32 = 0x7f;
// Types: 0 = (i32, i32) -> i32 (fmt of a sized self), 1 = (i32, i32, i32) -> i32 (of a str),
// 2 = (i32) -> i32.
const TYPES = [[[I32, I32], [I32]], [[I32, I32, I32], [I32]], [[I32], [I32]]];
// Each body returns its first parameter plus 7, so that a rewritten one (0) shows.
const BODY = [0x00, 0x20, 0x00, 0x41, 0x07, 0x6a, 0x0b];

/** A module of `fns` ([name, type]), each exported as f0, f1, …; with a name section unless `names` is false. */
function module(fns, { names = true } = {}) {
  const vec = (items) => [...encode(items.length), ...items.flat()];
  const parts = [
    Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]),
    section(1, vec(TYPES.map(([p, r]) => [0x60, ...vec(p.map((t) => [t])), ...vec(r.map((t) => [t]))]))),
    section(3, vec(fns.map(([, type]) => encode(type)))),
    section(7, vec(fns.map((_, k) => [...name(`f${k}`), 0x00, ...encode(k)]))),
    section(10, vec(fns.map(() => [...encode(BODY.length), ...BODY]))),
  ];
  if (names) {
    const map = vec(fns.map(([fn], k) => [...encode(k), ...name(fn)]));
    parts.push(section(0, [...name('name'), 1, ...encode(map.length), ...map]));
  }
  return Buffer.concat(parts);
}

function rewrite(bytes) {
  const path = join(mkdtempSync(join(tmpdir(), 'no-debug-fmt-')), 'm.wasm');
  writeFileSync(path, bytes);
  const run = spawnSync(process.execPath, [script, path], { encoding: 'utf8' });
  return { status: run.status, stderr: run.stderr, bytes: readFileSync(path) };
}

const call = async (bytes, k, ...args) =>
  (await WebAssembly.instantiate(bytes)).instance.exports[`f${k}`](...args);

test('Debug::fmt impls of both fmt types return Ok and write nothing; the rest is untouched', async () => {
  const fns = [
    ['<xso::error::Error as core::fmt::Debug>::fmt::h0123456789abcdef', 0],
    ['<str as core[c5930c85a12de822]::fmt::Debug>::fmt', 1],
    ['<&T as core::fmt::Debug>::fmt::h0123456789abcdef[1]', 0],
    ['<xso::error::Error as core::fmt::Display>::fmt::h0123456789abcdef', 0],
    ['<core::fmt::builders::DebugStruct>::field', 0],
    ['xmpp_ftw_wasm::proto::Client::debug_fmt', 0],
    // the name of a Debug impl with another type is left as it is
    ['<odd::Thing as core::fmt::Debug>::fmt::h0123456789abcdef', 2],
  ];
  const before = module(fns);
  for (let k = 0; k < fns.length; k++) assert.equal(await call(before, k, 1, 2, 3), 8);
  const { status, stderr, bytes } = rewrite(before);
  assert.equal(status, 0, stderr);
  assert.match(stderr, /3 Debug::fmt functions write nothing/);
  assert.match(stderr, /kept <odd::Thing as core::fmt::Debug>::fmt/);
  const got = [];
  for (let k = 0; k < fns.length; k++) got.push(await call(bytes, k, 1, 2, 3));
  assert.deepEqual(got, [0, 0, 0, 8, 8, 8, 8]);
});

test('a module without names, or without any Debug::fmt, stops the build', () => {
  const fns = [['<a::B as core::fmt::Debug>::fmt::h0123456789abcdef', 0]];
  const unnamed = rewrite(module(fns, { names: false }));
  assert.equal(unnamed.status, 1);
  assert.match(unnamed.stderr, /no name section/);
  const none = rewrite(module([['<a::B as core::fmt::Display>::fmt::h0123456789abcdef', 0]]));
  assert.equal(none.status, 1);
  assert.match(none.stderr, /no Debug::fmt function found/);
});
