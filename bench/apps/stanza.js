// Minimal app on StanzaJS: log in, send, receive (and MAM, which it has built in).
import * as XMPP from 'stanza';

export const name = 'stanza';
export async function load() {}
export function create() {
  let client = null;
  let onMessage = () => {};
  return {
    login: (url, jid, password) => new Promise((resolve, reject) => {
      client = XMPP.createClient({ jid, password, transports: { websocket: url, bosh: false } });
      client.on('chat', (m) => { if (m.body !== undefined) onMessage(m.body, m); });
      client.on('session:started', () => resolve());
      client.on('auth:failed', () => reject(new Error('auth failed')));
      client.connect();
    }),
    presence: () => client.sendPresence(),
    onMessage: (fn) => { onMessage = fn; },
    send: (to, body) => client.sendMessage({ to, body, type: 'chat' }),
    roster: async () => (await client.getRoster()).items,
    mam: async (withJid, max) => {
      let count = 0, before = '';
      for (;;) {
        const res = await client.searchHistory({ with: withJid, paging: { max, before } });
        count += res.results.length;
        if (res.complete || !res.paging.first) break;
        before = res.paging.first;
      }
      return count;
    },
    close: () => client && client.disconnect(),
  };
}
