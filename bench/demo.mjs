// The demo with thousands of contacts (README, Benchmarks): the demo page (www/) logs in to an
// account with 5,000 contacts, 500 of whom are online (real sessions that tell it their
// presence), in headless Chromium. Measured: the time from "Log in" to a usable list (its rows
// drawn and the page answering) with the longest task meanwhile, the time for 500 contacts
// coming online and then 50 going offline to show (the last one's row), the DOM nodes of the
// list, and the latency of keys typed in the composer (key down → the next frame).
// scripts/bench-roster.sh runs it after the roster bench; env BENCH_HTTP_PORT, XMPP_WS_URL,
// PROSODY_DIR. --reps N (3).
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { launch } from './cdp.mjs';
import { median } from './stats.mjs';
import { session as bareSession } from './sender.mjs';
import { writeProsodyRoster } from '../tests/browser/big-roster.mjs';

const arg = (name, dflt) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : dflt; };
const REPS = Number(arg('reps', 3));
const CONTACTS = 5000, ONLINE = 500, CHANGES = 50;
const WS = process.env.XMPP_WS_URL;
const BASE = `http://127.0.0.1:${Number(process.env.BENCH_HTTP_PORT || 8292)}`;
const fmt = (n, d = 0) => (n === undefined || Number.isNaN(n) ? 'n/a' : n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
const stat = (a, d = 0) => (a.length ? `${fmt(median(a), d)} (${fmt(Math.min(...a), d)}–${fmt(Math.max(...a), d)})` : 'n/a');
const agent = (i) => `agent${String(i).padStart(3, '0')}`;

/** A bare session of agent `user` (bench/sender.mjs). */
const session = (user, password, register) => bareSession({ url: WS, jid: `${user}@localhost`, password, register });

// The account: 5,000 contacts, the first 500 of them the agents who come online.
try {
  execFileSync('scripts/prosody.sh', ['adduser', process.env.PROSODY_DIR, 'demo5000', 'localhost', 'password'], { stdio: 'ignore' });
} catch { /* there from an earlier run */ }
// (the agents' subscription is mutual; the others' none, so that logging in does not send
// 4,500 probes to a domain this machine cannot reach)
writeProsodyRoster(process.env.PROSODY_DIR, 'demo5000', Array.from({ length: CONTACTS }, (_, i) => (i < ONLINE
  ? [`${agent(i)}@localhost`, `Agent ${String(i).padStart(3, '0')}`, 'both']
  : [`c${i}@example.org`, `Customer ${String(i).padStart(5, '0')}`])));
console.error(`registering ${ONLINE} agents…`);
for (let i = 0; i < ONLINE; i += 50) {
  const batch = await Promise.all(Array.from({ length: 50 }, (_, k) => session(agent(i + k), 'pw', true)));
  for (const ws of batch) ws.close();
}

const browser = await launch({ port: 9336 });
const results = { usable: [], longestLogin: [], online: [], offline: [], longestChanges: [], nodes: [], key: [], keyMax: [] };
for (let rep = 0; rep < REPS; rep++) {
  console.error(`rep ${rep + 1}/${REPS}`);
  await browser.navigate(`${BASE}/www/?ws=${encodeURIComponent(WS)}`);
  await browser.evaluate('try { sessionStorage.clear(); localStorage.clear(); } catch {}');
  await browser.navigate(`${BASE}/www/?ws=${encodeURIComponent(WS)}`);
  await new Promise((r) => setTimeout(r, 500));
  // Log in as a person would, and wait for a list that answers.
  const login = await browser.evaluate(`(async () => {
    window.tasks = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.tasks.push(e.duration); }).observe({ type: 'longtask' });
    const $ = (id) => document.getElementById(id);
    for (let i = 0; i < 200 && $('login-button') && $('login-button').disabled; i++) await new Promise((r) => setTimeout(r, 25));
    $('jid').value = 'demo5000@localhost';
    $('password').value = 'password';
    const t0 = performance.now();
    $('login').requestSubmit();
    for (;;) {
      const first = document.querySelector('#conversations li:not(.spacer)');
      if (first && first.getAttribute('aria-setsize') === '${CONTACTS}') break;
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const usable = performance.now() - t0;
    return { usable, longest: Math.max(0, ...window.tasks), nodes: document.getElementById('conversations').getElementsByTagName('*').length };
  })()`);
  results.usable.push(login.usable); results.longestLogin.push(login.longest); results.nodes.push(login.nodes);
  // The agents come online (directed presence), then 50 go offline. The search puts the last
  // agent of each wave on screen; the time is until its row says so.
  const search = (q) => browser.evaluate(`(() => { const s = document.getElementById('contact-search'); s.value = ${JSON.stringify(q)}; s.dispatchEvent(new Event('input')); window.tasks = []; })()`);
  const row = (i) => `document.querySelector('#conversations button[data-peer="${agent(i)}@localhost"] .dot')`;
  const waitDot = (i, cls) => browser.evaluate(`(async () => { for (;;) { const d = ${row(i)}; if (d && d.classList.contains('${cls}')) return performance.now(); await new Promise((r) => setTimeout(r, 2)); } })()`);
  await search('Agent 49');
  const agents = [];
  for (let i = 0; i < ONLINE; i += 50) agents.push(...await Promise.all(Array.from({ length: 50 }, (_, k) => session(agent(i + k), 'pw', false))));
  let t = await browser.evaluate('performance.now()');
  for (const ws of agents) ws.send('<presence xmlns="jabber:client" to="demo5000@localhost"/>');
  results.online.push((await waitDot(ONLINE - 1, 'online')) - t);
  await search('Agent 04');
  await new Promise((r) => setTimeout(r, 1000));
  await browser.evaluate('window.tasks = []');
  t = await browser.evaluate('performance.now()');
  for (let i = 0; i < CHANGES; i++) agents[i].send('<presence xmlns="jabber:client" to="demo5000@localhost" type="unavailable"/>');
  results.offline.push((await waitDot(CHANGES - 1, 'offline')) - t);
  results.longestChanges.push(await browser.evaluate('Math.max(0, ...window.tasks)'));
  // Keys in the composer of an open conversation: key down → the next frame.
  await browser.evaluate(`document.querySelector('#conversations button[data-peer="${agent(45)}@localhost"]').click()`);
  await browser.evaluate(`(() => {
    window.keyLat = [];
    const box = document.querySelector('#composer textarea');
    box.focus();
    box.addEventListener('keydown', () => { const t = performance.now(); requestAnimationFrame(() => setTimeout(() => window.keyLat.push(performance.now() - t), 0)); });
  })()`);
  for (const ch of 'hello there, how are you') {
    await browser.send('Input.dispatchKeyEvent', { type: 'keyDown', text: ch, key: ch });
    await browser.send('Input.dispatchKeyEvent', { type: 'keyUp', key: ch });
    await new Promise((r) => setTimeout(r, 30));
  }
  await new Promise((r) => setTimeout(r, 200));
  const lat = await browser.evaluate('window.keyLat');
  results.key.push(median(lat)); results.keyMax.push(Math.max(...lat));
  for (const ws of agents) ws.close();
  await browser.evaluate(`document.getElementById('logout').click()`);
  await new Promise((r) => setTimeout(r, 1000));
}
await browser.close();

let md = `Demo benchmark of ${new Date().toISOString().slice(0, 10)}: the demo page with ${fmt(CONTACTS)} contacts, ${ONLINE} online (${REPS} repetitions, median (min–max)).\n\n`;
md += '| measure | result |\n|---|---|\n';
md += `| "Log in" → a usable list (ms) | ${stat(results.usable)} |\n`;
md += `| longest task meanwhile (ms) | ${stat(results.longestLogin)} |\n`;
md += `| DOM nodes of the list | ${stat(results.nodes)} |\n`;
md += `| ${ONLINE} contacts coming online → shown (ms) | ${stat(results.online)} |\n`;
md += `| ${CHANGES} going offline → shown (ms) | ${stat(results.offline)} |\n`;
md += `| longest task during those ${CHANGES} (ms) | ${stat(results.longestChanges)} |\n`;
md += `| key in the composer → next frame, median / worst of 24 keys (ms) | ${stat(results.key, 1)} / ${stat(results.keyMax, 1)} |\n`;
console.log(md);
fs.appendFileSync(`bench/results/${new Date().toISOString().slice(0, 10)}-roster.md`, `\n${md}`);
