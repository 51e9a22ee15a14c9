// A typed usage example, checked by `tsc --noEmit --strict` in the test suite: every command and
// event name is typed, payloads and callback data are checked, misspellings are errors.
import init, { XmppSocket } from 'xmpp-ftw-wasm';
import { preconnect } from 'xmpp-ftw-wasm/preconnect';
import type { ChatMessageReceived, JidObject, MamMessage, RosterItem, Rsm, XmppError } from 'xmpp-ftw-wasm';

export async function example(): Promise<void> {
  await init();
  const socket = new XmppSocket({ requestTimeoutMs: 10_000, reconnect: true });
  const plain = new XmppSocket();
  plain.free();
  // the WebSocket opened while the .wasm downloaded, handed to the socket
  const early = new XmppSocket({ WebSocket: preconnect('wss://example.org/xmpp-websocket') });
  early.free();

  socket.on('xmpp.connection', (data) => {
    if (data.status === 'online' && data.jid) {
      const jid: JidObject = data.jid;
      console.log(jid.user, jid.domain, jid.resource, data.resumed);
    }
  });
  socket.on('xmpp.error', (e: XmppError) => console.warn(e.condition, e.description));
  socket.on('xmpp.chat.message', (m: ChatMessageReceived) => {
    const text: string | undefined = m.content;
    if (m.receipt && m.id) socket.send('xmpp.chat.receipt', { to: `${m.from.user}@${m.from.domain}`, id: m.id });
    console.log(text, m.delay?.when, m.state, m.carbon);
  });
  socket.on('xmpp.chat.receipt', (r) => console.log(r.id, r.from.domain));
  // nothing lost across reloads: pending ("sending"), sent (the server has it), caught up
  const kept = new XmppSocket({ persist: 'session', catchUp: true });
  kept.free();
  socket.on('xmpp.chat.sent', (s) => console.log('sent', s.id));
  socket.on('xmpp.mam.caughtup', (c) => console.log(c.count, c.complete));
  socket.on('xmpp.mam.message', (m: MamMessage) => console.log(m.mam.id, m.mam.to?.domain, m.delay?.when));

  socket.send('xmpp.login', { jid: 'alice@example.org', password: 'secret', websocket: 'wss://example.org/ws' });
  const [online] = await socket.request('xmpp.login', { jid: 'alice@example.org', password: 'secret' });
  console.log(online.status);
  const [pending] = await socket.request('xmpp.chat.pending', {});
  for (const p of pending) console.log(p.id, p.to, p.content);

  socket.send('xmpp.presence', { show: 'away', status: 'Lunch', priority: 5 });
  socket.send('xmpp.chat.message', { to: 'bob@example.org', content: 'Hi', receipt: true }, (error, data) => {
    if (error) console.warn(error.description);
    else console.log(data?.id);
  });
  const [sent] = await socket.request('xmpp.chat.message', { to: 'bob@example.org', state: 'composing' });
  const id: string = sent.id;
  console.log(id);

  const [fin, rsm] = await socket.request('xmpp.mam.query', { with: 'bob@example.org', rsm: { max: 50, before: true } });
  const complete: boolean = fin.complete;
  const page: Rsm = rsm;
  console.log(complete, page.first, page['first-index'], page.count);

  await socket.request('xmpp.mam.preferences', { default: 'roster', always: ['bob@example.org'] });

  const [items] = await socket.request('xmpp.roster.get', {});
  const item: RosterItem | undefined = items[0];
  console.log(item?.jid.user, item?.subscription, item?.groups, item?.ask);
  await socket.request('xmpp.roster.add', { jid: 'bob@example.org', name: 'Bob', groups: ['Friends'] });
  await socket.request('xmpp.roster.edit', { jid: 'bob@example.org', groups: [] });
  await socket.request('xmpp.roster.remove', { jid: 'bob@example.org' });
  socket.on('xmpp.roster.push', (pushed) => console.log(pushed.jid.domain, pushed.subscription));
  // @ts-expect-error: edit needs the groups
  socket.send('xmpp.roster.edit', { jid: 'bob@example.org' });
  socket.send('xmpp.logout', {}, (error, ok) => console.log(error, ok));

  // files (XEP-0363): a Blob in, {id, url} out; progress and links typed
  const picture = new Blob([new Uint8Array(4)], { type: 'image/png' });
  const [file] = await socket.request('xmpp.chat.file', { to: 'bob@example.org', file: picture, content: 'a dot' });
  const url: string = file.url;
  socket.on('xmpp.chat.file.progress', (p) => console.log(p.id, p.loaded / p.total, url));
  socket.on('xmpp.chat.message', (m) => console.log(m.oob?.url, m.oob?.desc));
  await socket.request('xmpp.chat.file.cancel', { id: file.id });
  // @ts-expect-error: a file is a Blob or bytes, not a path
  socket.send('xmpp.chat.file', { to: 'bob@example.org', file: '/tmp/a.png' });

  // @ts-expect-error: a misspelt event name does not type-check
  socket.on('xmpp.chat.mesage', () => {});
  // @ts-expect-error: a missing required key does not type-check
  socket.send('xmpp.chat.message', { content: 'no recipient' });
  // @ts-expect-error: an invalid chat state does not type-check
  socket.send('xmpp.chat.message', { to: 'bob@example.org', state: 'typing' });
  // @ts-expect-error: options are typed too
  new XmppSocket({ requestTimeout: 5 });
  socket.free();
}
