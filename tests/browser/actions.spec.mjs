// Message actions (docs/decisions.md §14) on the real servers: two users exchange a reply, reactions,
// a retraction and read markers; a second device of the same user sees the same through carbons;
// after logging in again the archive gives the same state; blocking stops messages and unblocking
// lets them through; a message to an account that does not exist comes back as xmpp.chat.error.
// And the same exchanges against a client that is not ours (slixmpp's XEP plugins).
import { test, expect } from '@playwright/test';
import { spawn } from 'node:child_process';
import readline from 'node:readline';

const WS = process.env.XMPP_WS_URL || 'ws://127.0.0.1:5280/xmpp-websocket';
const SERVER = process.env.XMPP_SERVER || 'prosody';
const C2S = process.env.XMPP_C2S_PORT || (SERVER === 'ejabberd' ? '5422' : '5322');

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => { throw e; });
  await page.goto('/tests/browser/page.html');
  await page.waitForFunction(() => window.ready === true);
});

test(`replies, reactions, retraction and read markers between two users and two devices on ${SERVER}`, async ({ page }) => {
  const r = await page.evaluate(async (ws) => {
    const alice = await fresh(ws, 'alice'), bob = await fresh(ws, 'bob');
    const phone = await resource(ws, bob.jid, 'phone');
    await Promise.all([carbonsEnabled(bob), carbonsEnabled(phone)].map((p) => Promise.race([p, new Promise((res) => setTimeout(res, 1500))])));
    for (const s of [alice, bob, phone]) s.send('xmpp.presence', {});
    await new Promise((res) => setTimeout(res, 300));
    const [m1] = await alice.request('xmpp.chat.message', { to: bob.jid, content: 'Lunch at one?' });
    const got = await bob.waitFor('xmpp.chat.message', (m) => m.id === m1.id);
    // bob replies with a quote, then reacts, then marks it read, from his laptop
    const [reply] = await bob.request('xmpp.chat.message', { to: alice.jid, content: 'yes!', reply: { id: got.id, to: alice.jid }, quote: got.content });
    const replied = await alice.waitFor('xmpp.chat.message', (m) => m.id === reply.id);
    await bob.request('xmpp.chat.reaction', { to: alice.jid, id: got.id, reactions: ['👍', '🍕'] });
    const reacted = await alice.waitFor('xmpp.chat.reaction');
    await bob.request('xmpp.chat.displayed', { to: alice.jid, id: got.id });
    const read = await alice.waitFor('xmpp.chat.displayed');
    // his phone saw all of it as carbons of his own actions
    const phoneReaction = await phone.waitFor('xmpp.chat.reaction', (a) => a.carbon === 'sent');
    const phoneRead = await phone.waitFor('xmpp.chat.displayed', (a) => a.carbon === 'sent');
    // alice takes her message back
    await alice.request('xmpp.chat.retract', { to: bob.jid, id: m1.id });
    const retracted = await bob.waitFor('xmpp.chat.retract');
    const onPhone = await phone.waitFor('xmpp.chat.retract');
    const fallbackAsMessage = bob.events.filter(([n, m]) => n === 'xmpp.chat.message' && /retract/.test(m.content || '')).length;
    // after logging in again, the archive gives the same state
    await alice.request('xmpp.logout', {});
    const again = await resource(ws, alice.jid, 'again');
    const [fin] = await again.request('xmpp.mam.query', { with: bob.jid });
    const history = again.events.filter(([n]) => n === 'xmpp.mam.message').map(([, m]) => m);
    return { m1, got, reply, replied, reacted, read, phoneReaction, phoneRead, retracted, onPhone, fallbackAsMessage, history, fin, alice: alice.jid, bob: bob.jid };
  }, WS);
  expect(r.got.markable).toBe(true);
  expect(r.replied.content).toBe('yes!');
  expect(r.replied.reply).toEqual({ id: r.m1.id, to: { domain: 'localhost', user: r.alice.split('@')[0] } });
  expect(r.reacted).toMatchObject({ id: r.m1.id, reactions: ['👍', '🍕'], from: { user: r.bob.split('@')[0] } });
  expect(r.read).toMatchObject({ id: r.m1.id, from: { user: r.bob.split('@')[0] } });
  expect(r.phoneReaction).toMatchObject({ id: r.m1.id, reactions: ['👍', '🍕'], carbon: 'sent', to: { user: r.alice.split('@')[0] } });
  expect(r.phoneRead).toMatchObject({ id: r.m1.id, carbon: 'sent' });
  expect(r.retracted).toMatchObject({ id: r.m1.id, from: { user: r.alice.split('@')[0] } });
  expect(r.onPhone).toMatchObject({ id: r.m1.id });
  expect(r.fallbackAsMessage).toBe(0);
  // history: the message, the reply (without its quote), the reaction, the marker and the retraction
  const by = (pred) => r.history.find(pred);
  expect(by((m) => m.id === r.m1.id)).toMatchObject({ content: 'Lunch at one?' });
  expect(by((m) => m.id === r.reply.id)).toMatchObject({ content: 'yes!', reply: { id: r.m1.id } });
  expect(by((m) => m.reaction)).toMatchObject({ reaction: { id: r.m1.id, reactions: ['👍', '🍕'] } });
  expect(by((m) => m.reaction).content).toBeUndefined();
  expect(by((m) => m.displayed)).toMatchObject({ displayed: { id: r.m1.id } });
  expect(by((m) => m.retract)).toMatchObject({ retract: { id: r.m1.id } });
});

test(`blocking stops a user's messages and unblocking lets them through; a bounced message on ${SERVER}`, async ({ page }) => {
  const r = await page.evaluate(async (ws) => {
    const alice = await fresh(ws, 'alice'), mallory = await fresh(ws, 'mallory');
    const second = await resource(ws, alice.jid, 'second');
    for (const s of [alice, mallory, second]) s.send('xmpp.presence', {});
    await new Promise((res) => setTimeout(res, 300));
    const [before] = await alice.request('xmpp.blocking.list', {});
    // XEP-0191 §3.3: the server pushes to the resources that asked for the list
    await second.request('xmpp.blocking.list', {});
    await alice.request('xmpp.blocking.add', { jid: mallory.jid });
    const push = await second.waitFor('xmpp.blocking.push');
    const [during] = await alice.request('xmpp.blocking.list', {});
    await mallory.request('xmpp.chat.message', { to: alice.jid, content: 'while blocked' });
    // what mallory gets back: the server refuses it (XEP-0191 §3.5)
    const refused = await mallory.waitFor('xmpp.chat.error', () => true, 5000).catch(() => null);
    await alice.request('xmpp.blocking.remove', { all: true });
    const unpush = await second.waitFor('xmpp.blocking.push', (p) => p.unblocked);
    await mallory.request('xmpp.chat.message', { to: alice.jid, content: 'after unblock' });
    await alice.waitFor('xmpp.chat.message', (m) => m.content === 'after unblock');
    const blockedArrived = alice.events.some(([n, m]) => n === 'xmpp.chat.message' && m.content === 'while blocked');
    // a message to an account that does not exist
    const [lost] = await alice.request('xmpp.chat.message', { to: `nobody-${Date.now()}@localhost`, content: 'hello?' });
    const bounced = await alice.waitFor('xmpp.chat.error', (e) => e.id === lost.id, 5000);
    return { before, push, during, refused, unpush, blockedArrived, lost, bounced, mallory: mallory.jid };
  }, WS);
  expect(r.before).toEqual([]);
  expect(r.push).toEqual({ blocked: [r.mallory] });
  expect(r.during).toEqual([r.mallory]);
  expect(r.blockedArrived).toBe(false);
  if (r.refused) expect(r.refused.error.type).toBe('cancel');
  expect(r.unpush.unblocked).toBeDefined();
  expect(r.bounced).toMatchObject({ id: r.lost.id, error: { type: 'cancel', condition: 'service-unavailable' } });
});

/** The slixmpp peer (tests/peer/actions_peer.py): commands in, events out. */
function peer(jid) {
  const p = spawn('python3', ['tests/peer/actions_peer.py', jid, 'pw', '127.0.0.1', C2S], { stdio: ['pipe', 'pipe', 'inherit'] });
  const events = [];
  const waiters = [];
  readline.createInterface({ input: p.stdout }).on('line', (line) => {
    const e = JSON.parse(line);
    events.push(e);
    for (const w of [...waiters]) if (w.pred(e)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(e); }
  });
  return {
    send: (cmd) => p.stdin.write(`${JSON.stringify(cmd)}\n`),
    next: (pred, ms = 15000) => {
      const found = events.find(pred);
      if (found) { events.splice(events.indexOf(found), 1); return Promise.resolve(found); }
      return new Promise((resolve, reject) => {
        waiters.push({ pred, resolve: (e) => { events.splice(events.indexOf(e), 1); resolve(e); } });
        setTimeout(() => reject(new Error(`peer: timeout; got ${JSON.stringify(events)}`)), ms);
      });
    },
    stop: () => { p.stdin.write('{"op":"quit"}\n'); setTimeout(() => p.kill(), 2000); },
  };
}

test(`interop with slixmpp's XEP-0461/0444/0424/0333 plugins on ${SERVER}`, async ({ page }) => {
  const { alice, bob } = await page.evaluate(async (ws) => {
    const bob = await register(ws, 'bob');
    window.alice = await fresh(ws, 'alice');
    window.alice.send('xmpp.presence', {});
    return { alice: window.alice.jid, bob };
  }, WS);
  const b = peer(bob);
  try {
    await b.next((e) => e.event === 'ready');
    // ours → theirs: a message (markable), a reply with a quote, reactions, a marker, a retraction
    const [m1] = await page.evaluate((to) => window.alice.request('xmpp.chat.message', { to, content: 'from the SDK' }), bob);
    const got = await b.next((e) => e.event === 'message' && e.body === 'from the SDK');
    expect(got.markable).toBe(true);
    expect(got.origin_id).toBe(m1.id);
    b.send({ op: 'message', to: alice, body: 'from slixmpp' });
    const { id: theirs } = await b.next((e) => e.event === 'sent');
    const theirMessage = await page.evaluate((id) => window.alice.waitFor('xmpp.chat.message', (m) => m.id === id), theirs);
    expect(theirMessage.content).toBe('from slixmpp');
    const [reply] = await page.evaluate(({ to, id }) => window.alice.request('xmpp.chat.message', { to, content: 'my answer', reply: { id, to }, quote: 'from slixmpp' }), { to: bob, id: theirs });
    const gotReply = await b.next((e) => e.event === 'message' && e.id === reply.id);
    expect(gotReply.reply.id).toBe(theirs);
    expect(gotReply.stripped).toBe('my answer');
    await page.evaluate(({ to, id }) => window.alice.request('xmpp.chat.reaction', { to, id, reactions: ['👍'] }), { to: bob, id: theirs });
    expect(await b.next((e) => e.event === 'reactions')).toEqual({ event: 'reactions', id: theirs, reactions: ['👍'] });
    await page.evaluate(({ to, id }) => window.alice.request('xmpp.chat.displayed', { to, id }), { to: bob, id: theirs });
    expect((await b.next((e) => e.event === 'displayed')).id).toBe(theirs);
    await page.evaluate(({ to, id }) => window.alice.request('xmpp.chat.retract', { to, id }), { to: bob, id: m1.id });
    expect((await b.next((e) => e.event === 'retract')).id).toBe(m1.id);
    // theirs → ours: a reply with slixmpp's fallback quote, reactions, a marker, a retraction
    b.send({ op: 'reply', to: alice, id: m1.id, body: 'their answer', quote: 'from the SDK' });
    const { id: replyId } = await b.next((e) => e.event === 'sent');
    const theirReply = await page.evaluate((id) => window.alice.waitFor('xmpp.chat.message', (m) => m.id === id), replyId);
    expect(theirReply.content).toBe('their answer');
    expect(theirReply.reply.id).toBe(m1.id);
    b.send({ op: 'react', to: alice, id: m1.id, reactions: ['🎉', '👍'] });
    const reaction = await page.evaluate(() => window.alice.waitFor('xmpp.chat.reaction'));
    expect([...reaction.reactions].sort()).toEqual(['🎉', '👍'].sort());
    b.send({ op: 'displayed', to: alice, id: m1.id });
    expect((await page.evaluate(() => window.alice.waitFor('xmpp.chat.displayed'))).id).toBe(m1.id);
    b.send({ op: 'retract', to: alice, id: theirs });
    expect((await page.evaluate(() => window.alice.waitFor('xmpp.chat.retract'))).id).toBe(theirs);
    const asMessage = await page.evaluate(() => window.alice.events.filter(([n, m]) => n === 'xmpp.chat.message' && /retract/.test(m.content || '')).length);
    expect(asMessage).toBe(0);
  } finally {
    b.stop();
  }
});
