// The foundation in a real browser against a real Prosody: login, SASL, registration,
// presence, error routing and bad input, all through the public XmppSocket JS API.
import { test, expect } from '@playwright/test';

const WS = process.env.XMPP_WS_URL || 'ws://127.0.0.1:5280/xmpp-websocket';
const PORT = Number(process.env.TEST_HTTP_PORT || 8089);

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => { throw e; });
  await page.goto('/tests/browser/page.html');
  await page.waitForFunction(() => window.ready === true);
});

test('logs in with SCRAM-SHA-1 and gets xmpp.connection online with the bound JID', async ({ page }) => {
  const r = await page.evaluate(async (ws) => {
    const s = track();
    const raw = [];
    s.on('xmpp.raw', (f) => raw.push(f));
    s.send('xmpp.login', { jid: 'alice@localhost', password: 'password', resource: 'tests', websocket: ws });
    const online = await s.waitFor('xmpp.connection');
    return { online, raw };
  }, WS);
  expect(r.online).toEqual({ status: 'online', jid: { domain: 'localhost', user: 'alice', resource: 'tests' } });
  const auth = r.raw.find((f) => f.direction === 'out' && f.frame.startsWith('<auth'));
  expect(auth.frame).toBe("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-1'>[redacted]</auth>");
  expect(JSON.stringify(r.raw)).not.toContain('password');
  expect(r.raw.some((f) => f.direction === 'in' && f.frame.includes('<success') && f.frame.includes('[redacted]'))).toBe(true);
});

test('SCRAM-SHA-256 against a Prosody host that offers it', async ({ page }) => {
  const r = await page.evaluate(async (ws) => {
    const s = track();
    const mechs = [];
    s.on('xmpp.raw', (f) => { const m = /mechanism=["']([^"']+)["']/.exec(f.frame); if (m && f.direction === 'out') mechs.push(m[1]); });
    const [online] = await s.request('xmpp.login', { jid: 'bob@sha256.localhost', password: 'password', websocket: ws });
    return { online, mechs };
  }, WS);
  expect(r.mechs).toEqual(['SCRAM-SHA-256']);
  expect(r.online.status).toBe('online');
  expect(r.online.jid.user).toBe('bob');
  expect(r.online.jid.domain).toBe('sha256.localhost');
  expect(r.online.jid.resource.length).toBeGreaterThan(0);
});

test('xmpp.login.anonymous logs in with SASL ANONYMOUS', async ({ page }) => {
  const r = await page.evaluate(async (ws) => {
    const s = track();
    const mechs = [];
    s.on('xmpp.raw', (f) => { const m = /mechanism=["']([^"']+)["']/.exec(f.frame); if (m && f.direction === 'out') mechs.push(m[1]); });
    const [online] = await s.request('xmpp.login.anonymous', { jid: 'anon.localhost', websocket: ws });
    return { online, mechs };
  }, WS);
  expect(r.mechs).toEqual(['ANONYMOUS']);
  expect(r.online.status).toBe('online');
  expect(r.online.jid.domain).toBe('anon.localhost');
  expect(r.online.jid.user.length).toBeGreaterThan(0);
});

test('a wrong password gives xmpp.error auth/login-fail and rejects request()', async ({ page }) => {
  const r = await page.evaluate(async (ws) => {
    const s = track();
    const rejected = await s.request('xmpp.login', { jid: 'alice@localhost', password: 'wrong', websocket: ws })
      .then(() => 'resolved', (e) => e);
    return { rejected, events: s.events };
  }, WS);
  const fail = { type: 'auth', condition: 'login-fail', description: 'XMPP authentication fail' };
  expect(r.rejected).toEqual(fail);
  expect(r.events).toEqual([['xmpp.error', fail]]);
});

test('register:true creates an account that can then log in', async ({ page }) => {
  const user = `reg${Date.now()}${Math.floor(Math.random() * 1e6)}`;
  const r = await page.evaluate(async ({ ws, user }) => {
    const a = track();
    a.send('xmpp.login', { jid: `${user}@localhost`, password: 's3cret', register: true, websocket: ws });
    const first = await a.waitFor('xmpp.connection');
    await new Promise((res) => a.send('xmpp.logout', {}, res));
    const b = track();
    const [second] = await b.request('xmpp.login', { jid: `${user}@localhost`, password: 's3cret', websocket: ws });
    // Registering the same name again fails as xmpp-ftw reports it.
    const c = track();
    const again = await c.request('xmpp.login', { jid: `${user}@localhost`, password: 'x', register: true, websocket: ws })
      .then(() => 'resolved', (e) => e);
    return { first, second, again };
  }, { ws: WS, user });
  expect(r.first.status).toBe('online');
  expect(r.first.jid.user).toBe(user);
  expect(r.second.jid.user).toBe(user);
  expect(r.again).toEqual({ type: 'auth', condition: 'registration-fail', description: 'Registration error' });
});

test('commands before login get not-connected, by callback or as xmpp.error', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const s = track();
    const viaCallback = await new Promise((res) => s.send('xmpp.presence', {}, (err, data) => res([err, data])));
    s.send('xmpp.presence.get', { to: 'bob@localhost' });
    const viaPromise = await s.request('xmpp.presence', {}).then(() => 'resolved', (e) => e);
    const logout = await new Promise((res) => s.send('xmpp.logout', {}, (err) => res(err)));
    return { viaCallback, viaPromise, logout, events: s.events };
  });
  const nc = { type: 'connection', condition: 'not-connected', description: 'You are not connected' };
  expect(r.viaCallback).toEqual([nc, undefined]);
  expect(r.viaPromise).toEqual(nc);
  expect(r.logout).toEqual(nc);
  expect(r.events).toEqual([['xmpp.error', nc]]);
});

test('two resources of one account see each other\'s presence', async ({ page }) => {
  const r = await page.evaluate(async (ws) => {
    const a = track(), b = track();
    await a.request('xmpp.login', { jid: 'carol@localhost', password: 'password', resource: 'one', websocket: ws });
    await b.request('xmpp.login', { jid: 'carol@localhost', password: 'password', resource: 'two', websocket: ws });
    a.send('xmpp.presence', { status: 'here', priority: 1 });
    b.send('xmpp.presence', { show: 'away', status: 'lunch' });
    const seenByA = await a.waitFor('xmpp.presence', (p) => p.from.resource === 'two');
    const seenByB = await b.waitFor('xmpp.presence', (p) => p.from.resource === 'one');
    b.send('xmpp.logout', {});
    const offline = await a.waitFor('xmpp.presence', (p) => p.from.resource === 'two' && p.show === 'offline');
    a.send('xmpp.logout', {});
    return { seenByA, seenByB, offline };
  }, WS);
  expect(r.seenByA).toEqual({ from: { domain: 'localhost', user: 'carol', resource: 'two' }, show: 'away', status: 'lunch' });
  expect(r.seenByB).toEqual({ from: { domain: 'localhost', user: 'carol', resource: 'one' }, status: 'here', priority: '1' });
  expect(r.offline).toEqual({ from: { domain: 'localhost', user: 'carol', resource: 'two' }, show: 'offline' });
});

test('a directed presence between two accounts arrives', async ({ page }) => {
  const r = await page.evaluate(async (ws) => {
    const alice = track(), bob = track();
    const [online] = await alice.request('xmpp.login', { jid: 'alice@localhost', password: 'password', websocket: ws });
    await bob.request('xmpp.login', { jid: 'bob@localhost', password: 'password', resource: 'web', websocket: ws });
    bob.send('xmpp.presence', {});
    await alice.request('xmpp.presence', { to: 'bob@localhost/web', status: 'hi bob', show: 'chat' });
    const got = await bob.waitFor('xmpp.presence', (p) => p.from.user === 'alice');
    return { got, aliceResource: online.jid.resource };
  }, WS);
  expect(r.got).toEqual({ from: { domain: 'localhost', user: 'alice', resource: r.aliceResource }, show: 'chat', status: 'hi bob' });
});

test('subscription requests travel as xmpp.presence.subscribe', async ({ page }) => {
  const r = await page.evaluate(async (ws) => {
    const alice = track(), bob = track();
    await alice.request('xmpp.login', { jid: 'alice@localhost', password: 'password', websocket: ws });
    await bob.request('xmpp.login', { jid: 'bob@localhost', password: 'password', websocket: ws });
    bob.send('xmpp.presence', {});
    alice.send('xmpp.presence.subscribe', { to: 'bob@localhost' });
    return bob.waitFor('xmpp.presence.subscribe');
  }, WS);
  expect(r).toEqual({ from: { domain: 'localhost', user: 'alice' } });
});

test('XEP-0156: the endpoint is discovered from host-meta when websocket is absent', async ({ page }) => {
  const r = await page.evaluate(async (port) => {
    const s = track({ hostMetaUrl: `http://127.0.0.1:${port}/.well-known/host-meta.json` });
    const [online] = await s.request('xmpp.login', { jid: 'alice@localhost', password: 'password' });
    const x = track({ hostMetaUrl: `http://127.0.0.1:${port}/.well-known/host-meta` });
    const [viaXrd] = await x.request('xmpp.login', { jid: 'bob@localhost', password: 'password' });
    const bad = track({ hostMetaUrl: `http://127.0.0.1:${port}/nothing-here.json` });
    const failed = await bad.request('xmpp.login', { jid: 'alice@localhost', password: 'password' }).then(() => 'resolved', (e) => e);
    return { online, viaXrd, failed, badEvents: bad.events };
  }, PORT);
  expect(r.online.status).toBe('online');
  expect(r.viaXrd.jid.user).toBe('bob');
  expect(r.failed.condition).toBe('discovery-failed');
  expect(r.failed.type).toBe('connection');
  expect(r.badEvents.map(([n]) => n)).toEqual(['xmpp.error']);
});

test('logout: callback (null, true), status offline, then not-connected', async ({ page }) => {
  const r = await page.evaluate(async (ws) => {
    const s = track();
    await s.request('xmpp.login', { jid: 'alice@localhost', password: 'password', websocket: ws });
    const out = await new Promise((res) => s.send('xmpp.logout', {}, (...args) => res(args)));
    const after = await s.request('xmpp.presence', {}).then(() => 'resolved', (e) => e);
    return { out, after, statuses: s.events.filter(([n]) => n === 'xmpp.connection').map(([, d]) => d.status) };
  }, WS);
  expect(r.out).toEqual([null, true]);
  expect(r.after.condition).toBe('not-connected');
  expect(r.statuses).toEqual(['online', 'offline']);
});

test('commands sent while logging in are queued and sent once online', async ({ page }) => {
  const r = await page.evaluate(async (ws) => {
    const alice = track(), bob = track();
    await bob.request('xmpp.login', { jid: 'bob@localhost', password: 'password', resource: 'q', websocket: ws });
    bob.send('xmpp.presence', {});
    alice.send('xmpp.login', { jid: 'alice@localhost', password: 'password', websocket: ws });
    const queued = alice.request('xmpp.presence', { to: 'bob@localhost/q', status: 'queued' });
    const settled = await queued;
    const got = await bob.waitFor('xmpp.presence', (p) => p.status === 'queued');
    return { settled, got };
  }, WS);
  expect(r.settled).toEqual([undefined]);
  expect(r.got.from.user).toBe('alice');
});

test('bad input from JS gets xmpp-ftw client errors and never throws', async ({ page }) => {
  const r = await page.evaluate(async (ws) => {
    const s = track();
    await s.request('xmpp.login', { jid: 'alice@localhost', password: 'password', websocket: ws });
    const viaCb = (ev, payload) => new Promise((res) => s.send(ev, payload, (e) => res(e)));
    const out = {};
    out.missingTo = await viaCb('xmpp.presence.subscribe', {});
    out.badTo = await viaCb('xmpp.presence.get', { to: 42 });
    out.badPriority = await viaCb('xmpp.presence', { priority: 'high' });
    out.clientNotObject = await viaCb('xmpp.presence', { client: 'x' });
    out.missingVer = await viaCb('xmpp.presence', { client: { node: 'n', hash: 'h' } });
    out.notObject = await viaCb('xmpp.presence', 'hello');
    out.unknown = await viaCb('xmpp.nope', {});
    // a key no command reads may hold anything, a function included
    out.extraFunction = await s.request('xmpp.presence.get', { to: 'bob@localhost', helper() { return 1; } })
      .then(() => 'resolved', (e) => e);
    const before = s.events.length;
    s.send('xmpp.presence.unsubscribed', { to: null });                  // no callback → event
    s.send('xmpp.presence', {}, 'not a function');                       // Missing callback
    s.send(undefined, undefined);
    s.send('xmpp.presence', { to: { toString() { throw new Error('boom'); } } });
    const cyclic = {}; cyclic.self = cyclic;
    s.send('xmpp.presence', { client: cyclic });
    s.send('xmpp.login', {});                                            // Missing jid and/or password
    await new Promise((r) => setTimeout(r, 50));
    out.events = s.events.slice(before);
    return out;
  }, WS);
  const ce = (description, request) => ({ type: 'modify', condition: 'client-error', description, request });
  expect(r.missingTo).toEqual(ce("Missing 'to' key", {}));
  expect(r.badTo).toEqual(ce("Invalid 'to' key", { to: 42 }));
  expect(r.badPriority).toEqual(ce("Invalid 'priority' key", { priority: 'high' }));
  expect(r.clientNotObject).toEqual(ce("'client' key must be an object", { client: 'x' }));
  expect(r.missingVer).toEqual(ce("Missing 'ver' key", { client: { node: 'n', hash: 'h' } }));
  expect(r.notObject).toEqual(ce('Payload must be an object', 'hello'));
  expect(r.unknown).toEqual(ce("Unknown event 'xmpp.nope'", {}));
  expect(r.extraFunction).toBe('resolved');
  const names = r.events.map(([n]) => n);
  expect(names).toEqual(['xmpp.error.client', 'xmpp.error.client', 'xmpp.error.client', 'xmpp.error.client', 'xmpp.error.client', 'xmpp.error']);
  expect(r.events[0][1]).toEqual(ce("Missing 'to' key", { to: null }));
  expect(r.events[1][1]).toEqual(ce('Missing callback', {}));
  expect(r.events[2][1].description).toBe("Unknown event ''");
  expect(r.events[5][1]).toEqual({ type: 'auth', condition: 'client-error', description: 'Missing jid and/or password', request: {} });
});

test('a handler that throws does not stop the other handlers', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const s = new XmppSocket();
    const seen = [];
    s.on('xmpp.error', () => { throw new Error('app bug'); });
    s.on('xmpp.error', (e) => seen.push(e.condition));
    s.once('xmpp.error', (e) => seen.push('once:' + e.condition));
    s.send('xmpp.presence', {});
    s.send('xmpp.presence', {});
    return seen;
  });
  expect(r).toEqual(['not-connected', 'once:not-connected', 'not-connected']);
});

test('bad options throw at construction only', async ({ page }) => {
  const r = await page.evaluate(() => {
    const msg = (o) => { try { new XmppSocket(o); return 'ok'; } catch (e) { return String(e.message); } };
    return [msg({ requestTimeoutMs: -1 }), msg({ colour: 'red' }), msg({ requestTimeoutMs: 5 }), msg(undefined)];
  });
  expect(r).toEqual(["XmppSocket option 'requestTimeoutMs' must be a positive number", "Unknown XmppSocket option 'colour'", 'ok', 'ok']);
});

test('a stanza that is not well-formed XML is skipped; a frame of the server\'s own closes the stream with a stream error', async ({ page }) => {
  const r = await page.evaluate(async (port) => {
    const s = track();
    const frames = [];
    s.on('xmpp.raw', (f) => frames.push(f));
    s.send('xmpp.login', { jid: 'alice@localhost', password: 'pw', websocket: `ws://127.0.0.1:${port}/scripted/garbage` });
    await s.waitFor('xmpp.connection', (d) => d.status === 'online');
    const err = await s.waitFor('xmpp.error');
    await s.waitFor('xmpp.connection', (d) => d.status === 'offline');
    const after = await s.request('xmpp.presence', {}).then(() => 'resolved', (e) => e.condition);
    const skipped = frames.filter((f) => f.skipped);
    return { err, out: frames.filter((f) => f.direction === 'out').slice(-2).map((f) => f.frame), after, skipped };
  }, PORT);
  expect(r.skipped).toEqual([{ direction: 'in', frame: '<message xmlns="jabber:client"><body>unclosed', skipped: 'not-well-formed' }]);
  expect(r.err).toEqual({ type: 'connection', condition: 'disconnected', description: 'XMPP client disconnected', streamError: 'not-well-formed' });
  expect(r.out).toEqual([
    "<error xmlns='http://etherx.jabber.org/streams'><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></error>",
    "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>",
  ]);
  expect(r.after).toBe('not-connected');
});

test('a WebSocket closed by the server with a code: with reconnect off, xmpp.error carries it', async ({ page }) => {
  const err = await page.evaluate(async (port) => {
    const s = track({ reconnect: false });
    s.send('xmpp.login', { jid: 'alice@localhost', password: 'pw', websocket: `ws://127.0.0.1:${port}/scripted/close?code=4003` });
    await s.waitFor('xmpp.connection', (d) => d.status === 'online');
    return s.waitFor('xmpp.error');
  }, PORT);
  expect(err).toEqual({ type: 'connection', condition: 'disconnected', description: 'XMPP client disconnected', closeCode: 4003 });
});
