// What a frontend developer writes after `npm install xmpp-ftw-wasm`: log in, send, receive.
import init, { XmppSocket } from 'xmpp-ftw-wasm';

const params = new URLSearchParams(location.search);
const ws = params.get('ws');
const log = (text) => {
  const li = document.createElement('li');
  li.textContent = text;
  document.getElementById('log').append(li);
};

await init();
const alice = new XmppSocket();
const bob = new XmppSocket();
bob.on('xmpp.chat.message', (m) => log(`bob got "${m.content}" from ${m.from.user}`));
const [a] = await alice.request('xmpp.login', { jid: params.get('a'), password: params.get('p'), websocket: ws });
await bob.request('xmpp.login', { jid: params.get('b'), password: params.get('p'), websocket: ws });
await bob.request('xmpp.presence', {});
// A round trip on bob's stream: the server has taken his presence before alice writes.
await bob.request('xmpp.roster.get', {});
log(`alice online as ${a.jid.user}@${a.jid.domain}`);
const [sent] = await alice.request('xmpp.chat.message', { to: params.get('b'), content: 'hello from vite' });
log(`alice sent ${sent.id}`);
document.getElementById('status').textContent = 'ready';
