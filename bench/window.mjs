// The sending window (docs/decisions.md §16) measured on each server, side by side in one run:
// one account sends a burst in one task to another through the server, with the option
// `sendWindow` at several sizes, interleaved over repetitions. Per window: the time until the
// server acknowledged every message (the last xmpp.chat.sent) and until the other account had
// them all, for 2,000 short messages and for 30 of 60,000 bytes (bound by the window's 192,000
// bytes whatever its size in stanzas; 40 would not fit in the outbox's 2 MiB).
// scripts/bench-window.sh runs it with a throwaway Prosody and ejabberd and writes
// bench/results/<date>-window.md.
// Env: BENCH_SERVERS="prosody=ws://…,ejabberd=ws://…", BENCH_HTTP_PORT. Options: --reps N (3).
import fs from 'node:fs';
import { launch } from './cdp.mjs';
import { median } from './stats.mjs';

const arg = (name, dflt) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : dflt; };
const REPS = Number(arg('reps', 3));
const WINDOWS = arg('windows', '8,16,32,64,128,1024').split(',').map(Number);
const SERVERS = (process.env.BENCH_SERVERS || '').split(',').filter(Boolean).map((s) => s.split('='));
const BASE = `http://127.0.0.1:${Number(process.env.BENCH_HTTP_PORT || 8291)}`;
const fmt = (n) => (n === undefined || Number.isNaN(n) ? 'n/a' : Math.round(n).toLocaleString('en-US'));
const stat = (a) => (a.length ? `${fmt(median(a))} (${fmt(Math.min(...a))}–${fmt(Math.max(...a))})` : 'n/a');

/** In the page: `count` messages of `size` characters from a fresh account to another. */
const burst = `window.burst = async (ws, window_, count, size) => {
  const aJid = await register(ws, 'wa'), bJid = await register(ws, 'wb');
  const a = await resource(ws, aJid, 'a', { sendWindow: window_, persist: 'none' });
  const b = await resource(ws, bJid, 'b', { persist: 'none' });
  b.send('xmpp.presence', {});
  await new Promise((r) => setTimeout(r, 300));
  let sent = 0, got = 0, tSent = 0, tGot = 0, errors = 0;
  const t0 = performance.now();
  const done = new Promise((resolve) => {
    const check = () => { if (sent === count && got === count) resolve(); };
    a.on('xmpp.chat.sent', () => { sent++; if (sent === count) tSent = performance.now() - t0; check(); });
    b.on('xmpp.chat.message', (m) => { if (m.content && m.content.startsWith('w ')) { got++; if (got === count) tGot = performance.now() - t0; check(); } });
    a.on('xmpp.chat.error', () => { errors++; });
    a.on('xmpp.error.client', () => { errors++; });
  });
  const pad = 'x'.repeat(Math.max(0, size - 12));
  for (let i = 0; i < count; i++) a.send('xmpp.chat.message', { to: bJid, content: 'w ' + i + ' ' + pad });
  const timeout = new Promise((r) => setTimeout(() => r('timeout'), 120000));
  const how = await Promise.race([done, timeout]);
  const online = a.events.filter(([n, d]) => n === 'xmpp.connection' && d.status === 'online').length;
  await a.request('xmpp.logout', {}); await b.request('xmpp.logout', {});
  return { tSent, tGot, sent, got, errors, reconnects: online - 1, timedOut: how === 'timeout' };
};`;

const browser = await launch({ port: 9334 });
const results = {};
const notes = [];
for (let rep = 0; rep < REPS; rep++) {
  for (const [name, ws] of SERVERS) {
    // Rotated each repetition so that no window always runs first.
    const order = WINDOWS.map((_, i) => WINDOWS[(i + rep) % WINDOWS.length]);
    for (const w of order) {
      for (const [kind, count, size] of [['short', 2000, 200], ['large', 30, 60000]]) {
        console.error(`rep ${rep + 1}/${REPS}: ${name}, window ${w}, ${count} × ${size} B`);
        await browser.navigate(`${BASE}/tests/browser/page.html`);
        for (let i = 0; i < 200 && !(await browser.evaluate('window.ready === true')); i++) await new Promise((r) => setTimeout(r, 25));
        await browser.evaluate(burst);
        const r = await browser.evaluate(`burst(${JSON.stringify(ws)}, ${w}, ${count}, ${size})`);
        console.error(`  ${JSON.stringify(r)}`);
        const key = `${name}|${w}|${kind}`;
        results[key] ??= { sent: [], got: [] };
        if (r.sent === count && r.got === count) { results[key].sent.push(r.tSent); results[key].got.push(r.tGot); }
        if (r.timedOut || r.errors || r.reconnects) notes.push(`${name}, window ${w}, ${kind}: ${r.sent}/${count} acknowledged, ${r.got}/${count} received, ${r.errors} errors, ${r.reconnects} reconnections`);
      }
    }
  }
}
await browser.close();

const lines = [`# Sending window, ${new Date().toISOString().slice(0, 10)} (medians of ${REPS}, min–max, ms from the first send)`, ''];
lines.push('| server | window (stanzas) | 2,000 × 200 B: all acknowledged | all received | 30 × 60,000 B: all acknowledged | all received |');
lines.push('|---|---|---|---|---|---|');
for (const [name] of SERVERS) {
  for (const w of WINDOWS) {
    const s = results[`${name}|${w}|short`] || { sent: [], got: [] }, l = results[`${name}|${w}|large`] || { sent: [], got: [] };
    lines.push(`| ${name} | ${w}${w === 64 ? ' (default)' : ''} | ${stat(s.sent)} | ${stat(s.got)} | ${stat(l.sent)} | ${stat(l.got)} |`);
  }
}
if (notes.length) lines.push('', 'Runs that did not complete cleanly:', ...notes.map((n) => `- ${n}`));
const out = lines.join('\n');
console.log(out);
fs.mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
fs.writeFileSync(new URL(`./results/${new Date().toISOString().slice(0, 10)}-window.md`, import.meta.url), `${out}\n`);
