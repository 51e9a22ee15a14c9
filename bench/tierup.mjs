// How much of an incoming flood runs before V8 has optimised the wasm (scripts/bench-tierup.sh):
// each round launches fresh headless Chromiums, one per V8 setting, that open the bench page as
// the bench's flood does (a freshly compiled copy of the wasm) and read two floods of N messages
// in a row on it. The first flood starts in Liftoff, V8's baseline tier, and moves to TurboFan
// function by function as each one spends its tiering budget; the second starts with what the
// first got optimised. The settings other than the default are V8 flags a page cannot set: they
// only show what the default's tier-up costs. Prints the median msgs/s of each flood per setting.
// With more ports (tests/server.mjs of other checkouts, each with its own build, e.g. a git
// worktree), each build is measured too, under the default setting, in the same rounds.
import { launch } from './cdp.mjs';
import { median } from './stats.mjs';

const [port, roundsArg, ...others] = process.argv.slice(2);
if (!port) {
  console.error('usage: node bench/tierup.mjs <port of tests/server.mjs> [rounds] [port of another build\'s server...]');
  process.exit(2);
}
const ROUNDS = Number(roundsArg || 5);
const N = 20000;
const SETTINGS = [
  ['default', '', port],
  ['tier-up 65× sooner (--wasm-tiering-budget=200000)', '--wasm-tiering-budget=200000', port],
  ['no baseline tier (--no-liftoff)', '--no-liftoff', port],
  ...others.map((p) => [`default, the build served on port ${p}`, '', p]),
];
const results = SETTINGS.map(() => [[], []]);
for (let round = 0; round < ROUNDS; round++) {
  for (const [i, [, flags, at]] of SETTINGS.entries()) {
    const browser = await launch({ port: 9470, extraArgs: flags ? [`--js-flags=--expose-gc ${flags}`] : [] });
    try {
      await browser.navigate(`http://127.0.0.1:${at}/bench/page.html?lib=xmpp-ftw-wasm`);
      for (let k = 0; k < 200 && !(await browser.evaluate('window.ready === true')); k++) await new Promise((r) => setTimeout(r, 25));
      const url = `ws://127.0.0.1:${at}/scripted/flood?count=${N}&delay=500`;
      for (const flood of [0, 1]) {
        const r = await browser.evaluate(`flood(${JSON.stringify(url)}, ${N})`);
        if (r.count !== N) throw new Error(`${r.count}/${N} messages delivered`);
        results[i][flood].push(r.perSec);
      }
    } finally {
      await browser.close();
    }
  }
  console.error(`round ${round + 1}/${ROUNDS}`);
}
const fmt = (n) => Math.round(n).toLocaleString('en-US');
console.log(`| V8 setting | first flood on a freshly compiled wasm, msgs/s | second flood on the same page, msgs/s |`);
console.log('|---|---|---|');
for (const [i, [label]] of SETTINGS.entries()) {
  const [a, b] = results[i];
  console.log(`| ${label} | ${fmt(median(a))} (${fmt(Math.min(...a))}–${fmt(Math.max(...a))}) | ${fmt(median(b))} (${fmt(Math.min(...b))}–${fmt(Math.max(...b))}) |`);
}
