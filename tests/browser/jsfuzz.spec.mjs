// JS-side fuzzing of the public API: every event name with random payloads (wrong types, nulls,
// huge strings, deep nesting, prototype-pollution keys, proxies that throw, functions, symbols,
// BigInts) and random callback arguments. Nothing may throw, trap (a Rust panic) or pollute
// prototypes, and every callback or promise settles with either data or an xmpp-ftw error.
import { test, expect } from '@playwright/test';

const WS = process.env.XMPP_WS_URL || 'ws://127.0.0.1:5280/xmpp-websocket';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => { throw e; });
  await page.goto('/tests/browser/page.html');
  await page.waitForFunction(() => window.ready === true);
});

const EVENTS = ['xmpp.login', 'xmpp.login.anonymous', 'xmpp.logout', 'xmpp.presence', 'xmpp.presence.offline',
  'xmpp.presence.get', 'xmpp.presence.subscribe', 'xmpp.presence.subscribed', 'xmpp.presence.unsubscribe',
  'xmpp.presence.unsubscribed', 'xmpp.chat.message', 'xmpp.chat.receipt', 'xmpp.mam.query', 'xmpp.mam.preferences',
  'xmpp.mam.preferences.get', 'xmpp.roster.get', 'xmpp.roster.add', 'xmpp.roster.edit', 'xmpp.roster.group',
  'xmpp.roster.remove', 'xmpp.chat.pending', 'xmpp.chat.reaction', 'xmpp.chat.retract', 'xmpp.chat.displayed',
  'xmpp.blocking.list', 'xmpp.blocking.add', 'xmpp.blocking.remove', 'xmpp.chat.file', 'xmpp.chat.file.cancel',
  'xmpp.nope', '', '__proto__', 'constructor'];

for (const phase of ['before login', 'online']) {
  test(`random payloads for every event (${phase}) never throw and always settle`, async ({ page }) => {
    test.setTimeout(120_000);
    const r = await page.evaluate(async ({ ws, events, phase }) => {
      // A seeded PRNG, so that a failure can be replayed.
      let seed = phase === 'online' ? 0xC0FFEE : 0xBADF00D;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
      const pick = (a) => a[Math.floor(rnd() * a.length)];
      const keys = ['to', 'content', 'format', 'state', 'receipt', 'replace', 'id', 'jid', 'password', 'websocket',
        'register', 'show', 'status', 'priority', 'type', 'client', 'node', 'ver', 'hash', 'queryId', 'with', 'start',
        'end', 'rsm', 'max', 'after', 'before', 'index', 'default', 'always', 'never', '__proto__', 'constructor',
        'prototype', 'toString', 'valueOf', 'x'];
      const thrower = new Proxy({}, { get() { throw new Error('get trap'); }, ownKeys() { throw new Error('keys trap'); } });
      const value = (depth) => {
        const k = Math.floor(rnd() * 16);
        switch (k) {
          case 0: return null;
          case 1: return undefined;
          case 2: return rnd() < 0.5;
          case 3: return pick([0, -1, 1.5, NaN, Infinity, -Infinity, 2 ** 53, -0, 255]);
          case 4: return pick(['', 'bob@localhost', 'a@@b', '<b>x', 'composing', 'xhtml', 'unavailable', 'true', '2024-01-01T00:00:00Z', '\u0000\u0001', '\ud800']);
          case 5: return 'x'.repeat(pick([1, 1000, 100000, 1200000]));
          case 6: return Symbol('s');
          case 7: return 10n ** 30n;
          case 8: return () => 1;
          case 9: return thrower;
          case 10: { let o = {}; const root = o; for (let i = 0; i < 200; i++) { o.x = {}; o = o.x; } return root; }
          case 11: return JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}}');
          default: {
            if (depth > 3) return 'leaf';
            if (rnd() < 0.3) return Array.from({ length: Math.floor(rnd() * 4) }, () => value(depth + 1));
            const o = {};
            for (let i = Math.floor(rnd() * 5); i > 0; i--) o[pick(keys)] = value(depth + 1);
            return o;
          }
        }
      };
      const s = new XmppSocket({ requestTimeoutMs: 3000 });
      if (phase === 'online') {
        await s.request('xmpp.login', { jid: 'carol@localhost', password: 'password', websocket: ws });
      }
      let thrown = [], settled = 0, expected = 0, badErrors = [];
      const checkError = (e) => {
        if (e === null || e === undefined) return;
        if (typeof e !== 'object' || typeof e.type !== 'string' || (e.condition !== undefined && typeof e.condition !== 'string')) badErrors.push(e);
      };
      s.on('xmpp.error.client', checkError);
      s.on('xmpp.error', checkError);
      const pending = [];
      for (let i = 0; i < 1500; i++) {
        let ev = pick(events);
        // the online phase keeps its session: login/logout are fuzzed before login only
        if (phase === 'online' && ev.startsWith('xmpp.log')) ev = 'xmpp.presence.get';
        const payload = value(0);
        const mode = Math.floor(rnd() * 4);
        try {
          if (mode === 0) s.send(ev, payload);
          else if (mode === 1) { expected++; s.send(ev, payload, (e) => { settled++; checkError(e); }); }
          else if (mode === 2) s.send(ev, payload, pick([1, 'cb', {}, null, Symbol('c')]));
          else { expected++; pending.push(s.request(ev, payload).then(() => settled++, (e) => { settled++; checkError(e); })); }
          if (rnd() < 0.05) s.send(value(0), value(0), value(0));
        } catch (e) {
          thrown.push(`${ev}: ${e}`);
        }
      }
      // Callbacks that xmpp-ftw never calls on success (presence...) do not count as unsettled;
      // every promise settles (request timeout 3 s).
      await Promise.all(pending);
      const polluted = ({}).polluted !== undefined || Object.prototype.polluted !== undefined;
      return { thrown, settled, expected, badErrors: badErrors.slice(0, 3).map(String), polluted, promises: pending.length };
    }, { ws: WS, events: EVENTS, phase });
    expect(r.thrown).toEqual([]);
    expect(r.badErrors).toEqual([]);
    expect(r.polluted).toBe(false);
    expect(r.promises).toBeGreaterThan(100);
    expect(r.settled).toBeGreaterThanOrEqual(r.promises);
  });
}

// Payloads that contain themselves (a key pointing back to the object, or to a parent through
// a child, with several such keys so that a naive walk grows exponentially): every command gives
// exactly its answer (the cycles sit in keys no command reads, so each reads what it knows and
// refuses what is missing), within a bound that only a freeze would pass, and nothing throws.
const CYCLIC_OUTCOMES = {
  'xmpp.login': 'ok', 'xmpp.presence': 'ok', 'xmpp.presence.offline': 'ok', 'xmpp.presence.get': 'ok',
  'xmpp.presence.subscribe': 'ok', 'xmpp.presence.subscribed': 'ok', 'xmpp.presence.unsubscribe': 'ok',
  'xmpp.presence.unsubscribed': 'ok', 'xmpp.chat.message': 'ok', 'xmpp.chat.receipt': 'ok', 'xmpp.mam.query': 'ok',
  'xmpp.mam.preferences': 'ok', 'xmpp.mam.preferences.get': 'ok', 'xmpp.roster.get': 'ok',
  'xmpp.roster.add': 'client-error', 'xmpp.roster.edit': 'client-error', 'xmpp.roster.group': 'client-error',
  'xmpp.roster.remove': 'client-error', 'xmpp.chat.pending': 'ok', 'xmpp.chat.reaction': 'client-error',
  'xmpp.chat.retract': 'ok', 'xmpp.chat.displayed': 'ok', 'xmpp.blocking.list': 'ok',
  'xmpp.blocking.add': 'client-error', 'xmpp.blocking.remove': 'client-error', 'xmpp.chat.file': 'client-error',
  'xmpp.chat.file.cancel': 'client-error', 'xmpp.logout': 'ok',
};
test('self-referencing payloads for every command give their exact answer, not a freeze', async ({ page }) => {
  const r = await page.evaluate(async ({ ws, events }) => {
    const XmppSocket = window.XmppSocket;
    const s = new XmppSocket({ requestTimeoutMs: 3000 });
    const cyclic = (base) => {
      const p = { ...base };
      p.self = p; p.a = p; p.b = p; p.c = p;
      p.child = { parent: p, again: p, list: [p, p, p] };
      return p;
    };
    const run = async (ev, p) => {
      const t0 = performance.now();
      let outcome;
      try {
        outcome = await s.request(ev, p).then(() => 'ok', (e) => e && e.condition);
      } catch (e) {
        outcome = 'threw: ' + e;
      }
      return { ev, outcome, ms: performance.now() - t0 };
    };
    const results = [await run('xmpp.login', cyclic({ jid: 'carol@localhost', password: 'password', websocket: ws }))];
    for (const ev of events) {
      if (ev.startsWith('xmpp.log') || ev === '' || ev === '__proto__' || ev === 'constructor' || ev === 'xmpp.nope') continue;
      const p = cyclic({ to: 'bob@localhost', content: 'x', id: 'i', with: 'bob@localhost', default: 'always', rsm: { max: 1 } });
      p.rsm.back = p;
      results.push(await run(ev, p));
    }
    results.push(await run('xmpp.logout', cyclic({})));
    return results;
  }, { ws: WS, events: EVENTS });
  expect(Object.fromEntries(r.map(({ ev, outcome }) => [ev, outcome]))).toEqual(CYCLIC_OUTCOMES);
  // a bound only a freeze passes (the requests go to a loopback server; requestTimeoutMs is 3 s)
  for (const { ev, ms } of r) expect(ms, ev).toBeLessThan(5000);
});
