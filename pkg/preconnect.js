// Opens the WebSocket to the XMPP server while the page is still downloading the .wasm, so the
// connection's handshake (DNS, TCP, TLS, the HTTP upgrade: several round trips) is done by the
// time the SDK logs in (README, "Serving the package"). Plain JS, no wasm: import it before
// `init()` and start it right away.
//
//   import { preconnect } from 'xmpp-ftw-wasm/preconnect';
//   const WebSocket = preconnect('wss://example.org/xmpp-websocket');
//   await init();
//   const socket = new XmppSocket({ WebSocket });
//   socket.request('xmpp.login', { jid, password, websocket: 'wss://example.org/xmpp-websocket' });
//
// It returns a WebSocket constructor for the `WebSocket` option: the first socket the SDK asks
// for with the same URL is the early one, if it is still connecting or open (RFC 7395 §3.3: the
// client speaks first, so nothing has arrived on it); every other is a new one. An early socket
// the server has closed meanwhile is not used.
export function preconnect(url, { WebSocket: Base = globalThis.WebSocket } = {}) {
  let early = new Base(url, 'xmpp');
  return function PreconnectedWebSocket(to, protocols) {
    const socket = early;
    early = null;
    if (socket && to === url && (socket.readyState === 0 || socket.readyState === 1)) return socket;
    if (socket && socket.readyState !== 3) socket.close();
    return new Base(to, protocols);
  };
}
