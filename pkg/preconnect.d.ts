/**
 * Opens the WebSocket to the XMPP server now, while the page downloads the .wasm, and returns a
 * constructor for `new XmppSocket({ WebSocket })`: the SDK's first socket to the same URL is the
 * early one if it is still connecting or open.
 */
export function preconnect(
  url: string,
  options?: { WebSocket?: new (url: string, protocols?: string | string[]) => WebSocket },
): new (url: string, protocols?: string | string[]) => WebSocket;
