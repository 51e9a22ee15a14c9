// Minimal app on xmpp.js (@xmpp/client): log in, send, receive.
import { client, xml } from '@xmpp/client';

export const name = 'xmpp.js';
export async function load() {}
export function create() {
  let x = null;
  let onMessage = () => {};
  return {
    login: async (url, jid, password) => {
      const [username, domain] = jid.split('@');
      x = client({ service: url, domain, username, password });
      x.on('error', () => {});
      x.on('stanza', (st) => {
        if (st.is('message')) {
          const body = st.getChildText('body');
          if (body !== null) onMessage(body, st);
        }
      });
      await x.start();
    },
    presence: () => x.send(xml('presence')),
    onMessage: (fn) => { onMessage = fn; },
    send: (to, body) => x.send(xml('message', { to, type: 'chat' }, xml('body', {}, body))),
    // The roster as plain objects from the answer's element tree.
    roster: async () => {
      const q = await x.iqCaller.get(xml('query', { xmlns: 'jabber:iq:roster' }), undefined, 60000);
      return q.getChildren('item').map((i) => ({
        jid: i.attrs.jid, name: i.attrs.name, subscription: i.attrs.subscription || 'none',
        groups: i.getChildren('group').map((g) => g.text()),
      }));
    },
    close: () => x && x.stop().catch(() => {}),
  };
}
