// Minimal app on xmpp-ftw-wasm: log in, send, receive.
import init, { XmppSocket } from '../../pkg/xmpp_ftw_wasm.js';
import { preconnect as open } from '../../pkg/preconnect.js';

export const name = 'xmpp-ftw-wasm';
// A navigation run knows its server before the .wasm is in: the SDK's preconnect opens the
// WebSocket meanwhile (README, "Serving the package"); `create()` hands it to the socket.
let WebSocket;
export function preconnect(url) {
  WebSocket = open(url);
}
export async function load(wasmUrl) {
  return init(wasmUrl ? { module_or_path: wasmUrl } : undefined);
}
export function create() {
  const s = new XmppSocket({ reconnect: false, ...(WebSocket ? { WebSocket } : {}) });
  // what a bench measures must not resume a session of the measurement before (the kept
  // roster stays: a second login is one of the measurements)
  let onMessage = () => {};
  s.on('xmpp.chat.message', (m) => { if (m.content !== undefined) onMessage(m.content, m); });
  return {
    login: (url, jid, password) => s.request('xmpp.login', { jid, password, websocket: url }),
    presence: () => s.send('xmpp.presence', {}),
    onMessage: (fn) => { onMessage = fn; },
    send: (to, body) => s.send('xmpp.chat.message', { to, content: body }),
    roster: async () => (await s.request('xmpp.roster.get', {}))[0],
    mam: async (withJid, max) => {
      let count = 0, before = true;
      const h = () => { count++; };
      s.on('xmpp.mam.message', h);
      for (;;) {
        const [fin, rsm] = await s.request('xmpp.mam.query', { with: withJid, rsm: { max, before } });
        if (fin.complete || !rsm.first) break;
        before = rsm.first;
      }
      s.off('xmpp.mam.message', h);
      return count;
    },
    close: () => s.request('xmpp.logout', {}).catch(() => {}),
  };
}
