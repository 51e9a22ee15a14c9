// The socket's methods and options; the payload types and the event and command maps are in
// the generated part above (from the Rust types, `src/events/typescript.rs`).

/** XEP-0085 §5 chat states. */
export type ChatState = "active" | "composing" | "paused" | "inactive" | "gone";
/** Errors in xmpp-ftw's shape (`docs/decisions.md` §3); a client error carries the caller's payload as `request`. */
export type XmppError = ErrorShape & { request?: unknown };
/** SASL ANONYMOUS: no password. */
export type AnonymousLoginPayload = Omit<LoginPayload, "password" | "register">;
export type RosterAdd = RosterPayload;
/** `xmpp.roster.edit` replaces the groups: they are required. */
export type RosterEdit = RosterPayload & { groups: string[] };

export interface XmppSocketOptions {
  /** A WebSocket constructor instead of the global one (Node.js 20: the `ws` package's). */
  WebSocket?: new (url: string, protocols?: string | string[]) => unknown;
  requestTimeoutMs?: number; reconnect?: boolean; maxReconnectDelayMs?: number; pingIntervalMs?: number;
  maxStanzaBytes?: number; hostMetaUrl?: string;
  /** The largest stanza the application may send, in UTF-8 bytes (default 64,000; a smaller XEP-0478 limit of the
   * server wins); larger ones are refused with `Message too large`. */
  maxOutgoingStanzaBytes?: number;
  /** With XEP-0198: how many stanzas may be in flight, not acknowledged, at a time (default 64; at most 192,000 bytes
   * of them whatever this says); more wait in the outbox, in order. */
  sendWindow?: number;
  /** Keep the session and unsent messages for a page reload: "session" (sessionStorage, the default in browsers) or "none". */
  persist?: "session" | "none";
  /** Fetch what was missed from the own archive after a session that was not resumed (default true). */
  catchUp?: boolean;
}

export interface XmppSocket {
  send<E extends keyof XmppCommands>(event: E, payload: XmppCommands[E][0],
    callback?: (error: XmppError | null, data?: XmppCommands[E][1], rsm?: XmppCommands[E] extends [unknown, unknown, infer R] ? R : undefined) => void): void;
  request<E extends keyof XmppCommands>(event: E, payload: XmppCommands[E][0]): Promise<[XmppCommands[E][1], XmppCommands[E] extends [unknown, unknown, infer R] ? R : undefined]>;
  on<E extends keyof XmppEvents>(event: E, handler: (data: XmppEvents[E]) => void): void;
  once<E extends keyof XmppEvents>(event: E, handler: (data: XmppEvents[E]) => void): void;
  off<E extends keyof XmppEvents>(event: E, handler?: (data: XmppEvents[E]) => void): void;
}
