// Generated from the Rust types by `src/events/typescript.rs` (ts-rs): do not edit.

export type JidObject = { 
/**
 * The domainpart.
 */
domain: string, 
/**
 * The localpart.
 */
user?: string, 
/**
 * The resourcepart.
 */
resource?: string, };
export type ErrorShape = { type: string, condition?: string, description?: string, by?: string, application?: ErrorApplication, streamError?: string, closeCode?: number, 
/**
 * A file's size limit in bytes (`not-acceptable` of an upload).
 */
max?: bigint, };
export type ErrorApplication = { condition: string, xmlns?: string, description?: string, };
export type ConnectionStatus = { 
/**
 * `online`, `reconnecting` or `offline`.
 */
status: "online" | "offline" | "reconnecting", 
/**
 * The bound JID, when online.
 */
jid?: JidObject, 
/**
 * Whether the XEP-0198 session was resumed (after a reconnection or reload).
 */
resumed?: boolean, };
export type RawFrame = { 
/**
 * `in` or `out`.
 */
direction: "in" | "out", 
/**
 * The frame's text.
 */
frame: string, 
/**
 * `not-well-formed`, `restricted-xml`, `too-large` or `too-deep`.
 */
skipped?: "not-well-formed" | "restricted-xml" | "too-large" | "too-deep", };
export type ChatMessageReceived = { 
/**
 * The sender.
 */
from: JidObject, 
/**
 * The recipient, on the carbon of a message another resource sent (XEP-0280 §7).
 */
to?: JidObject, 
/**
 * The text, or the sanitised XHTML-IM markup.
 */
content?: string, 
/**
 * `plain` or `xhtml`.
 */
format?: "plain" | "xhtml", 
/**
 * XEP-0203.
 */
delay?: Delay, 
/**
 * XEP-0085.
 */
state?: ChatState, 
/**
 * XEP-0184: the sender asks for a receipt (only ever `true`).
 */
receipt?: true, 
/**
 * XEP-0308: the id of the message this one corrects.
 */
replace?: string, 
/**
 * XEP-0461: the message this one replies to (`content` is without its fallback quote).
 */
reply?: ReplyRef, 
/**
 * XEP-0333: the sender wants to know when it is read (only ever `true`).
 */
markable?: true, 
/**
 * XEP-0066: a file or link sent with the message (`http(s):` only).
 */
oob?: OobLink, 
/**
 * Where the account's archive keeps it (XEP-0359 stanza-id, legacy `<archived/>`).
 */
archived?: Array<ArchiveEntry>, 
/**
 * The message id.
 */
id?: string, 
/**
 * XEP-0280: `received` or `sent`.
 */
carbon?: "received" | "sent", };
export type ArchiveEntry = { 
/**
 * The archive.
 */
by: JidObject, 
/**
 * The entry's id.
 */
id: string, };
export type Delay = { 
/**
 * The stamp as written.
 */
when: string, 
/**
 * Who delayed it.
 */
from?: string, 
/**
 * Why (the element's text), when not empty.
 */
reason?: string, };
export type ReceiptReceived = { 
/**
 * Who received the message.
 */
from: JidObject, 
/**
 * The id of the message received.
 */
id: string, 
/**
 * XEP-0280: `received` or `sent`.
 */
carbon?: "received" | "sent", };
export type SentMessage = { 
/**
 * The message's id.
 */
id: string, };
export type PendingMessage = { 
/**
 * The message id.
 */
id: string, 
/**
 * The recipient.
 */
to: string, 
/**
 * The text.
 */
content?: string, 
/**
 * XEP-0085.
 */
state?: ChatState, 
/**
 * XEP-0308.
 */
replace?: string, 
/**
 * XEP-0184 asked.
 */
receipt?: boolean, };
export type ReplyRef = { 
/**
 * The id of the message replied to.
 */
id: string, 
/**
 * Its author, when the reply names one.
 */
to?: JidObject, };
export type ChatAction = { 
/**
 * Who acted.
 */
from: JidObject, 
/**
 * On a `carbon: "sent"`: whose message it was.
 */
to?: JidObject, 
/**
 * The message acted on (the id it was received with).
 */
id: string, 
/**
 * XEP-0444: the sender's whole set (`[]`: none any more).
 */
reactions?: Array<string>, 
/**
 * Where the account's archive keeps the action.
 */
archived?: Array<ArchiveEntry>, 
/**
 * XEP-0203.
 */
delay?: Delay, 
/**
 * XEP-0280: `received` or `sent`.
 */
carbon?: "received" | "sent", };
export type ChatError = { 
/**
 * Who answered (the recipient's server).
 */
from: JidObject, 
/**
 * The id of the message that was not delivered.
 */
id: string, 
/**
 * The stanza error (RFC 6120 §8.3).
 */
error: ErrorShape, };
export type BlockingPush = { 
/**
 * Newly blocked JIDs.
 */
blocked?: Array<string>, 
/**
 * Newly unblocked JIDs, or `"all"`.
 */
unblocked?: string[] | "all", };
export type FileProgress = { 
/**
 * The id of the message that will carry the file.
 */
id: string, 
/**
 * Bytes sent so far (never decreases).
 */
loaded: bigint, 
/**
 * The file's size.
 */
total: bigint, };
export type FileSent = { 
/**
 * The message id.
 */
id: string, 
/**
 * Where the file can be downloaded.
 */
url: string, };
export type OobLink = { 
/**
 * An `http:` or `https:` URL.
 */
url: string, 
/**
 * The sender's description.
 */
desc?: string, };
export type ChatFileSend = { 
/**
 * The recipient.
 */
to: string, 
/**
 * The file (the shell's handle for it, in the core).
 */
file: Blob | Uint8Array, 
/**
 * The file name the service is told (default: the `File`'s name, else `file`).
 */
name?: string, 
/**
 * Its media type (default: the `Blob`'s type, else `application/octet-stream`).
 */
contentType?: string, 
/**
 * A description sent with the link (XEP-0066 `<desc/>`).
 */
content?: string, 
/**
 * The id of the message that will carry the file (default: a new UUID).
 */
id?: string, 
/**
 * XEP-0184: ask for a receipt of the message.
 */
receipt?: boolean, };
export type FileCancelSend = { 
/**
 * The upload's message id.
 */
id: string, };
export type ArchivedAction = { 
/**
 * The message acted on.
 */
id: string, 
/**
 * XEP-0444: the sender's whole set.
 */
reactions?: Array<string>, };
export type PresenceReceived = { 
/**
 * The contact's full JID.
 */
from: JidObject, 
/**
 * `chat`, `away`, `dnd`, `xa`, or `offline` for unavailable.
 */
show?: "chat" | "away" | "dnd" | "xa" | "offline", 
/**
 * `<status/>`.
 */
status?: string, 
/**
 * `<priority/>` as a string, when the stanza had one.
 */
priority?: string, 
/**
 * XEP-0115 `{node, ver, hash}`.
 */
client?: ClientCaps, };
export type ClientCaps = { 
/**
 * The client's node URI.
 */
node: string, 
/**
 * The verification string.
 */
ver: string, 
/**
 * Its hash function.
 */
hash: string, };
export type SubscriptionReceived = { 
/**
 * The contact.
 */
from: JidObject, 
/**
 * XEP-0172 nickname.
 */
nick?: string, };
export type PresenceError = { 
/**
 * The RFC 6120 §8.3.3 condition (empty when none could be read).
 */
error: string, 
/**
 * Who answered.
 */
from: JidObject, };
export type RosterItem = { 
/**
 * The contact.
 */
jid: JidObject, 
/**
 * `none`, `from`, `to`, `both` or `remove`.
 */
subscription: "none" | "to" | "from" | "both" | "remove", 
/**
 * The contact's name.
 */
name?: string, 
/**
 * `subscribe` while a subscription request is pending.
 */
ask?: "subscribe", 
/**
 * The groups.
 */
groups?: Array<string>, };
export type MamMessage = { 
/**
 * The sender.
 */
from: JidObject, 
/**
 * The text or sanitised XHTML-IM markup.
 */
content?: string, 
/**
 * `plain` or `xhtml`.
 */
format?: "plain" | "xhtml", 
/**
 * The archive's time (`null` when the archive gave none).
 */
delay: Delay | null, 
/**
 * XEP-0085.
 */
state?: ChatState, 
/**
 * XEP-0184 asked (only ever `true`).
 */
receipt?: true, 
/**
 * XEP-0308.
 */
replace?: string, 
/**
 * The message id.
 */
id?: string, 
/**
 * XEP-0461: the message it replies to.
 */
reply?: ReplyRef, 
/**
 * XEP-0066: a file or link sent with the message (`http(s):` only).
 */
oob?: OobLink, 
/**
 * XEP-0444: the sender's reactions to the message `id` (no `content`).
 */
reaction?: ArchivedAction, 
/**
 * XEP-0424: the sender retracted the message `id` (no `content`).
 */
retract?: ArchivedAction, 
/**
 * XEP-0333: the sender read up to the message `id` (no `content`).
 */
displayed?: ArchivedAction, 
/**
 * Where it is in the archive.
 */
mam: MamRef, };
export type MamRef = { 
/**
 * The recipient (`null` when the message had none).
 */
to: JidObject | null, 
/**
 * The archive id.
 */
id: string, 
/**
 * The query it answers.
 */
queryId: string, };
export type MamFin = { 
/**
 * The `with` filter, as given.
 */
with?: string, 
/**
 * The `start` filter.
 */
start?: string, 
/**
 * The `end` filter.
 */
end?: string, 
/**
 * `<fin complete/>`: the last page.
 */
complete: boolean, };
export type Rsm = { 
/**
 * `<count/>`.
 */
count?: number, 
/**
 * `<first/>`.
 */
first?: string, 
/**
 * `<first index/>`, as a string (xmpp-ftw-mam's shape).
 */
"first-index"?: string, 
/**
 * `<last/>`: where the next page starts.
 */
last?: string, };
export type CaughtUp = { 
/**
 * Messages delivered by it.
 */
count: number, 
/**
 * Whether it reached the end of the archive.
 */
complete: boolean, };
export type MamPreferencesReceived = { 
/**
 * `always`, `never` or `roster`.
 */
default: "always" | "never" | "roster", 
/**
 * JIDs always archived.
 */
always: Array<string>, 
/**
 * JIDs never archived.
 */
never: Array<string>, };
export type LoginPayload = { 
/**
 * The account (`user@domain`, or `user` with `host`).
 */
jid: string, 
/**
 * The password.
 */
password: string, 
/**
 * The domain of a `jid` without `@`.
 */
host?: string, 
/**
 * The resource to ask for.
 */
resource?: string, 
/**
 * XEP-0077 registration first.
 */
register?: boolean, 
/**
 * The RFC 7395 endpoint.
 */
websocket?: string, };
export type LogoutPayload = { 
/**
 * Forget the kept roster too.
 */
forget?: boolean, };
export type PresenceSend = { 
/**
 * A directed presence's recipient.
 */
to?: string, 
/**
 * `<status/>`.
 */
status?: string, 
/**
 * `<priority/>`: a number or a string of one.
 */
priority?: number | string, 
/**
 * `<show/>` (`online` is plain available).
 */
show?: "away" | "chat" | "dnd" | "xa" | "online", 
/**
 * XEP-0115 `{node, ver, hash}`.
 */
client?: ClientCapsSend, 
/**
 * `unavailable`.
 */
type?: "unavailable", };
export type ClientCapsSend = { 
/**
 * The client's node URI.
 */
node: string, 
/**
 * The verification string.
 */
ver: string, 
/**
 * Its hash function.
 */
hash: string, };
export type To = { 
/**
 * The recipient.
 */
to: string, };
export type ChatMessageSend = { 
/**
 * The recipient.
 */
to: string, 
/**
 * The text (or XHTML-IM markup with `format: "xhtml"`).
 */
content?: string, 
/**
 * `plain` or `xhtml`.
 */
format?: "plain" | "xhtml", 
/**
 * XEP-0085 chat state.
 */
state?: ChatState, 
/**
 * XEP-0308: the id of the message this one corrects.
 */
replace?: string, 
/**
 * XEP-0184: ask for a receipt.
 */
receipt?: boolean, 
/**
 * XEP-0461: the message this one replies to.
 */
reply?: ReplyTo, 
/**
 * XEP-0428: a quote of it, for clients without replies (sent as `> ` lines).
 */
quote?: string, };
export type ReceiptSend = { 
/**
 * Who sent the message.
 */
to: string, 
/**
 * Its id.
 */
id: string, };
export type ReplyTo = { 
/**
 * The id of the message replied to.
 */
id: string, 
/**
 * Its author (default: the conversation peer): a string or a JID object.
 */
to?: string | JidObject, };
export type ReactionSend = { 
/**
 * The author of the message reacted to.
 */
to: string, 
/**
 * Its id.
 */
id: string, 
/**
 * The whole set of this user's reactions to it (`[]`: none).
 */
reactions: Array<string>, };
export type ActionSend = { 
/**
 * The conversation peer.
 */
to: string, 
/**
 * The message acted on.
 */
id: string, };
export type BlockingSend = { 
/**
 * One JID.
 */
jid?: string, 
/**
 * Several.
 */
jids?: Array<string>, 
/**
 * `xmpp.blocking.remove`: everyone.
 */
all?: true, };
export type RosterPayload = { 
/**
 * The contact.
 */
jid: string, 
/**
 * The contact's name.
 */
name?: string, 
/**
 * The groups.
 */
groups?: Array<string>, };
export type MamQuery = { 
/**
 * The `queryid`.
 */
queryId?: string, 
/**
 * Only messages with this JID.
 */
with?: string, 
/**
 * From this XEP-0082 time.
 */
start?: string, 
/**
 * Up to this XEP-0082 time.
 */
end?: string, 
/**
 * XEP-0059 paging (a non-object is ignored).
 */
rsm?: RsmQuery, };
export type RsmQuery = { 
/**
 * Page size: a number or a string of digits.
 */
max?: number | string, 
/**
 * The page after this id.
 */
after?: string, 
/**
 * The page before this id; `true`: the last page.
 */
before?: true | string, 
/**
 * The page at this index.
 */
index?: number | string, };
export type MamPreferences = { 
/**
 * `always`, `never` or `roster`.
 */
default: "always" | "never" | "roster", 
/**
 * JIDs always archived.
 */
always?: Array<string>, 
/**
 * JIDs never archived.
 */
never?: Array<string>, };

/** Events: event name → payload. */
export interface XmppEvents {
  "xmpp.connection": ConnectionStatus;
  "xmpp.error": XmppError;
  "xmpp.error.client": XmppError;
  "xmpp.raw": RawFrame;
  "xmpp.chat.message": ChatMessageReceived;
  "xmpp.chat.receipt": ReceiptReceived;
  "xmpp.chat.sent": SentMessage;
  "xmpp.presence": PresenceReceived;
  "xmpp.presence.subscribe": SubscriptionReceived;
  "xmpp.presence.subscribed": SubscriptionReceived;
  "xmpp.presence.unsubscribe": SubscriptionReceived;
  "xmpp.presence.unsubscribed": SubscriptionReceived;
  "xmpp.presence.error": PresenceError;
  "xmpp.roster.push": RosterItem;
  "xmpp.mam.message": MamMessage;
  "xmpp.mam.caughtup": CaughtUp;
  "xmpp.chat.reaction": ChatAction;
  "xmpp.chat.retract": ChatAction;
  "xmpp.chat.displayed": ChatAction;
  "xmpp.chat.error": ChatError;
  "xmpp.blocking.push": BlockingPush;
  "xmpp.chat.file.progress": FileProgress;
}

/** Commands: event name → [payload, callback data, callback rsm?]. */
export interface XmppCommands {
  "xmpp.login": [LoginPayload, ConnectionStatus];
  "xmpp.login.anonymous": [AnonymousLoginPayload, ConnectionStatus];
  "xmpp.logout": [LogoutPayload | undefined, true];
  "xmpp.presence": [PresenceSend, undefined];
  "xmpp.presence.offline": [Record<string, never> | undefined, undefined];
  "xmpp.presence.get": [To, undefined];
  "xmpp.presence.subscribe": [To, undefined];
  "xmpp.presence.subscribed": [To, undefined];
  "xmpp.presence.unsubscribe": [To, undefined];
  "xmpp.presence.unsubscribed": [To, undefined];
  "xmpp.chat.message": [ChatMessageSend, { id: string }];
  "xmpp.chat.receipt": [ReceiptSend, undefined];
  "xmpp.chat.file": [ChatFileSend, FileSent];
  "xmpp.chat.file.cancel": [FileCancelSend, true];
  "xmpp.chat.pending": [Record<string, never> | undefined, PendingMessage[]];
  "xmpp.mam.query": [MamQuery, MamFin, Rsm];
  "xmpp.mam.preferences": [MamPreferences, true];
  "xmpp.mam.preferences.get": [Record<string, never> | undefined, MamPreferencesReceived | true];
  "xmpp.roster.get": [Record<string, never> | undefined, RosterItem[]];
  "xmpp.roster.add": [RosterPayload, true];
  "xmpp.roster.edit": [RosterEdit, true];
  "xmpp.roster.group": [RosterEdit, true];
  "xmpp.roster.remove": [RosterPayload, true];
  "xmpp.chat.reaction": [ReactionSend, { id: string }];
  "xmpp.chat.retract": [ActionSend, { id: string }];
  "xmpp.chat.displayed": [ActionSend, { id: string }];
  "xmpp.blocking.list": [Record<string, never> | undefined, string[]];
  "xmpp.blocking.add": [BlockingSend, true];
  "xmpp.blocking.remove": [BlockingSend, true];
}
