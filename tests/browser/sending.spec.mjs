// Sending safely (docs/decisions.md §16) on the real servers: a burst of large messages in one task
// arrives whole and once (the XEP-0198 window paces it); what is over the outgoing limit is refused
// and the session goes on; 500 messages (some large) written during an outage go out once it ends,
// each once and whole.
import { test, expect } from '@playwright/test';

const WS = process.env.XMPP_WS_URL || 'ws://127.0.0.1:5280/xmpp-websocket';
const PORT = Number(process.env.TEST_HTTP_PORT || 8089);
const PROXY = `ws://127.0.0.1:${PORT}/proxy`;
const SERVER = process.env.XMPP_SERVER || 'prosody';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => { throw e; });
  await page.goto('/tests/browser/page.html');
  await page.waitForFunction(() => window.ready === true);
  await page.evaluate(() => {
    // bob's messages from `from`, by content, once they are `count` distinct ones
    window.received = async (bob, from, count, ms = 60000) => {
      const t0 = Date.now();
      for (;;) {
        const got = bob.events.filter(([n, m]) => n === 'xmpp.chat.message' && m.content !== undefined && m.from.user === from.split('@')[0]).map(([, m]) => m.content);
        if (new Set(got).size >= count || Date.now() - t0 > ms) return got;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
  });
});
test.afterEach(async ({ request }) => { await request.get('/proxy-control?down=off'); });

test(`20 × 60 KiB in one task arrive whole and once; over the limit is refused and the session goes on, on ${SERVER}`, async ({ page }) => {
  test.setTimeout(120_000);
  const r = await page.evaluate(async (ws) => {
    const alice = await fresh(ws, 'alice'), bob = await fresh(ws, 'bob');
    for (const s of [alice, bob]) s.send('xmpp.presence', {});
    await new Promise((res) => setTimeout(res, 300));
    const big = (i, n) => `${i}:`.padEnd(n, String.fromCharCode(97 + (i % 26)));
    const sent = await Promise.all(Array.from({ length: 20 }, (_, i) => alice.request('xmpp.chat.message', { to: bob.jid, content: big(i, 60 * 1024) })));
    const got = await received(bob, alice.jid, 20);
    const refused = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => alice.request('xmpp.chat.message', { to: bob.jid, content: big(100 + i, 64 * 1024) }).then(() => null, (e) => e.description)),
      alice.request('xmpp.chat.message', { to: bob.jid, content: big(200, 300 * 1024) }).then(() => null, (e) => e.description),
    ]);
    await alice.request('xmpp.chat.message', { to: bob.jid, content: 'still here' });
    const after = await received(bob, alice.jid, 21);
    const statuses = alice.events.filter(([n]) => n === 'xmpp.connection').map(([, c]) => c.status);
    return { sent: sent.length, got, refused, after, statuses, expected: Array.from({ length: 20 }, (_, i) => big(i, 60 * 1024)) };
  }, WS);
  expect(r.sent).toBe(20);
  expect(r.got.length).toBe(20);
  expect([...r.got].sort()).toEqual([...r.expected].sort());
  expect(r.refused).toEqual(Array(21).fill('Message too large'));
  expect(r.after.filter((c) => c === 'still here')).toHaveLength(1);
  expect(r.after).toHaveLength(21);
  expect(r.statuses).toEqual(['online']);
});

test(`500 messages (some large) written during an outage go out once it ends, each once and whole, on ${SERVER}`, async ({ page, request }) => {
  test.setTimeout(180_000);
  await page.evaluate(async ({ ws, proxy }) => {
    window.bob = await fresh(ws, 'bob');
    window.alice = await fresh(proxy, 'alice', { resource: 'a' });
    for (const s of [alice, bob]) s.send('xmpp.presence', {});
    await new Promise((res) => setTimeout(res, 300));
  }, { ws: WS, proxy: PROXY });
  await request.get('/proxy-control?down=on');
  const answered = await page.evaluate(async () => {
    await alice.waitFor('xmpp.connection', (c) => c.status === 'reconnecting', 20000);
    window.expected = Array.from({ length: 500 }, (_, i) => (i % 50 === 0 ? `${i}:`.padEnd(60 * 1024, 'L') : `m${i}`));
    const answers = await Promise.all(expected.map((content) => alice.request('xmpp.chat.message', { to: bob.jid, content }).then(() => 'ok', (e) => e.description)));
    return answers.filter((a) => a === 'ok').length;
  });
  expect(answered).toBe(500);
  await request.get('/proxy-control?down=off');
  const r = await page.evaluate(async () => {
    const got = await received(bob, alice.jid, 500, 120000);
    const pending = (await alice.request('xmpp.chat.pending', {}))[0].length;
    return { got, expected, pending };
  });
  expect(r.got.length).toBe(500);
  expect([...r.got].sort()).toEqual([...r.expected].sort());
});

test(`with the limit raised to 200,000, a 128 KiB message: refused twice and reported on Prosody, delivered on ejabberd; the next one arrives, on ${SERVER}`, async ({ page }) => {
  test.setTimeout(120_000);
  const r = await page.evaluate(async (ws) => {
    const bob = await fresh(ws, 'bob');
    const aliceJid = await register(ws, 'alice');
    const alice = await resource(ws, aliceJid, 'a', { maxOutgoingStanzaBytes: 200000 });
    for (const s of [alice, bob]) s.send('xmpp.presence', {});
    await new Promise((res) => setTimeout(res, 1000)); // the login's requests acknowledged
    const big = 'B'.repeat(128 * 1024);
    const [sent] = await alice.request('xmpp.chat.message', { to: bob.jid, content: big });
    await alice.request('xmpp.chat.message', { to: bob.jid, content: 'after the big one' });
    const got = await received(bob, alice.jid, 1, 60000);
    await new Promise((res) => setTimeout(res, 1500));
    const all = bob.events.filter(([n, m]) => n === 'xmpp.chat.message' && m.content !== undefined).map(([, m]) => m.content);
    return {
      id: sent.id,
      bigAtBob: all.filter((c) => c === big).length,
      afterAtBob: all.filter((c) => c === 'after the big one').length,
      errors: alice.events.filter(([n]) => n === 'xmpp.chat.error').map(([, e]) => e),
      statuses: alice.events.filter(([n]) => n === 'xmpp.connection').map(([, c]) => c.status),
      got: got.length,
    };
  }, WS);
  expect(r.afterAtBob).toBe(1);
  if (SERVER === 'prosody') {
    // Prosody 0.12 closes the WebSocket on a message the browser split into frames (1003, or 1006)
    expect(r.bigAtBob).toBe(0);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ id: r.id, error: { type: 'cancel', condition: 'not-acceptable' } });
    expect([1003, 1006]).toContain(r.errors[0].error.closeCode);
    expect(r.statuses.at(-1)).toBe('online');
  } else {
    expect(r.bigAtBob).toBe(1);
    expect(r.errors).toEqual([]);
  }
});
