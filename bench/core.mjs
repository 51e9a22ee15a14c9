// The core's incoming path in headless Chromium (scripts/bench-core.sh): each build directory
// (wasm-bindgen --target web output of examples/incoming_wasm.rs) is instantiated once in the
// same page; then ROUNDS rounds measure each in turn: a fresh client reads 3,000 messages to
// warm up, another one 20,000, timed (the frames built before the clock starts). Prints the median and the
// spread of µs per message for each build.
import path from 'node:path';
import { launch } from './cdp.mjs';

const [port, ...dirs] = process.argv.slice(2);
if (!port || dirs.length === 0) {
  console.error('usage: node bench/core.mjs <port of tests/server.mjs> <build dir>...');
  process.exit(2);
}
const ROUNDS = 7;
const N = 20000;
const root = path.resolve(new URL('..', import.meta.url).pathname);
const urlOf = (dir) => `/${path.relative(root, path.resolve(dir))}`;
const browser = await launch({ port: 9460 });
await browser.navigate(`http://127.0.0.1:${port}/bench/page.html?lib=raw`);
const results = new Map(dirs.map((d) => [d, []]));
await browser.evaluate('window.builds = []');
for (const dir of dirs) {
  const base = urlOf(dir);
  await browser.evaluate(`(async () => {
    const m = await import(${JSON.stringify(`${base}/incoming_wasm.js`)});
    await m.default({ module_or_path: ${JSON.stringify(`${base}/incoming_wasm_bg.wasm`)} });
    window.builds.push(m);
  })()`);
}
for (let round = 0; round < ROUNDS; round++) {
  for (const [k, dir] of dirs.entries()) {
    const us = await browser.evaluate(`(() => {
      const m = window.builds[${k}];
      const warm = new m.Flood(3000, 0);
      warm.run();
      warm.free();
      const f = new m.Flood(${N}, 1000000);
      const t0 = performance.now();
      const events = f.run();
      const ms = performance.now() - t0;
      f.free();
      if (events !== ${N}) throw new Error('events: ' + events);
      return ms * 1000 / ${N};
    })()`);
    results.get(dir).push(us);
  }
}
for (const [dir, xs] of results) {
  const s = [...xs].sort((a, b) => a - b);
  console.log(`${path.basename(path.resolve(dir))}: ${s[s.length >> 1].toFixed(2)} µs per message (median of ${ROUNDS}; ${s[0].toFixed(2)}–${s[s.length - 1].toFixed(2)})`);
}
await browser.close();
