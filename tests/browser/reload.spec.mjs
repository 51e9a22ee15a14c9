// Nothing lost across page reloads and missed sessions (docs/decisions.md §10), against the
// real server through the fault-injecting proxy: the kept XEP-0198 state and unacknowledged
// stanzas survive page.reload(), a session the server no longer holds is replaced and the
// kept stanzas go out on the new one, and a client that missed a session catches up from MAM.
import { test, expect } from '@playwright/test';

const WS = process.env.XMPP_WS_URL || 'ws://127.0.0.1:5280/xmpp-websocket';
const PORT = Number(process.env.TEST_HTTP_PORT || 8089);
const PROXY = `ws://127.0.0.1:${PORT}/proxy`;
const HIBERNATION_MS = Number(process.env.XMPP_HIBERNATION_SECONDS || 300) * 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test.afterEach(async ({ request }) => {
  await request.get('/proxy-control?cuts=off');
  await request.get('/proxy-control?down=off');
});

async function open(page) {
  page.on('pageerror', (e) => { throw e; });
  await page.goto('/tests/browser/page.html');
  await page.waitForFunction(() => window.ready === true);
}

/**
 * (Re)loads the sender's page and logs `jid` in through the proxy, as an application does after
 * a reload: the pending list is read right after `xmpp.login`, before the session is up. A login
 * cut by the proxy is tried again (an application would).
 */
async function senderUp(page, jid, nav) {
  if (nav === 'reload') await page.reload();
  else if (nav === 'goto') await page.goto('/tests/browser/page.html');
  await page.waitForFunction(() => window.ready === true);
  return page.evaluate(async ({ proxy, jid }) => {
    for (let attempt = 0; ; attempt++) {
      const s = track({ maxReconnectDelayMs: 1000 });
      window.sender = s;
      s.sentAcks = new Set();
      s.on('xmpp.chat.sent', (d) => s.sentAcks.add(d.id));
      const login = s.request('xmpp.login', { jid, password: 'pw', resource: 'sender', websocket: proxy });
      const [pending] = await s.request('xmpp.chat.pending', {});
      try {
        const [online] = await login;
        return { online, pending: pending.map((m) => m.content), attempts: attempt + 1 };
      } catch (e) {
        if (attempt > 20) throw e;
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  }, { proxy: PROXY, jid });
}

/** In the sender's page: sends `r<i>` from where the last page left off up to `until`, one every
 * `pace` ms, and notes each one handed over (the application's own bookkeeping). */
async function startSending(page, to, until, pace) {
  await page.evaluate(({ to, until, pace }) => {
    window.sending = (async () => {
      for (let i = Number(sessionStorage.getItem('test-next') || 0); i < until; i++) {
        sender.send('xmpp.chat.message', { to, content: `r${i}` });
        sessionStorage.setItem('test-next', String(i + 1));
        await new Promise((r) => setTimeout(r, pace));
      }
    })();
  }, { to, until, pace });
}

/** In the receiver's page: every `r*` message from `user`, as received. */
async function receivedBy(page, name, user, count, ms) {
  return page.evaluate(async ({ name, user, count, ms }) => {
    const s = window[name];
    const t0 = Date.now();
    const got = () => s.events.filter(([n, d]) => n === 'xmpp.chat.message' && d.from.user === user && /^r\d+$/.test(d.content || ''));
    while (new Set(got().map(([, d]) => d.content)).size < count && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 50));
    return got().map(([, d]) => d.content);
  }, { name, user, count, ms });
}

/** A second page where bob is online (directly, no proxy); alice's account exists. */
async function receiverPage(context) {
  const receiver = await context.newPage();
  await open(receiver);
  const { alice, bob } = await receiver.evaluate(async (ws) => {
    const alice = await register(ws, 'alice');
    window.bob = await fresh(ws, 'bob');
    bob.send('xmpp.presence', {});
    return { alice, bob: bob.jid };
  }, WS);
  return { receiver, alice, bob };
}

const expectEachOnce = (got, count) => {
  const want = Array.from({ length: count }, (_, i) => `r${i}`);
  expect([...got].sort()).toEqual([...want].sort());
};

test('300 messages under random connection cuts, with three page reloads: each arrives once', async ({ page, context, request }) => {
  test.setTimeout(180_000);
  const { receiver, alice, bob } = await receiverPage(context);
  await request.get('/proxy-control?cuts=on&min=300&max=900');
  const logins = [];
  for (let round = 0; round < 4; round++) {
    logins.push(await senderUp(page, alice, round > 0 ? 'reload' : 'goto'));
    await startSending(page, bob, 300, 12);
    if (round < 3) {
      // reload in the middle of the sending, whatever the connection is doing
      await sleep(400 + Math.random() * 600);
    } else {
      await page.evaluate(() => window.sending);
    }
  }
  const stats = await (await request.get('/proxy-control?cuts=off')).json();
  const handed = Number(await page.evaluate(() => sessionStorage.getItem('test-next')));
  expect(handed).toBe(300);
  const got = await receivedBy(receiver, 'bob', alice.split('@')[0], 300, 60_000);
  test.info().annotations.push({ type: 'faults', description: `${stats.cuts} cuts, logins after reload: ${JSON.stringify(logins.map((l) => [l.online.resumed, l.pending.length, l.attempts]))}` });
  const missing = Array.from({ length: 300 }, (_, i) => `r${i}`).filter((c) => !got.includes(c));
  expect(missing, test.info().annotations.map((a) => a.description).join(" ")).toEqual([]);
  expectEachOnce(got, 300);
  expect(logins.slice(1).every((l) => typeof l.online.resumed === 'boolean')).toBe(true);
  // and the sender hears that nothing is left pending
  await page.waitForFunction(async () => (await sender.request('xmpp.chat.pending', {}))[0].length === 0, null, { timeout: 30_000 });
});

test('held down past the server\'s hibernation, then reloaded: the kept messages go out on a new session, once', async ({ page, context, request }) => {
  test.setTimeout(120_000 + HIBERNATION_MS);
  test.skip(HIBERNATION_MS > 60_000, 'needs a server with a short XEP-0198 hibernation (XMPP_HIBERNATION_SECONDS, set by scripts/test.sh)');
  const { receiver, alice, bob } = await receiverPage(context);
  const first = await senderUp(page, alice, 'goto');
  expect(first.pending).toEqual([]);
  await startSending(page, bob, 40, 10);
  await page.evaluate(() => window.sending);
  // The network goes away; the application goes on sending.
  await request.get('/proxy-control?down=on');
  await startSending(page, bob, 80, 5);
  await page.evaluate(() => window.sending);
  await sleep(HIBERNATION_MS + 3000);
  // The page is reloaded while the network is still away, then the network comes back.
  await page.reload();
  await request.get('/proxy-control?down=off');
  const after = await senderUp(page, alice, 'none');
  const got = await receivedBy(receiver, 'bob', alice.split('@')[0], 80, 60_000);
  expectEachOnce(got, 80);
  expect(after.online.resumed).toBe(false);
  for (let i = 40; i < 80; i++) expect(after.pending).toContain(`r${i}`);
});

test('a client that missed a session catches up from MAM: each message once, in order, then caughtup', async ({ page, context, request }) => {
  test.setTimeout(120_000 + HIBERNATION_MS);
  test.skip(HIBERNATION_MS > 60_000, 'needs a server with a short XEP-0198 hibernation (XMPP_HIBERNATION_SECONDS, set by scripts/test.sh)');
  const other = await context.newPage();
  await open(other);
  // alice and bob's second client B2 talk directly; bob's client B1 goes through the proxy.
  const { alice, bob } = await other.evaluate(async (ws) => {
    window.alice = await fresh(ws, 'alice');
    const bob = await register(ws, 'bob');
    window.b2 = await resource(ws, bob, 'b2');
    alice.send('xmpp.presence', {}); b2.send('xmpp.presence', {});
    return { alice: alice.jid, bob };
  }, WS);
  await open(page);
  await page.evaluate(async ({ proxy, bob }) => {
    window.b1 = track({ maxReconnectDelayMs: 1000 });
    await b1.request('xmpp.login', { jid: bob, password: 'pw', resource: 'b1', websocket: proxy });
    b1.on('xmpp.mam.caughtup', (d) => b1.events.push(['xmpp.mam.caughtup', d]));
    b1.send('xmpp.presence', {});
  }, { proxy: PROXY, bob });
  await sleep(300);
  await other.evaluate((bob) => alice.send('xmpp.chat.message', { to: bob, content: 'warm' }), bob);
  await page.waitForFunction(() => b1.events.some(([n, d]) => n === 'xmpp.chat.message' && d.content === 'warm'));
  // B1's network goes away past the server's hibernation; alice writes 50 messages meanwhile.
  await request.get('/proxy-control?down=on');
  await other.evaluate(async (bob) => {
    for (let i = 0; i < 50; i++) alice.send('xmpp.chat.message', { to: bob, content: `r${i}` });
  }, bob);
  const atB2 = await receivedBy(other, 'b2', alice.split('@')[0], 50, 20_000);
  expectEachOnce(atB2, 50);
  await sleep(HIBERNATION_MS + 3000);
  await request.get('/proxy-control?down=off');
  const r = await page.evaluate(async () => {
    await b1.waitFor('xmpp.mam.caughtup', () => true, 30_000);
    await new Promise((res) => setTimeout(res, 1000)); // anything arriving twice would arrive now
    const seq = b1.events.filter(([n, d]) => n === 'xmpp.mam.caughtup' || (n === 'xmpp.chat.message' && /^r\d+$/.test(d.content || '')));
    return {
      seq: seq.map(([n, d]) => (n === 'xmpp.mam.caughtup' ? `caughtup:${d.complete}` : d.content)),
      archived: seq.filter(([n, d]) => n === 'xmpp.chat.message').every(([, d]) => Array.isArray(d.archived) && d.delay && d.delay.when),
      statuses: b1.events.filter(([n]) => n === 'xmpp.connection').map(([, d]) => `${d.status}${d.resumed === undefined ? '' : d.resumed ? ':resumed' : ':new'}`),
    };
  });
  test.info().annotations.push({ type: 'B1', description: JSON.stringify(r.statuses) });
  expect(r.statuses).toContain('online:new');
  const messages = r.seq.filter((x) => !x.startsWith('caughtup'));
  expect(messages).toEqual(Array.from({ length: 50 }, (_, i) => `r${i}`));
  expect(r.seq.filter((x) => x.startsWith('caughtup'))).toEqual(['caughtup:true']);
  expect(r.seq.at(-1)).toBe('caughtup:true');
  expect(r.archived).toBe(true);
});

test('the store: never the password, one key per socket of an account, persist "none", a full store said once', async ({ page }) => {
  await open(page);
  const r = await page.evaluate(async (ws) => {
    const password = 'pw-Secret-1234';
    const reg = track();
    const user = `store-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const jid = `${user}@localhost`;
    await reg.request('xmpp.login', { jid, password, register: true, websocket: ws });
    reg.send('xmpp.presence', {});
    reg.send('xmpp.chat.message', { to: jid, content: 'to myself' });
    await new Promise((res) => setTimeout(res, 500));
    // a second socket of the same account in the page keeps its own state
    const second = track();
    await second.request('xmpp.login', { jid, password, resource: 'two', websocket: ws });
    await new Promise((res) => setTimeout(res, 300));
    const keys = Object.keys(sessionStorage).filter((k) => k.startsWith('xmpp-ftw-wasm:')).sort();
    const everything = keys.map((k) => sessionStorage.getItem(k)).join('\n');
    const secret = [password, btoa(`\u0000${user}\u0000${password}`)].some((s) => everything.includes(s));
    // a logout removes what was kept
    await second.request('xmpp.logout', {});
    const afterLogout = Object.keys(sessionStorage).filter((k) => k.startsWith('xmpp-ftw-wasm:')).sort();
    await reg.request('xmpp.logout', {});
    // persist: "none" writes nothing
    const none = track({ persist: 'none' });
    await none.request('xmpp.login', { jid, password, websocket: ws });
    none.send('xmpp.chat.message', { to: jid, content: 'not kept' });
    await new Promise((res) => setTimeout(res, 300));
    const withNone = Object.keys(sessionStorage).filter((k) => k.startsWith('xmpp-ftw-wasm:'));
    await none.request('xmpp.logout', {});
    // a store that refuses (quota): one xmpp.error, and the SDK goes on
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };
    const full = track();
    await full.request('xmpp.login', { jid, password, websocket: ws });
    full.send('xmpp.presence', {});
    await new Promise((res) => setTimeout(res, 300));
    for (let i = 0; i < 5; i++) full.send('xmpp.chat.message', { to: jid, content: `while full ${i}` });
    await new Promise((res) => setTimeout(res, 500));
    Storage.prototype.setItem = setItem;
    const got = full.events.filter(([n, d]) => n === 'xmpp.chat.message' && d.content && d.content.startsWith('while full')).length;
    const storageErrors = full.events.filter(([n, d]) => n === 'xmpp.error').map(([, d]) => d);
    let badOption = null;
    try { new XmppSocket({ persist: 'local' }); } catch (e) { badOption = e.message; }
    return { keys: keys.map((k) => k.replace(jid, 'JID')), secret, afterLogout: afterLogout.map((k) => k.replace(jid, 'JID')), withNone, got, storageErrors, badOption };
  }, WS);
  expect(r.keys).toEqual(['xmpp-ftw-wasm:JID', 'xmpp-ftw-wasm:JID#2']);
  expect(r.secret).toBe(false);
  expect(r.afterLogout).toEqual(['xmpp-ftw-wasm:JID']);
  expect(r.withNone).toEqual([]);
  expect(r.got).toBe(5);
  expect(r.storageErrors).toEqual([{ type: 'storage', condition: 'resource-constraint', description: 'Unsent messages cannot be kept for a page reload: the storage is full' }]);
  expect(r.badOption).toBe('XmppSocket option \'persist\' must be "session" or "none"');
});

test('500 messages (some of 60 KiB) written during an outage, then a reload: they go out when the network is back, each once and whole', async ({ page, context, request }) => {
  test.setTimeout(180_000);
  const { receiver, alice, bob } = await receiverPage(context);
  await senderUp(page, alice, 'goto');
  await request.get('/proxy-control?down=on');
  await page.evaluate(async (to) => {
    await sender.waitFor('xmpp.connection', (c) => c.status === 'reconnecting', 20000);
    for (let i = 0; i < 500; i++) {
      sender.send('xmpp.chat.message', { to, content: i % 50 === 0 ? `big${i}:`.padEnd(60 * 1024, 'L') : `r${i}` });
    }
  }, bob);
  // the kept outbox is written before the page goes; the network comes back after the reload
  await page.reload();
  await request.get('/proxy-control?down=off');
  const after = await senderUp(page, alice, 'none');
  expect(after.pending).toHaveLength(500);
  const got = await receiver.evaluate(async (user) => {
    const t0 = Date.now();
    const mine = () => bob.events.filter(([n, d]) => n === 'xmpp.chat.message' && d.from.user === user && d.content).map(([, d]) => d.content);
    while (new Set(mine()).size < 500 && Date.now() - t0 < 120000) await new Promise((r) => setTimeout(r, 100));
    return mine();
  }, alice.split('@')[0]);
  const want = Array.from({ length: 500 }, (_, i) => (i % 50 === 0 ? `big${i}:`.padEnd(60 * 1024, 'L') : `r${i}`));
  expect(got.length).toBe(500);
  expect([...got].sort()).toEqual([...want].sort());
});
