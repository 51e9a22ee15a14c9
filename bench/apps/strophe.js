// Minimal app on Strophe.js: log in, send, receive.
import { Strophe, $iq, $msg, $pres } from 'strophe.js';

export const name = 'strophe.js';
export async function load() {}
export function create() {
  let c = null;
  let onMessage = () => {};
  return {
    login: (url, jid, password) => new Promise((resolve, reject) => {
      c = new Strophe.Connection(url);
      c.addHandler((m) => {
        const b = m.getElementsByTagName('body')[0];
        if (b) onMessage(b.textContent, m);
        return true;
      }, null, 'message', 'chat');
      c.connect(jid, password, (status) => {
        if (status === Strophe.Status.CONNECTED) resolve();
        else if (status === Strophe.Status.AUTHFAIL || status === Strophe.Status.CONNFAIL) reject(new Error(`status ${status}`));
      });
    }),
    presence: () => c.send($pres()),
    onMessage: (fn) => { onMessage = fn; },
    send: (to, body) => c.send($msg({ to, type: 'chat' }).c('body').t(body)),
    // The roster as plain objects, as an application builds them from the answer's DOM.
    roster: () => new Promise((resolve, reject) => {
      c.sendIQ($iq({ type: 'get' }).c('query', { xmlns: 'jabber:iq:roster' }), (iq) => {
        resolve(Array.from(iq.getElementsByTagName('item'), (i) => ({
          jid: i.getAttribute('jid'), name: i.getAttribute('name') || undefined,
          subscription: i.getAttribute('subscription') || 'none',
          groups: Array.from(i.getElementsByTagName('group'), (g) => g.textContent),
        })));
      }, reject, 60000);
    }),
    close: () => c && c.disconnect(),
  };
}
