/** An incoming JID in xmpp-ftw's shape (RFC 7622 parsing). */
export interface JidObject { domain: string; user?: string; resource?: string }

/** Errors in xmpp-ftw's shape (`docs/decisions.md` §3). */
export interface XmppError {
  type: string;
  condition?: string;
  description?: string;
  request?: unknown;
  by?: string;
  application?: { condition: string; xmlns?: string; description?: string };
  /** The RFC 6120 §4.9.3 condition, when a stream error ended the stream. */
  streamError?: string;
  /** The WebSocket close code (RFC 6455 §7.1.5) when a closed socket ended the session. */
  closeCode?: number;
}

export interface LoginPayload {
  jid: string; password: string; resource?: string; host?: string; register?: boolean;
  /** RFC 7395 endpoint; discovered with XEP-0156 when absent. */
  websocket?: string;
}
export interface AnonymousLoginPayload { jid: string; resource?: string; host?: string; websocket?: string }
export interface ConnectionStatus { status: "online" | "offline" | "reconnecting"; jid?: JidObject; resumed?: boolean }
export interface PresenceSend {
  show?: "away" | "chat" | "dnd" | "xa" | "online"; status?: string; priority?: number | string; to?: string;
  type?: "unavailable"; client?: { node: string; ver: string; hash: string };
}
export interface PresenceReceived {
  from: JidObject; show?: string; status?: string; priority?: string; client?: { node: string; ver: string; hash: string };
}
export interface To { to: string }
export interface SubscriptionReceived { from: JidObject; nick?: string }
export type ChatState = "active" | "composing" | "paused" | "inactive" | "gone";
export interface ChatMessageSend {
  to: string; content?: string; format?: "plain" | "xhtml"; state?: ChatState; receipt?: boolean; replace?: string;
}
export interface Delay { when: string; from?: string; reason?: string }
export interface ChatMessageReceived {
  from: JidObject; content?: string; format?: "plain" | "xhtml"; delay?: Delay; state?: ChatState; receipt?: true;
  replace?: string; archived?: { by: JidObject; id: string }[]; id?: string;
  /** XEP-0280 copy of a message another resource received or sent. */
  carbon?: "received" | "sent";
  /** Only on `carbon: "sent"`: who the other resource wrote to. */
  to?: JidObject;
}
export interface ReceiptSend { to: string; id: string }
export interface ReceiptReceived { from: JidObject; id: string; carbon?: "received" | "sent" }
export interface MamQuery {
  queryId?: string; with?: string; start?: string; end?: string;
  rsm?: { max?: number | string; after?: string; before?: true | string; index?: number | string };
}
export interface MamFin { with?: string; start?: string; end?: string; complete: boolean }
export interface Rsm { count?: number; first?: string; "first-index"?: string; last?: string }
export interface MamMessage {
  from: JidObject; content?: string; format?: "plain" | "xhtml"; delay: Delay; state?: ChatState; receipt?: true;
  replace?: string; id?: string; mam: { to: JidObject; id: string; queryId: string };
}
export interface MamPreferences { default: "always" | "never" | "roster"; always?: string[]; never?: string[] }
/** An RFC 6121 §2 roster item in xmpp-ftw's shape. */
export interface RosterItem {
  jid: JidObject; subscription: "none" | "to" | "from" | "both" | "remove"; name?: string; ask?: "subscribe"; groups?: string[];
}
export interface RosterAdd { jid: string; name?: string; groups?: string[] }
export interface RosterEdit { jid: string; groups: string[]; name?: string }
export interface RawFrame {
  direction: "in" | "out";
  frame: string;
  /** An incoming stanza that could not be read and was skipped, and why. */
  skipped?: "not-well-formed" | "restricted-xml" | "too-large" | "too-deep";
}

/** Commands: event name → [payload, callback data, callback rsm?]. */
export interface XmppCommands {
  "xmpp.login": [LoginPayload, ConnectionStatus];
  "xmpp.login.anonymous": [AnonymousLoginPayload, ConnectionStatus];
  "xmpp.logout": [Record<string, never> | undefined, true];
  "xmpp.presence": [PresenceSend, undefined];
  "xmpp.presence.offline": [Record<string, never> | undefined, undefined];
  "xmpp.presence.get": [To, undefined];
  "xmpp.presence.subscribe": [To, undefined];
  "xmpp.presence.subscribed": [To, undefined];
  "xmpp.presence.unsubscribe": [To, undefined];
  "xmpp.presence.unsubscribed": [To, undefined];
  "xmpp.chat.message": [ChatMessageSend, { id: string }];
  "xmpp.chat.receipt": [ReceiptSend, undefined];
  /** The application's messages the server has not acknowledged yet (after a reload too), oldest first. */
  "xmpp.chat.pending": [Record<string, never> | undefined, PendingMessage[]];
  "xmpp.mam.query": [MamQuery, MamFin, Rsm];
  "xmpp.mam.preferences": [MamPreferences, true];
  "xmpp.mam.preferences.get": [Record<string, never> | undefined, Required<MamPreferences>];
  "xmpp.roster.get": [Record<string, never> | undefined, RosterItem[]];
  "xmpp.roster.add": [RosterAdd, true];
  "xmpp.roster.edit": [RosterEdit, true];
  /** Deprecated xmpp-ftw name of `xmpp.roster.edit`. */
  "xmpp.roster.group": [RosterEdit, true];
  "xmpp.roster.remove": [{ jid: string }, true];
}

/** Events: event name → payload. */
export interface XmppEvents {
  "xmpp.connection": ConnectionStatus;
  "xmpp.error": XmppError;
  "xmpp.error.client": XmppError;
  "xmpp.presence": PresenceReceived;
  "xmpp.presence.subscribe": SubscriptionReceived;
  "xmpp.presence.subscribed": SubscriptionReceived;
  "xmpp.presence.unsubscribe": SubscriptionReceived;
  "xmpp.presence.unsubscribed": SubscriptionReceived;
  "xmpp.presence.error": { error: string; from?: JidObject };
  "xmpp.chat.message": ChatMessageReceived;
  "xmpp.chat.receipt": ReceiptReceived;
  /** The server acknowledged one of the application's messages (XEP-0198): "sent". */
  "xmpp.chat.sent": { id: string };
  "xmpp.mam.message": MamMessage;
  /** The catch-up from the own archive after a session that was not resumed is over. */
  "xmpp.mam.caughtup": { count: number; complete: boolean };
  "xmpp.roster.push": RosterItem;
  "xmpp.raw": RawFrame;
}

export interface XmppSocketOptions {
  /** A WebSocket constructor instead of the global one (Node.js 20: the `ws` package's). */
  WebSocket?: new (url: string, protocols?: string | string[]) => unknown;
  requestTimeoutMs?: number; reconnect?: boolean; maxReconnectDelayMs?: number; pingIntervalMs?: number;
  maxStanzaBytes?: number; hostMetaUrl?: string;
  /** Keep the session and unsent messages for a page reload: "session" (sessionStorage, the default in browsers) or "none". */
  persist?: "session" | "none";
  /** Fetch what was missed from the own archive after a session that was not resumed (default true). */
  catchUp?: boolean;
}

/** A message still waiting for the server's acknowledgement, as the application sent it. */
export interface PendingMessage {
  id: string; to: string; content?: string; state?: string; replace?: string; receipt?: boolean;
}

export interface XmppSocket {
  send<E extends keyof XmppCommands>(event: E, payload: XmppCommands[E][0],
    callback?: (error: XmppError | null, data?: XmppCommands[E][1], rsm?: XmppCommands[E] extends [unknown, unknown, infer R] ? R : undefined) => void): void;
  request<E extends keyof XmppCommands>(event: E, payload: XmppCommands[E][0]): Promise<[XmppCommands[E][1], XmppCommands[E] extends [unknown, unknown, infer R] ? R : undefined]>;
  on<E extends keyof XmppEvents>(event: E, handler: (data: XmppEvents[E]) => void): void;
  once<E extends keyof XmppEvents>(event: E, handler: (data: XmppEvents[E]) => void): void;
  off<E extends keyof XmppEvents>(event: E, handler?: (data: XmppEvents[E]) => void): void;
}
