// Thousands of contacts (README, Benchmarks): each library logs in and reads a roster of 100,
// 1,000 and 5,000 contacts from Prosody, interleaved, in headless Chromium. Per library and
// size: the time from the answer's arrival on the WebSocket to the items in the app (and per
// contact), the longest task meanwhile, and what a second login on the same page and a login
// after a reload cost (bytes of the answer, time from the request to the items). xmpp-ftw-wasm
// keeps the roster and its version (RFC 6121 §2.6); the others ask for all of it again.
// scripts/bench-roster.sh runs it; env BENCH_HTTP_PORT, XMPP_WS_URL, PROSODY_DIR. --reps N (3).
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { bundleAll, LIBS } from './build.mjs';
import { launch } from './cdp.mjs';
import { median } from './stats.mjs';
import { mean, profile, report } from './profile.mjs';
import { writeProsodyRoster } from '../tests/browser/big-roster.mjs';

const arg = (name, dflt) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : dflt; };
const REPS = Number(arg('reps', 3));
const SIZES = arg('sizes', '100,1000,5000').split(',').map(Number);
const WS = process.env.XMPP_WS_URL;
const BASE = `http://127.0.0.1:${Number(process.env.BENCH_HTTP_PORT || 8292)}`;
const libs = LIBS.filter((l) => l !== 'raw');
const fmt = (n, d = 0) => (n === undefined || Number.isNaN(n) ? 'n/a' : n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
const med = (a, d = 0) => (a.length ? fmt(median(a), d) : 'n/a');

// One account per size, its roster written as Prosody's file: a name and a group per contact
// (about 110 bytes each in the answer).
for (const n of SIZES) {
  const user = `roster${n}`;
  execFileSync('scripts/prosody.sh', ['adduser', process.env.PROSODY_DIR, user, 'localhost', 'password']);
  writeProsodyRoster(process.env.PROSODY_DIR, user, Array.from({ length: n }, (_, k) => [`contact${k}@example.org`, `Contact number ${k}`]));
}

console.error('bundling the minimal apps…');
await bundleAll();
const browser = await launch({ port: 9335 });
const open = async (lib, clear, extra = '') => {
  await browser.navigate(`${BASE}/bench/page.html?roster=1&lib=${encodeURIComponent(lib)}${extra}`);
  // a first login: nothing kept by an earlier measurement (the roster is read at login)
  if (clear) await browser.evaluate('try { sessionStorage.clear(); } catch {}');
  for (let i = 0; i < 400 && !(await browser.evaluate('window.ready === true')); i++) await new Promise((r) => setTimeout(r, 25));
  if (!(await browser.evaluate('window.ready === true'))) throw new Error(`${lib}: page not ready`);
  await new Promise((r) => setTimeout(r, 300)); // idle after loading, as a page is before its user logs in
};
// --profile N: instead of the table, CPU profiles of N first logins of ours at the largest size
// (the named wasm build of scripts/bench.sh, so that wasm functions carry their Rust names).
if (Number(arg('profile', 0)) > 0) {
  const n = Math.max(...SIZES);
  const runs = [];
  for (let k = 0; k < Number(arg('profile', 0)); k++) {
    await open('xmpp-ftw-wasm', true, '&wasm=/bench/dist/named/xmpp_ftw_wasm_bg.wasm');
    runs.push(await profile(browser, `rosterRead(${JSON.stringify(WS)}, 'roster${n}@localhost', 'password', 1)`, { intervalUs: 50 }));
  }
  console.log(report(`CPU profile, xmpp-ftw-wasm reading ${n} contacts, mean of ${runs.length}`, mean(runs), (v, d = 0) => fmt(v, d)).join('\n'));
  console.log(runs.map((r) => JSON.stringify(r.value)).join('\n'));
  // --with NAME,NAME: each function's time with its callees (mean of the runs), to split a task
  for (const want of String(arg('with', '')).split(',').filter(Boolean)) {
    const rows = new Map();
    for (const r of runs) for (const [k, v] of r.inclusive) if (k.includes(want)) rows.set(k, (rows.get(k) || 0) + v / runs.length);
    for (const [k, v] of [...rows].sort((a, b) => b[1] - a[1]).slice(0, 4)) console.log(`  with callees: ${fmt(v, 2)} ms ${k.slice(0, 160)}`);
  }
  await browser.close();
  process.exit(0);
}
const results = {};
const errors = [];
for (let rep = 0; rep < REPS; rep++) {
  const order = libs.map((_, i) => libs[(i + rep) % libs.length]);
  for (const lib of order) {
    for (const n of SIZES) {
      console.error(`rep ${rep + 1}/${REPS}: ${lib}, ${n} contacts`);
      const r = (results[`${lib} ${n}`] ||= { first: [], perContact: [], longest: [], firstBytes: [], second: [], secondBytes: [], reload: [], reloadBytes: [], wasm: [] });
      try {
        await open(lib, true);
        const [a, b] = await browser.evaluate(`rosterRead(${JSON.stringify(WS)}, 'roster${n}@localhost', 'password', 2)`);
        await open(lib, false); // a reload: what the page kept stays
        const [c] = await browser.evaluate(`rosterRead(${JSON.stringify(WS)}, 'roster${n}@localhost', 'password', 1)`);
        for (const x of [a, b, c]) if (x.count !== n) throw new Error(`${x.count} of ${n} contacts`);
        r.first.push(a.clientMs); r.perContact.push((a.clientMs * 1000) / n); r.longest.push(a.longestMs); r.firstBytes.push(a.bytes);
        r.second.push(b.totalMs); r.secondBytes.push(b.bytes); r.reload.push(c.totalMs); r.reloadBytes.push(c.bytes);
        r.wasm.push(a.wasmMiB);
      } catch (e) {
        errors.push(`${lib} ${n}: ${e.message.split('\n')[0]}`);
      }
    }
  }
}
await browser.close();

const chromium = execFileSync(process.env.CHROMIUM || '/usr/bin/chromium', ['--version']).toString().trim();
let md = `Roster benchmark of ${new Date().toISOString().slice(0, 10)} (${chromium}; Prosody 0.12; ${REPS} interleaved repetitions, medians).\n\n`;
md += '| library | contacts | answer → items in the app (ms) | µs per contact | longest task (ms) | answer bytes | second login: answer bytes / request → items (ms) | after a reload: answer bytes / request → items (ms) |\n|---|---|---|---|---|---|---|---|\n';
for (const n of SIZES) {
  for (const lib of libs) {
    const r = results[`${lib} ${n}`];
    if (!r || !r.first.length) { md += `| ${lib} | ${fmt(n)} | n/a | | | | | |\n`; continue; }
    md += `| ${lib} | ${fmt(n)} | ${med(r.first, 1)} | ${med(r.perContact, 1)} | ${med(r.longest)} | ${med(r.firstBytes)} | ${med(r.secondBytes)} / ${med(r.second, 1)} | ${med(r.reloadBytes)} / ${med(r.reload, 1)} |\n`;
  }
}
md += '\nLongest task: the longest task (over 50 ms, the Long Tasks API) between the request and the items; 0 when none was that long. "request → items" includes the server\'s time.\n';
if (errors.length) md += `\nErrors: ${errors.join('; ')}\n`;
console.log(md);
const date = new Date().toISOString().slice(0, 10);
fs.mkdirSync('bench/results', { recursive: true });
fs.writeFileSync(`bench/results/${date}-roster.md`, md);
