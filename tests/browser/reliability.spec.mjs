// Reliability against a real Prosody: a fault-injecting proxy cutting connections while two
// accounts exchange 2,000 messages, and a Prosody crash and restart mid-conversation.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';

const WS = process.env.XMPP_WS_URL || 'ws://127.0.0.1:5280/xmpp-websocket';
const PORT = Number(process.env.TEST_HTTP_PORT || 8089);
const PROXY = `ws://127.0.0.1:${PORT}/proxy`;

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => { throw e; });
  await page.goto('/tests/browser/page.html');
  await page.waitForFunction(() => window.ready === true);
});

test.afterEach(async ({ request }) => {
  await request.get('/proxy-control?cuts=off');
});

/** In the page: waits until `s` has received every one of `contents` from `fromUser`. */
const collect = `window.collect = async (s, fromUser, prefix, count, ms) => {
  const t0 = Date.now();
  for (;;) {
    const got = s.events.filter(([n, d]) => n === 'xmpp.chat.message' && d.from.user === fromUser && d.content && d.content.startsWith(prefix));
    const distinct = new Set(got.map(([, d]) => d.content));
    if (distinct.size >= count || Date.now() - t0 > ms) return got.map(([, d]) => ({ c: d.content, id: d.id }));
    await new Promise((r) => setTimeout(r, 50));
  }
};`;

// Two ways a connection dies: 'drop' (the network goes away under the client; the server's side
// stays open and hears nothing more, as with a mobile network lost) and 'close' (the server
// sees each connection closed at once, as behind a reverse proxy that closes upstream).
for (const mode of ['drop', 'close']) {
const what = mode === 'drop' ? 'the network drops every few hundred ms' : 'a proxy closes the connections on both ends every few hundred ms';
test(`2,000 messages while ${what}: none lost, none twice`, async ({ page }) => {
  // ejabberd 23.01 loses messages it has acknowledged when it sees a WebSocket close while
  // writing to it (ejabberd_http_ws waits without a timeout for a socket process that has
  // exited; the session then takes 15 s per stanza and never delivers or archives what was
  // routed to it). No client can get those back: proven with the proxy's frames in
  // docs/decisions.md §17; the 'drop' run covers resumption on ejabberd.
  test.skip(mode === 'close' && process.env.XMPP_SERVER === 'ejabberd' && !process.env.RUN_EJABBERD_CLOSE,
    'ejabberd 23.01 hangs a session that sees its WebSocket close while writing (docs/decisions.md §17)');
  test.setTimeout(300_000);
  await page.addScriptTag({ content: collect });
  const r = await page.evaluate(async ({ ws, proxy, mode }) => {
    const aliceJid = await register(ws, 'alice'), bobJid = await register(ws, 'bob');
    // Through the proxy; reconnect quickly so that the test does not take all day.
    const opts = { maxReconnectDelayMs: 2000 };
    const alice = await resource(proxy, aliceJid, 'a', opts), bob = await resource(proxy, bobJid, 'b', opts);
    const statuses = { a: [], b: [] };
    alice.on('xmpp.connection', (d) => statuses.a.push(d.status + (d.resumed === undefined ? '' : d.resumed ? ':resumed' : ':new')));
    bob.on('xmpp.connection', (d) => statuses.b.push(d.status + (d.resumed === undefined ? '' : d.resumed ? ':resumed' : ':new')));
    // Keep the last frames each side received, to show what a stream error was about.
    const lastIn = { a: [], b: [] };
    const keep = (k) => (f) => { if (f.direction === 'in') { lastIn[k].push(f.frame.slice(0, 300)); if (lastIn[k].length > 4) lastIn[k].shift(); } };
    alice.on('xmpp.raw', keep('a')); bob.on('xmpp.raw', keep('b'));
    const badFrames = [];
    for (const [k, s] of [['a', alice], ['b', bob]]) s.on('xmpp.error', () => badFrames.push([...lastIn[k]]));
    alice.send('xmpp.presence', {}); bob.send('xmpp.presence', {});
    await new Promise((res) => setTimeout(res, 300));
    await fetch(`/proxy-control?cuts=on&min=200&max=700&mode=${mode}`);
    // 1,000 messages each, five every 40 ms (8 s), whatever the state of the connection.
    const sentIds = { a: new Map(), b: new Map() };
    for (let i = 0; i < 1000; i += 5) {
      for (let j = i; j < i + 5; j++) {
        alice.send('xmpp.chat.message', { to: bobJid, content: `a${j}` }, (e, d) => { if (d) sentIds.a.set(`a${j}`, d.id); });
        bob.send('xmpp.chat.message', { to: aliceJid, content: `b${j}` }, (e, d) => { if (d) sentIds.b.set(`b${j}`, d.id); });
      }
      await new Promise((res) => setTimeout(res, 40));
    }
    await new Promise((res) => setTimeout(res, 3000));
    const proxyStats = await (await fetch('/proxy-control?cuts=off')).json();
    const [atBob, atAlice] = await Promise.all([
      collect(bob, aliceJid.split('@')[0], 'a', 1000, 120000),
      collect(alice, bobJid.split('@')[0], 'b', 1000, 120000),
    ]);
    return {
      atBob, atAlice, proxyStats, statuses,
      sentA: Object.fromEntries(sentIds.a), sentB: Object.fromEntries(sentIds.b),
      errors: [...alice.events, ...bob.events].filter(([n]) => n === 'xmpp.error' || n === 'xmpp.chat.error').map(([n, d]) => [n, d]),
      badFrames,
    };
  }, { ws: WS, proxy: PROXY, mode });
  const reconnects = r.statuses.a.filter((s) => s.startsWith('online:')).length + r.statuses.b.filter((s) => s.startsWith('online:')).length;
  const resumed = [...r.statuses.a, ...r.statuses.b].filter((s) => s === 'online:resumed').length;
  test.info().annotations.push({ type: 'faults', description: `${r.proxyStats.cuts} cuts, ${reconnects} reconnections (${resumed} resumed)` });
  expect(r.errors, JSON.stringify(r.badFrames)).toEqual([]);
  expect(r.proxyStats.cuts).toBeGreaterThanOrEqual(5);
  expect(reconnects).toBeGreaterThanOrEqual(5);
  for (const [got, prefix, sent] of [[r.atBob, 'a', r.sentA], [r.atAlice, 'b', r.sentB]]) {
    // every message delivered, exactly once, with the id its sender was given
    expect(got.length).toBe(1000);
    expect(new Set(got.map((m) => m.c)).size).toBe(1000);
    for (const m of got) expect(m.id).toBe(sent[m.c]);
    expect(got.map((m) => m.c).sort()).toEqual(Array.from({ length: 1000 }, (_, i) => `${prefix}${i}`).sort());
  }
});
}

test('Prosody killed and restarted mid-conversation: what was sent meanwhile arrives', async ({ page }) => {
  test.skip(!process.env.PROSODY_DIR, 'Prosody only: kills and restarts the Prosody of scripts/test.sh (PROSODY_DIR)');
  test.setTimeout(120_000);
  const aliceBob = await page.evaluate(async (ws) => {
    const aliceJid = await register(ws, 'alice'), bobJid = await register(ws, 'bob');
    const opts = { maxReconnectDelayMs: 1000 };
    window.alice = await resource(ws, aliceJid, 'a', opts);
    window.bob = await resource(ws, bobJid, 'b', opts);
    alice.send('xmpp.presence', {}); bob.send('xmpp.presence', {});
    await new Promise((res) => setTimeout(res, 200));
    await alice.request('xmpp.chat.message', { to: bobJid, content: 'before the crash' });
    await bob.waitFor('xmpp.chat.message', (m) => m.content === 'before the crash');
    return { aliceJid, bobJid };
  }, WS);
  const script = new URL('../../scripts/prosody.sh', import.meta.url).pathname;
  execFileSync(script, ['kill', process.env.PROSODY_DIR]);
  const during = await page.evaluate(async ({ bobJid }) => {
    await alice.waitFor('xmpp.connection', (d) => d.status === 'reconnecting');
    const ids = [];
    for (let i = 0; i < 20; i++) {
      const [d] = await alice.request('xmpp.chat.message', { to: bobJid, content: `while down ${i}` });
      ids.push(d.id);
    }
    return ids;
  }, aliceBob);
  execFileSync(script, ['start', process.env.PROSODY_DIR, process.env.PROSODY_HTTP_PORT, process.env.PROSODY_C2S_PORT]);
  const r = await page.evaluate(async () => {
    const back = (d) => d.status === 'online' && d.resumed !== undefined; // the reconnection, not the login
    const online = await alice.waitFor('xmpp.connection', back, 30000);
    await bob.waitFor('xmpp.connection', back, 30000);
    const t0 = Date.now();
    let got = [];
    while (Date.now() - t0 < 30000) {
      got = bob.events.filter(([n, d]) => n === 'xmpp.chat.message' && d.content && d.content.startsWith('while down')).map(([, d]) => d);
      if (got.length >= 20) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    return { online, got: got.map((m) => ({ c: m.content, id: m.id })) };
  });
  expect(r.online.resumed).toBe(false);
  expect(r.got.map((m) => m.c).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `while down ${i}`).sort());
  expect(r.got.map((m) => m.id).sort()).toEqual([...during].sort());
});

test('a page that becomes visible again checks its connection with a ping', async ({ page }) => {
  const r = await page.evaluate(async (ws) => {
    const s = track();
    const out = [];
    s.on('xmpp.raw', (f) => { if (f.direction === 'out') out.push(f.frame); });
    await s.request('xmpp.login', { jid: 'carol@localhost', password: 'password', websocket: ws });
    await new Promise((res) => setTimeout(res, 100));
    const before = out.filter((f) => f.includes('urn:xmpp:ping')).length;
    document.dispatchEvent(new Event('visibilitychange'));
    await new Promise((res) => setTimeout(res, 200));
    return { before, after: out.filter((f) => f.includes('urn:xmpp:ping')).length, errors: s.events.filter(([n]) => n === 'xmpp.error') };
  }, WS);
  expect(r.before).toBe(0);
  expect(r.after).toBe(1);
  expect(r.errors).toEqual([]);
});

test('the keepalive ping waits for a quiet period: frames that keep arriving put it off', async ({ page }) => {
  const r = await page.evaluate(async (ws) => {
    const jid = await register(ws, 'quiet');
    const s = await resource(ws, jid, 'desk', { pingIntervalMs: 600 });
    const bob = await fresh(ws, 'bob');
    const pings = [], frames = [];
    s.on('xmpp.raw', (f) => {
      if (f.direction === 'out' && f.frame.includes('urn:xmpp:ping')) pings.push(performance.now());
      if (f.direction === 'in') frames.push(performance.now());
    });
    // 2 s of traffic, a frame every 100 ms: the keepalive's deadline moves later with each one.
    for (let i = 0; i < 20; i++) {
      bob.send('xmpp.chat.message', { to: s.full, content: `busy ${i}` });
      await new Promise((res) => setTimeout(res, 100));
    }
    await s.waitFor('xmpp.chat.message', (m) => m.content === 'busy 19');
    const during = pings.length;
    const t0 = Date.now();
    while (pings.length === 0 && Date.now() - t0 < 10000) await new Promise((res) => setTimeout(res, 20));
    const lastBefore = frames.filter((t) => t < pings[0]).pop();
    return { during, pings: pings.length, quiet: pings[0] - lastBefore, errors: s.events.filter(([n]) => n === 'xmpp.error') };
  }, WS);
  expect(r.during).toBe(0);
  expect(r.pings).toBeGreaterThanOrEqual(1);
  // XEP-0199 §4.2: the ping follows pingIntervalMs of silence (whole milliseconds in the core).
  expect(r.quiet).toBeGreaterThanOrEqual(598);
  expect(r.errors).toEqual([]);
});
