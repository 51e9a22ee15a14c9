// RFC 6121 roster and presence subscriptions against Prosody, through the wasm shell: two accounts
// add each other, approve, see each other online and then offline, rename and regroup, remove.
import { test, expect } from '@playwright/test';
import { bigRoster, canBuildBigRosters, contactName } from './big-roster.mjs';

const WS = process.env.XMPP_WS_URL || 'ws://127.0.0.1:5280/xmpp-websocket';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => { throw e; });
  await page.goto('/tests/browser/page.html');
  await page.waitForFunction(() => window.ready === true);
});

test('two accounts add each other, approve, see presence, rename, regroup and remove', async ({ page }) => {
  const r = await page.evaluate(async (ws) => {
    const alice = await fresh(ws, 'alice'), bob = await fresh(ws, 'bob');
    const user = (jid) => jid.split('@')[0];
    const isBob = (p) => p.jid.user === user(bob.jid);
    alice.send('xmpp.presence', {});
    bob.send('xmpp.presence', {});
    const [empty] = await alice.request('xmpp.roster.get', {});
    // alice adds bob and asks to see his presence; bob approves
    const added = await alice.request('xmpp.roster.add', { jid: bob.jid, name: 'Bob', groups: ['Friends'] });
    const pushAdd = await alice.waitFor('xmpp.roster.push', isBob);
    alice.send('xmpp.presence.subscribe', { to: bob.jid });
    const asked = await bob.waitFor('xmpp.presence.subscribe', (p) => p.from.user === user(alice.jid));
    bob.send('xmpp.presence.subscribed', { to: alice.jid });
    // and the other way round
    await bob.request('xmpp.roster.add', { jid: alice.jid });
    bob.send('xmpp.presence.subscribe', { to: alice.jid });
    await alice.waitFor('xmpp.presence.subscribe', (p) => p.from.user === user(bob.jid));
    alice.send('xmpp.presence.subscribed', { to: bob.jid });
    const bobOnline = await alice.waitFor('xmpp.presence', (p) => p.from.user === user(bob.jid) && p.show !== 'offline');
    const aliceOnline = await bob.waitFor('xmpp.presence', (p) => p.from.user === user(alice.jid) && p.show !== 'offline');
    await alice.waitFor('xmpp.roster.push', (p) => isBob(p) && p.subscription === 'both');
    const [full] = await alice.request('xmpp.roster.get', {});
    // rename and regroup
    await alice.request('xmpp.roster.edit', { jid: bob.jid, name: 'Bobby', groups: ['Work', 'Chess'] });
    const pushEdit = await alice.waitFor('xmpp.roster.push', (p) => isBob(p) && p.name === 'Bobby');
    // bob leaves: alice sees him offline
    await bob.request('xmpp.logout', {});
    const bobOffline = await alice.waitFor('xmpp.presence', (p) => p.from.user === user(bob.jid) && p.show === 'offline');
    // remove
    const removed = await alice.request('xmpp.roster.remove', { jid: bob.jid });
    const pushRemove = await alice.waitFor('xmpp.roster.push', (p) => isBob(p) && p.subscription === 'remove');
    const [after] = await alice.request('xmpp.roster.get', {});
    return { empty, added, pushAdd, asked, bobOnline, aliceOnline, full, pushEdit, bobOffline, removed, pushRemove, after, bob: bob.jid, alice: alice.jid };
  }, WS);
  const [bobUser, domain] = r.bob.split('@');
  expect(r.empty).toEqual([]);
  expect(r.added).toEqual([true]);
  expect(r.pushAdd).toEqual({ jid: { domain, user: bobUser }, subscription: 'none', name: 'Bob', groups: ['Friends'] });
  expect(r.asked.from).toEqual({ domain, user: r.alice.split('@')[0] });
  expect(r.bobOnline.from.user).toBe(bobUser);
  expect(r.aliceOnline.from.user).toBe(r.alice.split('@')[0]);
  expect(r.full).toEqual([{ jid: { domain, user: bobUser }, subscription: 'both', name: 'Bob', groups: ['Friends'] }]);
  // groups are a set (RFC 6121 §2.1.2.5): Prosody sends them in no fixed order
  expect({ ...r.pushEdit, groups: [...r.pushEdit.groups].sort() })
    .toEqual({ jid: { domain, user: bobUser }, subscription: 'both', name: 'Bobby', groups: ['Chess', 'Work'] });
  expect(r.bobOffline.show).toBe('offline');
  expect(r.removed).toEqual([true]);
  expect(r.pushRemove).toEqual({ jid: { domain, user: bobUser }, subscription: 'remove' });
  expect(r.after).toEqual([]);
});

test('roster commands: client errors in xmpp-ftw\'s order, not-connected before login', async ({ page }) => {
  const r = await page.evaluate(async (ws) => {
    const s = track();
    const before = await s.request('xmpp.roster.get', {}).then(() => 'ok', (e) => e.condition);
    await s.request('xmpp.login', { jid: 'carol@localhost', password: 'password', websocket: ws });
    const cb = (ev, p) => new Promise((res) => s.send(ev, p, (e, d) => res(e ? e.description : d)));
    const out = [await cb('xmpp.roster.add', {}), await cb('xmpp.roster.edit', { jid: 'x@localhost' }),
      await cb('xmpp.roster.edit', { jid: 'x@localhost', groups: 'g' }), await cb('xmpp.roster.remove', { jid: 'a@@b' })];
    s.send('xmpp.roster.get', {});
    await new Promise((res) => setTimeout(res, 100));
    const missing = s.events.filter(([n]) => n === 'xmpp.error.client').map(([, e]) => e.description);
    await s.request('xmpp.logout', {});
    return { before, out, missing };
  }, WS);
  expect(r.before).toBe('not-connected');
  expect(r.out).toEqual(["Missing 'jid' key", "Missing 'groups' key", 'Groups should be an array', "Invalid 'jid' key"]);
  expect(r.missing).toEqual(['Missing callback']);
});

// RFC 6121 §2.6 and §2.2 with the store (docs/decisions.md §19): what a reload costs when the
// roster did not change, what a push does to the kept copy, and that another account on the
// same page starts from nothing.
test('a reload with an unchanged roster asks with the kept version, gets an empty answer and every item; pushes update the kept copy; another account never sees it', async ({ page }) => {
  const setup = await page.evaluate(async (ws) => {
    const alice = await fresh(ws, 'alice');
    alice.send('xmpp.presence', {});
    for (const n of ['bob', 'carol', 'dave']) {
      await alice.request('xmpp.roster.add', { jid: `${n}-kept@localhost`, name: n, groups: ['Team'] });
      await alice.waitFor('xmpp.roster.push', (p) => p.jid.user === `${n}-kept`);
    }
    const [items] = await alice.request('xmpp.roster.get', {});
    return { jid: alice.jid, items };
  }, WS);
  expect(setup.items.map((i) => i.jid.user).sort()).toEqual(['bob-kept', 'carol-kept', 'dave-kept']);
  await page.reload();
  await page.waitForFunction(() => window.ready === true);
  const r = await page.evaluate(async ({ ws, jid }) => {
    const frames = [];
    const s = track();
    s.on('xmpp.raw', (f) => frames.push(f));
    await s.request('xmpp.login', { jid, password: 'pw', resource: 'web', websocket: ws });
    s.send('xmpp.presence', {});
    const [items] = await s.request('xmpp.roster.get', {});
    const request = frames.find((f) => f.direction === 'out' && f.frame.includes('jabber:iq:roster'));
    const id = /id=["']([^"']+)["']/.exec(request.frame)[1];
    const answer = frames.find((f) => f.direction === 'in' && f.frame.includes(id));
    const presenceAt = frames.findIndex((f) => f.direction === 'out' && f.frame.startsWith('<presence'));
    // a push from the account's other device changes what is kept
    const other = await resource(ws, jid, 'phone');
    await other.request('xmpp.roster.add', { jid: 'eve-kept@localhost', name: 'eve' });
    await s.waitFor('xmpp.roster.push', (p) => p.jid.user === 'eve-kept');
    // written with the next lazy save (within a second), not in the task of the push
    let kept = '';
    for (const t0 = Date.now(); Date.now() - t0 < 3000 && !kept.includes('eve-kept'); await new Promise((res) => setTimeout(res, 50))) {
      kept = sessionStorage.getItem(`xmpp-ftw-wasm-roster:${jid}`) || '';
    }
    await other.request('xmpp.logout', {});
    await s.request('xmpp.logout', {});
    // another account logs in on the same page
    const bobFrames = [];
    const bob = await fresh(ws, 'bob');
    bob.on('xmpp.raw', (f) => bobFrames.push(f));
    bob.send('xmpp.presence', {});
    const [bobItems] = await bob.request('xmpp.roster.get', {});
    const bobRequest = bobFrames.find((f) => f.direction === 'out' && f.frame.includes('jabber:iq:roster'));
    // logging out with forget: nothing of alice's roster stays
    const alice2 = await resource(ws, jid, 'again');
    await alice2.request('xmpp.logout', { forget: true });
    return {
      items, request: request.frame, answer: answer.frame, requestBeforePresence: frames.indexOf(request) < presenceAt,
      kept, bobItems, bobRequest: bobRequest.frame, afterForget: sessionStorage.getItem(`xmpp-ftw-wasm-roster:${jid}`),
    };
  }, { ws: WS, jid: setup.jid });
  // the kept version went out, and nothing changed: an empty answer (~100 bytes), every item anyway
  expect(r.request).toMatch(/ver=["'][^"']+["']/);
  expect(r.answer).not.toContain('<item');
  expect(r.answer.length).toBeLessThan(200);
  expect(r.requestBeforePresence).toBe(true);
  expect(r.items).toEqual(setup.items);
  // the push is in the kept copy
  expect(r.kept).toContain('eve-kept@localhost');
  // bob: his own request without alice's version, none of her contacts
  expect(r.bobRequest).toMatch(/ver=["']["']/);
  expect(r.bobItems).toEqual([]);
  expect(r.afterForget).toBeNull();
});

const CONTACTS = 12_000;

test('12,000 contacts with the default options: every one arrives, read in slices between the page\'s tasks, the session stays, a message still gets through', async ({ page }) => {
  test.skip(!canBuildBigRosters(), 'builds the account on the servers of scripts/test.sh (PROSODY_DIR, EJABBERD_DIR)');
  test.setTimeout(120_000);
  const jid = `big${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@localhost`;
  await bigRoster(jid, CONTACTS, (j) => page.evaluate(async ({ ws, j }) => {
    const s = track();
    await s.request('xmpp.login', { jid: j, password: 'pw', register: true, websocket: ws });
    await s.request('xmpp.logout', {});
  }, { ws: WS, j }));
  const r = await page.evaluate(async ({ ws, jid }) => {
    let answerBytes = 0;
    // The page's own tasks (a 0 ms timer loop), counted from the answer's arrival on the socket
    // to the items: the answer is read in slices, with the page's tasks in between.
    let ticks = 0, ticking = true, ticksAtAnswer = -1;
    const tick = () => { ticks++; if (ticking) setTimeout(tick, 0); };
    tick();
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      constructor(...a) {
        super(...a);
        this.addEventListener('message', (e) => { if (ticksAtAnswer < 0 && e.data.length > 1 << 20) ticksAtAnswer = ticks; });
      }
    };
    const s = track();
    s.on('xmpp.raw', (f) => { if (f.direction === 'in' && f.frame.includes('jabber:iq:roster')) answerBytes = Math.max(answerBytes, f.frame.length); });
    await s.request('xmpp.login', { jid, password: 'pw', resource: 'web', websocket: ws });
    s.send('xmpp.presence', {});
    const [items] = await s.request('xmpp.roster.get', {});
    const pageTasks = ticks - ticksAtAnswer;
    ticking = false;
    window.WebSocket = Native;
    const bob = await fresh(ws, 'bob');
    bob.send('xmpp.chat.message', { to: jid, content: 'still here' });
    const got = await s.waitFor('xmpp.chat.message', (m) => m.content === 'still here');
    const errors = s.events.filter(([n]) => n === 'xmpp.error');
    return { count: items.length, distinct: new Set(items.map((i) => i.jid.user)).size, sample: items.find((i) => i.jid.user === 'c11999-big'), answerBytes, got: got.content, errors, pageTasks, ticksAtAnswer };
  }, { ws: WS, jid });
  expect(r.count).toBe(CONTACTS);
  expect(r.distinct).toBe(CONTACTS);
  expect(r.sample).toEqual({ jid: { domain: 'localhost', user: 'c11999-big' }, subscription: 'none', name: contactName(11999), groups: ['Customers'] });
  // over the 1 MiB of maxStanzaBytes' default: the roster's answer has its own limit
  expect(r.answerBytes).toBeGreaterThan(1 << 20);
  // read in slices of 128 KiB (13 for this answer), the page's tasks running in between
  expect(r.ticksAtAnswer).toBeGreaterThanOrEqual(0);
  expect(r.pageTasks).toBeGreaterThanOrEqual(3);
  expect(r.got).toBe('still here');
  expect(r.errors).toEqual([]);
});
