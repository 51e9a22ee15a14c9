// The npm package under Node.js (node --test), installed from the packed tarball: two accounts
// log in to Prosody, exchange a message with a receipt, and page the archive (XEP-0313).
// Node 20 has no global WebSocket: the `ws` package's is passed as an option.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import init, { XmppSocket } from 'xmpp-ftw-wasm';

const WS = process.env.XMPP_WS_URL || 'ws://127.0.0.1:5280/xmpp-websocket';

const waitFor = (socket, event, pred = () => true, ms = 10000) => new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`timeout waiting for ${event}`)), ms);
  const handler = (data) => {
    if (!pred(data)) return;
    clearTimeout(timer);
    socket.off(event, handler);
    resolve(data);
  };
  socket.on(event, handler);
});

test('two accounts chat with a receipt and page MAM under Node.js', async () => {
  await init();
  const alice = new XmppSocket({ WebSocket });
  const bob = new XmppSocket({ WebSocket });
  const [online] = await alice.request('xmpp.login', { jid: 'alice@localhost', password: 'password', resource: 'node-a', websocket: WS });
  assert.equal(online.status, 'online');
  assert.deepEqual(online.jid, { domain: 'localhost', user: 'alice', resource: 'node-a' });
  await bob.request('xmpp.login', { jid: 'bob@localhost', password: 'password', resource: 'node-b', websocket: WS });
  await bob.request('xmpp.presence', {});

  const text = `from node ${Date.now()}`;
  const received = waitFor(bob, 'xmpp.chat.message', (m) => m.content === text);
  const [sent] = await alice.request('xmpp.chat.message', { to: 'bob@localhost/node-b', content: text, receipt: true });
  const got = await received;
  assert.equal(got.from.user, 'alice');
  assert.equal(got.receipt, true);
  const receipt = waitFor(alice, 'xmpp.chat.receipt', (r) => r.id === sent.id);
  bob.send('xmpp.chat.receipt', { to: 'alice@localhost/node-a', id: got.id });
  assert.equal((await receipt).from.user, 'bob');

  const queryId = `node-${Date.now()}`;
  const page = [];
  alice.on('xmpp.mam.message', (m) => { if (m.mam.queryId === queryId) page.push(m.content); });
  const [fin, rsm] = await alice.request('xmpp.mam.query', { queryId, with: 'bob@localhost', rsm: { max: 5, before: true } });
  assert.ok(page.includes(text), `the archive's last page has the message: ${JSON.stringify(page)}`);
  assert.equal(typeof fin.complete, 'boolean');
  assert.ok(rsm.first && rsm.last);

  // Browser-only parts degrade cleanly: no window, no sessionStorage, no visibility events.
  await alice.request('xmpp.logout', {});
  await bob.request('xmpp.logout', {});
  alice.free(); bob.free();
});

test('a file (Uint8Array) goes up with fetch and its link arrives under Node.js', async () => {
  await init();
  const alice = new XmppSocket({ WebSocket });
  const bob = new XmppSocket({ WebSocket });
  await alice.request('xmpp.login', { jid: 'alice@localhost', password: 'password', resource: 'node-fa', websocket: WS });
  await bob.request('xmpp.login', { jid: 'bob@localhost', password: 'password', resource: 'node-fb', websocket: WS });
  await bob.request('xmpp.presence', {});
  const bytes = new TextEncoder().encode(`a file from node ${Date.now()}\n`.repeat(1000));
  const progress = [];
  alice.on('xmpp.chat.file.progress', (p) => progress.push(p.loaded));
  const [sent] = await alice.request('xmpp.chat.file', { to: 'bob@localhost/node-fb', file: bytes, name: 'node.txt', contentType: 'text/plain' });
  const got = await waitFor(bob, 'xmpp.chat.message', (m) => m.id === sent.id);
  assert.equal(got.oob.url, sent.url);
  const fetched = new Uint8Array(await (await fetch(sent.url)).arrayBuffer());
  assert.deepEqual(fetched, bytes);
  assert.deepEqual([progress[0], progress.at(-1)], [0, bytes.length]);
  await alice.request('xmpp.logout', {});
  await bob.request('xmpp.logout', {});
  alice.free(); bob.free();
});

test('bad options still throw at construction under Node.js', async () => {
  await init();
  assert.throws(() => new XmppSocket({ WebSocket: 'not a constructor' }), /WebSocket/);
});

test('an unreachable server rejects the login and the process lives; the next login works', async () => {
  await init();
  const s = new XmppSocket({ WebSocket });
  // the `ws` package throws an unhandled 'error' at the process unless someone listens
  await assert.rejects(
    s.request('xmpp.login', { jid: 'alice@localhost', password: 'password', websocket: 'ws://127.0.0.1:1/xmpp-websocket' }),
    (e) => e.type === 'connection' && e.condition === 'disconnected',
  );
  const [online] = await s.request('xmpp.login', { jid: 'alice@localhost', password: 'password', resource: 'node-again', websocket: WS });
  assert.equal(online.status, 'online');
  await s.request('xmpp.logout', {});
  s.free();
});

test('without a WebSocket implementation the login says so', async () => {
  await init();
  const s = new XmppSocket();
  await assert.rejects(
    s.request('xmpp.login', { jid: 'alice@localhost', password: 'password', websocket: WS }),
    (e) => e.condition === 'no-websocket' && /WebSocket/.test(e.description),
  );
  s.free();
});
