// The ceiling: a WebSocket that counts message events and parses nothing.
export const name = 'raw WebSocket';
export async function load() {}
export function create() {
  let ws = null;
  let onMessage = () => {};
  return {
    login: (url) => new Promise((resolve, reject) => {
      ws = new WebSocket(url, 'xmpp');
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error('ws error'));
      ws.onmessage = (e) => onMessage(e.data);
    }),
    presence: () => {},
    onMessage: (fn) => { onMessage = fn; },
    send: (to, body) => ws.send(`<message to="${to}"><body>${body}</body></message>`),
    close: () => ws && ws.close(),
  };
}
