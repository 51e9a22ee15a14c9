// XEP-0313 history against Prosody's mod_mam: 2,000 exchanged messages paged backwards 100 at a
// time, filters, completeness, preferences.
import { test, expect } from '@playwright/test';

const WS = process.env.XMPP_WS_URL || 'ws://127.0.0.1:5280/xmpp-websocket';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => { throw e; });
  await page.goto('/tests/browser/page.html');
  await page.waitForFunction(() => window.ready === true);
});

test('2,000 messages paged backwards 100 at a time: each exactly once, in order, with ids, times and direction', async ({ page }) => {
  test.setTimeout(240_000);
  const r = await page.evaluate(async (ws) => {
    const alice = await fresh(ws, 'alice'), bob = await fresh(ws, 'bob'), carol = await fresh(ws, 'carol');
    for (const s of [alice, bob, carol]) s.send('xmpp.presence', {});
    await new Promise((res) => setTimeout(res, 200));
    await exchange(alice, bob, 2000, 'm');
    await exchange(alice, carol, 30, 'c');
    // The history of alice with bob, newest page first.
    const t0 = performance.now();
    const { pages, all } = await pageBackwards(alice, { with: bob.jid }, 100);
    const ms = performance.now() - t0;
    const compact = all.map((m) => ({ c: m.content, id: m.mam.id, when: m.delay.when, from: m.from.user, to: m.mam.to.user, q: m.mam.queryId, keys: Object.keys(m).sort().join() }));
    // with carol only
    const withCarol = await pageBackwards(alice, { with: carol.jid }, 100);
    // a start/end window
    const start = all[500].delay.when, end = all[1499].delay.when;
    const windowed = await pageBackwards(alice, { with: bob.jid, start, end }, 250);
    return { pages, compact, ms, carol: withCarol.all.map((m) => m.content), windowed: windowed.all.map((m) => m.content),
      start, end, alice: alice.jid.split('@')[0], bob: bob.jid.split('@')[0] };
  }, WS);
  test.info().annotations.push({ type: 'MAM fetch of 2,000 messages (not a benchmark)', description: `${Math.round(r.ms)} ms` });
  expect(r.pages.length).toBe(20);
  expect(r.pages.every((p) => p.size === 100)).toBe(true);
  expect(r.pages.slice(0, -1).every((p) => p.data.complete === false)).toBe(true);
  expect(r.pages.at(-1).data.complete).toBe(true);
  expect(r.pages[0].rsm.count).toBe(2000);
  expect(r.pages[0].data.with).toContain(r.bob);
  // every message exactly once, in order
  expect(r.compact.map((m) => m.c)).toEqual(Array.from({ length: 2000 }, (_, i) => `m${i}`));
  expect(new Set(r.compact.map((m) => m.id)).size).toBe(2000);
  for (let i = 1; i < 2000; i++) expect(r.compact[i].when >= r.compact[i - 1].when).toBe(true);
  // direction from `from` vs `mam.to`: blocks of 20 alternate, alice first
  r.compact.forEach((m, i) => {
    const aliceSent = Math.floor(i / 20) % 2 === 0;
    expect([m.from, m.to]).toEqual(aliceSent ? [r.alice, r.bob] : [r.bob, r.alice]);
  });
  expect(r.compact[0].keys).toBe('content,delay,format,from,id,mam');
  expect(r.carol).toEqual(Array.from({ length: 30 }, (_, i) => `c${i}`));
  const expectedWindow = r.compact.filter((m) => m.when >= r.start && m.when <= r.end).map((m) => m.c);
  expect(r.windowed).toEqual(expectedWindow);
  expect(r.windowed.length).toBeGreaterThanOrEqual(1000);
});

test('forward paging with after, and preferences round-trip', async ({ page }) => {
  const r = await page.evaluate(async (ws) => {
    const alice = await fresh(ws, 'alice'), bob = await fresh(ws, 'bob');
    for (const s of [alice, bob]) s.send('xmpp.presence', {});
    await new Promise((res) => setTimeout(res, 100));
    await exchange(alice, bob, 25, 'f', 5);
    const seen = [];
    let after;
    for (;;) {
      const mark = alice.events.length;
      const queryId = `fwd${seen.length}`;
      const [data, rsm] = await alice.request('xmpp.mam.query', { with: bob.jid, queryId, rsm: after ? { max: 10, after } : { max: 10 } });
      seen.push(...alice.events.slice(mark).filter(([n, d]) => n === 'xmpp.mam.message' && d.mam.queryId === queryId).map(([, d]) => d.content));
      if (data.complete) break;
      after = rsm.last;
    }
    const set1 = await alice.request('xmpp.mam.preferences', { default: 'roster', always: [bob.jid], never: ['spam@localhost'] });
    const [prefs1] = await alice.request('xmpp.mam.preferences.get', {});
    await alice.request('xmpp.mam.preferences', { default: 'never' });
    const [prefs2] = await alice.request('xmpp.mam.preferences.get', {});
    const noCallback = await new Promise((res) => { alice.once('xmpp.error.client', res); alice.send('xmpp.mam.query', {}); });
    return { seen, set1, prefs1, prefs2, noCallback };
  }, WS);
  expect(r.seen).toEqual(Array.from({ length: 25 }, (_, i) => `f${i}`));
  expect(r.set1).toEqual([true]);
  expect(r.prefs1.default).toBe('roster');
  expect(r.prefs1.always.length).toBe(1);
  expect(r.prefs1.never).toEqual(['spam@localhost']);
  expect(r.prefs2).toEqual({ default: 'never', always: [], never: [] });
  expect(r.noCallback.description).toBe('Missing callback');
});
