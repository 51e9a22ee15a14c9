// The demo chat app on the SDK: contacts (roster, windowed for thousands) with presence and requests, conversations,
// receipts, typing, corrections, history (MAM) with older pages on scroll-up, recent
// conversations after a reload, offline-delivered messages, reconnection, files and pictures.
// Text from the network goes into the page with textContent; XHTML only as the SDK's sanitised
// `content`; pictures are loaded by themselves only from contacts (a stranger's needs a click:
// loading it would tell the sender when and from where it was seen).
import init, { XmppSocket } from '../pkg/xmpp_ftw_wasm.js';
import { preconnect } from '../pkg/preconnect.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
$('websocket').value = params.get('ws') || 'ws://127.0.0.1:5280/xmpp-websocket';

const bare = (j) => (j.user ? `${j.user}@${j.domain}` : j.domain);
const full = (j) => bare(j) + (j.resource ? `/${j.resource}` : '');
const size = (n) => (n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} bytes`);
const time = (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
/** A name on screen: its own bidi-isolated run, so that right-to-left text cannot reorder what
 * is around it. */
const bdi = (text) => { const b = document.createElement('bdi'); b.textContent = text; return b; };

// Errors in plain words (docs/decisions.md §2-§3 conditions).
const explain = (e) => ({
  'login-fail': 'Wrong JID or password.',
  'registration-fail': 'That account could not be created (it may already exist).',
  'insecure-transport': 'The server only accepts plain-text passwords, which this page refuses without TLS.',
  'discovery-failed': 'No XMPP WebSocket endpoint was found for that domain.',
  // The stream error that ended it (RFC 6120 §4.9.3), or the WebSocket's close code (RFC 6455
  // §7.1.5), when there is one.
  'disconnected': e.streamError
    ? `The server ended the connection (${e.streamError}).`
    : e.closeCode
      ? `The connection closed (WebSocket close code ${e.closeCode}).`
      : 'The connection to the server was lost.',
  'timeout': 'The server did not answer in time.',
  'not-connected': 'You are not connected.',
  // files (docs/decisions.md §12)
  'not-acceptable': e.max ? `That file is too large: this server takes files up to ${size(e.max)}.` : 'The server refused that file.',
  'feature-not-implemented': 'This server does not accept files.',
  'upload-failed': `The file could not be sent (${e.description}). Try again.`,
  // the SDK's texts are for developers; the login form's own mistakes in plain words
  'client-error': {
    "Invalid 'jid' key": 'Enter your full address, like alice@example.org.',
    'Missing jid and/or password': 'Enter your address and your password.',
  }[e.description] || e.description,
}[e.condition] || e.description || e.condition);

const status = (text, isError = false) => {
  $('status').textContent = text;
  $('status').classList.toggle('error', isError);
};
const banner = (text, isError = false) => {
  $('banner').hidden = !text;
  $('banner').textContent = text || '';
  $('banner').classList.toggle('error', isError);
};

// The WebSocket to the server in the form opens while the .wasm downloads (README, "Serving
// the package"); the login takes it if the URL is still the same, else opens its own.
const WebSocket = preconnect($('websocket').value);
await init();
const socket = new XmppSocket({ WebSocket });
window.socket = socket;
$('login-button').disabled = false; // the form is the app's from here on

/** peer bare JID -> {messages: Map(id -> msg), order: [], unread, historyFirst, historyDone, typing} */
const conversations = new Map();
let me = null;
let current = null;
let lastOwn = null; // {id, text} of my last message in the current conversation
let editing = null; // id being corrected
let replyingTo = null; // {id, text, author} of the message the next one replies to
const blocked = new Set(); // XEP-0191: the block list, as the server has it
/** bare JID -> roster item {name, subscription, ask} (RFC 6121 §2) */
const contacts = new Map();
/** bare JID -> Map(resource -> {show, status}) of the resources that are available */
const presences = new Map();
/** bare JIDs that asked to see our presence, waiting for Accept / Decline */
const requests = new Set();

// The most available resource wins: online (or chat) > away > dnd > xa; none: offline.
const RANK = ['online', 'chat', 'away', 'dnd', 'xa'];
const best = (peer) => [...(presences.get(peer) || new Map()).values()]
  .sort((x, y) => RANK.indexOf(x.show) - RANK.indexOf(y.show))[0];
const presenceOf = (peer) => (best(peer) ? best(peer).show.replace('chat', 'online') : 'offline');
/** What a contact's status is called on screen, with their status message (text only). */
const SHOW_WORDS = { online: 'online', away: 'away', xa: 'away for a while', dnd: 'busy', offline: 'offline' };
const presenceText = (peer) => {
  const b = best(peer);
  const words = SHOW_WORDS[presenceOf(peer)] || presenceOf(peer);
  return b && b.status ? `${words}: ${b.status}` : words;
};
const nameOf = (peer) => (contacts.get(peer) && contacts.get(peer).name) || peer;
/** How a person is called in a message's label: the contact's name, else the address's user. */
const shortName = (peer) => (contacts.get(peer) && contacts.get(peer).name) || peer.split('@')[0];

const conv = (peer) => {
  if (!conversations.has(peer)) {
    conversations.set(peer, {
      messages: new Map(), order: [], unread: 0, historyFirst: null, historyDone: false, typing: '', loaded: false,
      corrections: new Map(), // original id -> the correcting archived message
      later: new Map(), // id -> actions (reactions, retraction) that came before their message
      lastDisplayed: '', // the last read marker sent for this conversation
      lastTime: 0, lastText: '', // for the list: sorted by the last message (an instant), with a preview
      lastDay: '', // the day of the last message on screen (for its separator)
    });
  }
  return conversations.get(peer);
};

/** Messages are told apart by sender and id: ids are chosen by the sender, anyone can reuse yours. */
const keyOf = (mine, id) => `${mine ? 'me' : 'them'}:${id}`;
/** When a message was written: a stamp in the future (or none) counts as its arrival, now. */
const instant = (iso) => {
  const t = Date.parse(iso || ''), now = Date.now();
  return Number.isNaN(t) || t > now ? now : t;
};
const when = (iso) => new Date(instant(iso)).toISOString();
/** Whose reply this is: the JID it names, or the peer's by default (XEP-0461). */
const replyAuthor = (reply, peer) => (typeof reply.to === 'string' ? reply.to.split('/')[0] : reply.to ? bare(reply.to) : peer);

/** Adds or updates a message; `older` puts history before what is shown. */
function upsert(peer, msg, older = false) {
  const c = conv(peer);
  msg.time = when(msg.time);
  const key = msg.id ? keyOf(msg.mine, msg.id) : `${msg.time}-${msg.text}`;
  // XEP-0308: a correction changes a message of its own sender only
  const target = msg.replace ? c.messages.get(keyOf(msg.mine, msg.replace)) : undefined;
  let changed = null;
  if (target) {
    Object.assign(target, { text: msg.text, html: msg.html, edited: true });
    changed = target;
  } else if (c.messages.has(key)) {
    const old = c.messages.get(key);
    Object.assign(old, { ...msg, el: old.el, reactions: old.reactions, delivered: old.delivered || msg.delivered });
    changed = old;
  } else {
    msg.reactions = msg.reactions || new Map();
    msg.author = msg.mine ? me : peer;
    c.messages.set(key, msg);
    if (older) c.order.unshift(key); else c.order.push(key);
    if (!older && !msg.mine && (peer !== current || document.visibilityState === 'hidden')) c.unread++;
    for (const apply of c.later.get(msg.id) || []) apply(msg);
    c.later.delete(msg.id);
  }
  if (msg.mine && !older) lastOwn = { id: msg.id, text: msg.text, peer };
  const t = instant(msg.time);
  if (!older && t >= c.lastTime) { c.lastTime = t; c.lastText = msg.file ? `📎 ${msg.file.name}` : msg.text; }
  renderList();
  if (peer !== current) return;
  // one message costs one element: a new one is appended, a changed one replaced
  if (older) renderMessages(true);
  else if (changed) refresh(changed);
  else appendMessage(c, msg);
}

/** Shows a change to a message that is on screen. */
function refresh(msg) {
  if (msg.el && msg.el.isConnected) msg.el.replaceWith(messageItem(conv(current), msg));
}

// The list of contacts and conversations, windowed: thousands of contacts are in the list,
// only the rows on screen (and a few around) are in the DOM. Rows have one height (ROW, as in
// style.css); a presence change redraws that contact's row only, a click or a scroll the rows
// on screen; the order is computed again only when it can change (a message, the roster, the
// search).
const ROW = 56;
const collator = new Intl.Collator();
let listOrder = null; // the peers shown, in order (null: to compute)

function listPeers() {
  // Contacts and conversations together, the most recent conversation first, then by name;
  // the search keeps those whose name or address contains it.
  const q = $('contact-search').value.trim().toLowerCase();
  const peers = [...new Set([...conversations.keys(), ...contacts.keys()])]
    .filter((p) => !contacts.has(p) || contacts.get(p).subscription !== 'remove')
    .filter((p) => !q || p.toLowerCase().includes(q) || nameOf(p).toLowerCase().includes(q));
  const last = (p) => (conversations.has(p) ? conversations.get(p).lastTime : 0);
  const names = new Map(peers.map((p) => [p, nameOf(p)]));
  // one collator for the whole sort (localeCompare builds one per call: 5,000 contacts took
  // a hundred milliseconds)
  return peers.sort((x, y) => last(y) - last(x) || collator.compare(names.get(x), names.get(y)));
}

function rowFor(peer, index, size) {
  const c = conversations.get(peer);
  const unread = c ? c.unread : 0;
  const li = document.createElement('li');
  li.setAttribute('aria-setsize', String(size));
  li.setAttribute('aria-posinset', String(index + 1));
  const b = document.createElement('button');
  b.type = 'button';
  const who = document.createElement('span');
  who.className = 'who';
  const dot = document.createElement('span');
  const shown = presenceOf(peer);
  const stranger = !contacts.has(peer);
  dot.className = `dot ${shown}${stranger ? ' stranger' : ''}`;
  const label = document.createElement('span');
  label.className = 'label';
  const name = contacts.get(peer) && contacts.get(peer).name;
  // the name as an isolated run: right-to-left text in it cannot reorder the rest
  label.append(...(name ? [bdi(name), ` · ${peer}`] : [peer]), unread ? ` (${unread})` : '');
  const state = document.createElement('span');
  state.className = 'visually-hidden';
  state.textContent = stranger ? ', not in your contacts' : `, ${shown}`;
  who.append(dot, label, state);
  b.append(who);
  if (c && c.lastText) {
    const preview = document.createElement('span');
    preview.className = 'preview';
    preview.textContent = c.lastText; // text, never markup
    b.append(preview);
  }
  b.className = unread ? 'unread' : '';
  b.dataset.peer = peer;
  b.setAttribute('aria-current', String(peer === current));
  b.addEventListener('click', () => open(peer));
  li.append(b);
  return li;
}

/** Draws the rows on screen of the list. */
function drawList() {
  const ul = $('conversations');
  if (!listOrder) listOrder = listPeers();
  const n = listOrder.length;
  const first = Math.max(0, Math.floor(ul.scrollTop / ROW) - 5);
  const last = Math.min(n, first + Math.ceil((ul.clientHeight || 600) / ROW) + 10);
  // the rows off screen are two spacers of their height: the scroll bar stays true
  const spacer = (rows) => {
    const li = document.createElement('li');
    li.className = 'spacer';
    li.setAttribute('aria-hidden', 'true');
    li.style.height = `${rows * ROW}px`;
    return li;
  };
  ul.replaceChildren(spacer(first), ...listOrder.slice(first, last).map((p, k) => rowFor(p, first + k, n)), spacer(n - last));
}

/** One contact's row changed (presence): that row only, if it is on screen. */
function updatePeer(peer) {
  const b = [...$('conversations').querySelectorAll('button')].find((x) => x.dataset.peer === peer);
  if (b) {
    const li = b.parentElement;
    li.replaceWith(rowFor(peer, Number(li.getAttribute('aria-posinset')) - 1, Number(li.getAttribute('aria-setsize'))));
  }
  if (peer === current) renderHeader();
}

let listFrame = 0;
$('conversations').addEventListener('scroll', () => {
  if (!listFrame) listFrame = requestAnimationFrame(() => { listFrame = 0; drawList(); });
});
$('contact-search').addEventListener('input', () => { listOrder = null; $('conversations').scrollTop = 0; drawList(); });

function renderList() {
  listOrder = null;
  drawList();
  renderHeader();
  updateTitle();
}

/** The tab's title counts what is unread, and the counts survive a reload. */
function updateTitle() {
  const total = [...conversations.values()].reduce((n, c) => n + c.unread, 0);
  document.title = total ? `(${total}) xmpp-ftw-wasm chat` : 'xmpp-ftw-wasm chat';
  if (!$('chat-view').hidden) saveUnread();
}

/** The open conversation's header: who (the contact's name when there is one), their status,
 * and what can be done: a stranger is marked as such, with Add and Block. */
function renderHeader() {
  if (!current) return;
  const contact = contacts.has(current);
  $('peer-title').replaceChildren(...(nameOf(current) === current ? [current] : [bdi(nameOf(current)), ` (${current})`]));
  $('peer-presence').textContent = presenceText(current);
  $('remove-contact').hidden = !contact;
  $('stranger-note').hidden = contact;
  $('add-stranger').hidden = contact;
  $('block').hidden = false;
  $('block').textContent = blocked.has(current) ? 'Unblock' : 'Block';
}

/** Unread counts per account, kept in this browser (forgotten on logging out). */
const unreadKey = () => `xmpp-ftw-wasm-demo:unread:${me}`;
function saveUnread() {
  if (!me) return;
  const counts = {};
  for (const [peer, c] of conversations) if (c.unread) counts[peer] = c.unread;
  try { localStorage.setItem(unreadKey(), JSON.stringify(counts)); } catch { /* storage full or off */ }
}
function loadUnread() {
  let counts = {};
  try { counts = JSON.parse(localStorage.getItem(unreadKey()) || '{}') || {}; } catch { counts = {}; }
  for (const [peer, n] of Object.entries(counts)) {
    if (Number.isInteger(n) && n > 0 && peer.includes('@')) conv(peer).unread = Math.max(conv(peer).unread, Math.min(n, 9999));
  }
}

function renderRequests() {
  $('requests').hidden = requests.size === 0;
  $('request-list').replaceChildren(...[...requests].map((peer) => {
    const li = document.createElement('li');
    const text = document.createElement('span');
    text.textContent = `${peer} wants to add you as a contact.`;
    const row = document.createElement('div');
    row.className = 'row';
    const accept = document.createElement('button');
    accept.type = 'button';
    accept.textContent = 'Accept';
    accept.setAttribute('aria-label', `Accept ${peer}`);
    accept.addEventListener('click', () => acceptRequest(peer));
    const decline = document.createElement('button');
    decline.type = 'button';
    decline.textContent = 'Decline';
    decline.setAttribute('aria-label', `Decline ${peer}`);
    decline.addEventListener('click', () => {
      socket.send('xmpp.presence.unsubscribed', { to: peer });
      requests.delete(peer);
      renderRequests();
    });
    row.append(accept, decline);
    li.append(text, row);
    return li;
  }));
}

async function acceptRequest(peer) {
  requests.delete(peer);
  renderRequests();
  socket.send('xmpp.presence.subscribed', { to: peer });
  // A contact both ways: add them and ask to see their presence too, unless already done.
  const item = contacts.get(peer);
  try {
    if (!item) await socket.request('xmpp.roster.add', { jid: peer });
    if (!item || (item.subscription !== 'to' && item.subscription !== 'both' && !item.ask)) {
      socket.send('xmpp.presence.subscribe', { to: peer });
    }
  } catch (e) {
    banner(explain(e), true);
  }
}

/** After login: the roster, and the recent conversations from the last page of the archive. */
async function loadContacts() {
  try {
    const [items] = await socket.request('xmpp.roster.get', {});
    // the list is drawn in a task of its own, not in the one that read thousands of contacts
    await new Promise((r) => setTimeout(r, 0));
    for (const item of items) contacts.set(bare(item.jid), item);
    renderList();
  } catch (e) {
    banner(`Contacts unavailable: ${explain(e)}`, true);
  }
  try {
    const queryId = `recent-${Date.now()}`;
    const page = [];
    const onMam = (m) => { if (m.mam.queryId === queryId) page.push(m); };
    socket.on('xmpp.mam.message', onMam);
    await socket.request('xmpp.mam.query', { queryId, rsm: { max: 50, before: true } });
    socket.off('xmpp.mam.message', onMam);
    for (const m of page) { // oldest first: the last one of each peer wins
      if (m.content === undefined) continue;
      const mine = bare(m.from) === me;
      const peer = mine ? bare(m.mam.to) : bare(m.from);
      if (!peer || peer === me) continue;
      const c = conv(peer);
      const t = instant(m.delay && m.delay.when);
      if (t >= c.lastTime) { c.lastTime = t; c.lastText = m.content; }
    }
    renderList();
  } catch {
    // no history on this server: the list shows the contacts only
  }
}

/** Applies `fn` to the message `id` of `peer`'s conversation written by one of `authors` (in
 * that order: `true` is the user), now or once it is shown. */
function onMessage(peer, id, fn, authors = [true, false]) {
  const c = conv(peer);
  const msg = authors.map((mine) => c.messages.get(keyOf(mine, id))).find(Boolean);
  if (msg) { fn(msg); if (peer === current) refresh(msg); return; }
  c.later.set(id, [...(c.later.get(id) || []), fn]);
}

/** XEP-0444: `sender`'s whole set of reactions to a message. */
const reacted = (sender, reactions) => (msg) => {
  if (reactions.length) msg.reactions.set(sender, reactions); else msg.reactions.delete(sender);
};
/** XEP-0424: only the author can take a message back (someone else's retraction is ignored). */
const retracted = (sender) => (msg) => {
  if (msg.author !== sender) return;
  Object.assign(msg, { deleted: true, text: '', html: undefined });
};

/** XEP-0333: tells the peer what was read, once per message. */
function markRead(peer) {
  const c = conv(peer);
  const last = [...c.order].reverse().map((k) => c.messages.get(k)).find((m) => !m.mine && m.markable && m.id);
  if (!last || c.lastDisplayed === last.id || document.visibilityState === 'hidden') return;
  c.lastDisplayed = last.id;
  socket.send('xmpp.chat.displayed', { to: peer, id: last.id });
}

/** The local day of a time (for the separators), or '' for none. */
const dayOf = (iso) => { const d = new Date(iso); return Number.isNaN(d.getTime()) ? '' : d.toDateString(); };
/** What a day's separator says as of now: "Today", "Yesterday" or the date. */
function dayLabel(iso) {
  const d = new Date(iso), today = new Date();
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
  return d.toDateString() === today.toDateString() ? 'Today'
    : d.toDateString() === yesterday.toDateString() ? 'Yesterday'
      : d.toLocaleDateString([], { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
}
function daySeparator(iso) {
  const li = document.createElement('li');
  li.className = 'day';
  li.setAttribute('role', 'separator');
  li.dataset.time = iso;
  li.textContent = dayLabel(iso);
  return li;
}
// When the local day changes (checked each minute), the separators on screen are labelled again:
// "Today" does not stay "Today" past midnight.
let labelledDay = new Date().toDateString();
setInterval(() => {
  const today = new Date().toDateString();
  if (today === labelledDay) return;
  labelledDay = today;
  for (const li of $('messages').querySelectorAll('li.day')) li.textContent = dayLabel(li.dataset.time);
}, 60_000);

function renderMessages(keepScroll = false) {
  const c = conv(current);
  const ol = $('messages');
  const fromBottom = ol.scrollHeight - ol.scrollTop;
  const items = [];
  let day = '';
  for (const key of c.order) {
    const m = c.messages.get(key);
    const d = dayOf(m.time);
    if (d && d !== day) { day = d; items.push(daySeparator(m.time)); }
    items.push(messageItem(c, m));
  }
  c.lastDay = day;
  ol.replaceChildren(...items);
  ol.scrollTop = keepScroll ? ol.scrollHeight - fromBottom : ol.scrollHeight;
  $('typing').textContent = c.typing;
  markRead(current);
}

/** Appends a new message of the open conversation (with its day's separator when it starts one),
 * keeping the view at the bottom if it was there. */
function appendMessage(c, m) {
  const ol = $('messages');
  const atBottom = ol.scrollHeight - ol.scrollTop - ol.clientHeight < 40;
  const d = dayOf(m.time);
  if (d && d !== c.lastDay) { c.lastDay = d; ol.append(daySeparator(m.time)); }
  ol.append(messageItem(c, m));
  if (atBottom || m.mine) ol.scrollTop = ol.scrollHeight;
  $('typing').textContent = c.typing;
  markRead(current);
}

/** Longer messages are folded. */
const FOLD = 2000;

/** One message of the open conversation (kept as `m.el`). */
function messageItem(c, m) {
  const li = document.createElement('li');
  m.el = li;
  li.className = m.mine ? 'mine' : 'theirs';
  if (m.reply) {
    const quote = document.createElement('blockquote');
    quote.dir = 'auto';
    const target = c.messages.get(keyOf(replyAuthor(m.reply, current) === me, m.reply.id));
    quote.textContent = target ? (target.deleted ? 'message deleted' : target.text) : (m.reply.quote || '…');
    li.append(quote);
  }
  const body = document.createElement('div');
  body.className = m.deleted ? 'body deleted' : 'body';
  body.dir = 'auto'; // each message is a bidi-isolated run
  const folded = !m.deleted && !m.file && m.html === undefined && m.text.length > FOLD && !m.unfolded;
  if (m.deleted) body.textContent = 'message deleted';
  else if (m.file) body.append(fileView(m));
  else if (m.html !== undefined) body.append(remoteMarkup(m));
  else { body.textContent = folded ? `${m.text.slice(0, FOLD)}…` : m.text; body.classList.add('text'); } // line breaks kept by CSS
  li.append(body);
  if (folded) {
    const more = document.createElement('button');
    more.type = 'button';
    more.className = 'more';
    more.textContent = 'Show more';
    more.addEventListener('click', () => { m.unfolded = true; refresh(m); });
    li.append(more);
  }
  if (m.reactions.size && !m.deleted) {
    const counts = new Map();
    for (const list of m.reactions.values()) for (const r of list) counts.set(r, (counts.get(r) || 0) + 1);
    const row = document.createElement('span');
    row.className = 'reactions';
    row.append(...[...counts].map(([r, n]) => {
      const chip = document.createElement('span');
      chip.textContent = n > 1 ? `${r} ${n}` : r; // text, never markup
      return chip;
    }));
    li.append(row);
  }
  const meta = document.createElement('span');
  meta.className = 'meta';
  const bits = [time(m.time)];
  if (m.delayed) bits.push('delivered later');
  if (m.edited) bits.push('edited');
  // sending (not acknowledged by the server yet, also after a reload) → sent → delivered → read
  if (m.mine) bits.push(m.failed ? `Not delivered${m.failReason ? ` (${m.failReason})` : ''}` : m.read ? '✓✓ Read' : m.delivered ? '✓✓ Delivered' : m.sent ? '✓ Sent' : '… Sending');
  meta.append(bdi(m.mine ? 'You' : shortName(current)), ` · ${bits.join(' · ')}`);
  if (m.failed) meta.classList.add('failed');
  li.append(meta);
  if (m.id && !m.deleted) li.append(messageActions(m));
  return li;
}

/** Someone whose presence the user shares both ways (RFC 6121 §2.1.2.5 `both`): their pictures
 * load by themselves; anyone else's wait for a click (loading one tells its sender when and from
 * where the message was read). */
const mutual = (peer) => Boolean(contacts.get(peer) && contacts.get(peer).subscription === 'both');
/** Whether a message's remote content (pictures, a file's size) may load by itself. */
const trusts = (m) => m.mine || mutual(m.author);

/** A message's XHTML (sanitised by the SDK, XEP-0071) made safe to show: parsed in an inert
 * <template> first (nothing loads while parsing), pictures of anyone but the user and mutual
 * contacts replaced by a "Show picture" button, links opened in a new tab without a referrer. */
function remoteMarkup(m) {
  const t = document.createElement('template');
  t.innerHTML = m.html;
  for (const a of t.content.querySelectorAll('a')) {
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
  }
  const trusted = trusts(m) || m.showPicture;
  if (!trusted) {
    for (const img of t.content.querySelectorAll('img')) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'show-picture';
      b.textContent = img.alt ? `Show picture: ${img.alt}` : 'Show picture';
      b.addEventListener('click', () => { m.showPicture = true; refresh(m); });
      img.replaceWith(b);
    }
  }
  return t.content;
}

const IMAGE = /\.(png|jpe?g|gif|webp|avif)$/i;
/** A file message (XEP-0066 link): a picture's preview (a click opens it whole), or a link with
 * the file's name and size. A stranger's picture is shown only when asked for. */
function fileView(m) {
  const { url, name, bytes, type, desc } = m.file;
  const box = document.createElement('span');
  box.className = 'file';
  let href;
  try { href = new URL(url); } catch { box.textContent = m.text; return box; }
  if (href.protocol !== 'https:' && href.protocol !== 'http:') { box.textContent = m.text; return box; }
  const link = document.createElement('a');
  link.href = href.href;
  link.target = '_blank';
  link.rel = 'noopener noreferrer';
  const image = (type || '').startsWith('image/') || IMAGE.test(href.pathname);
  const showPicture = () => {
    const img = document.createElement('img');
    img.src = href.href;
    img.alt = name;
    img.loading = 'lazy';
    img.referrerPolicy = 'no-referrer';
    link.replaceChildren(img);
  };
  link.textContent = name;
  const trusted = trusts(m);
  if (image && (trusted || m.showPicture)) showPicture();
  box.append(link);
  // the size of a contact's file, from the server that holds it (a stranger's is not asked for)
  if (!bytes && trusted) {
    sizeOf(href.href).then((n) => {
      if (!n || m.file.bytes) return;
      m.file.bytes = n;
      if (current) renderMessages(true);
    });
  }
  if (bytes) {
    const s = document.createElement('span');
    s.className = 'size';
    s.textContent = ` (${size(bytes)})`;
    box.append(s);
  }
  if (image && !link.querySelector('img')) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = 'Show picture';
    b.title = 'This person is not in your contacts: loading the picture tells them you saw it';
    b.addEventListener('click', () => { m.showPicture = true; showPicture(); b.remove(); });
    box.append(document.createElement('br'), b);
  }
  if (desc) {
    const caption = document.createElement('span');
    caption.textContent = desc;
    box.append(document.createElement('br'), caption);
  }
  return box;
}

/** url -> the promise of its size (a HEAD request, once per URL). */
const sizes = new Map();
const sizeOf = (url) => {
  if (!sizes.has(url)) {
    sizes.set(url, fetch(url, { method: 'HEAD', referrerPolicy: 'no-referrer' })
      .then((r) => (r.ok ? Number(r.headers.get('content-length')) || 0 : 0), () => 0));
  }
  return sizes.get(url);
};

/** The file of a message with a XEP-0066 link: its name from the URL's last part. */
function fileOf(oob, extra = {}) {
  if (!oob) return undefined;
  let name = 'file';
  try { name = decodeURIComponent(new URL(oob.url).pathname.split('/').pop()) || 'file'; } catch { /* keep "file" */ }
  return { url: oob.url, desc: oob.desc, name, ...extra };
}

/** Sends files to the open conversation: a progress bar with Cancel each, errors in plain words. */
function sendFiles(files) {
  const peer = current;
  if (!peer) return;
  for (const file of files) {
    const id = crypto.randomUUID();
    const row = document.createElement('li');
    const label = document.createElement('span');
    label.textContent = `${file.name} (${size(file.size)})`;
    const bar = document.createElement('progress');
    bar.max = file.size || 1;
    bar.value = 0;
    bar.setAttribute('aria-label', `Sending ${file.name}`);
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.textContent = 'Cancel';
    cancel.addEventListener('click', () => socket.send('xmpp.chat.file.cancel', { id }));
    row.append(label, bar, cancel);
    $('uploads').append(row);
    uploads.set(id, bar);
    socket.request('xmpp.chat.file', { to: peer, file, id, receipt: true }).then(([sent]) => {
      upsert(peer, {
        id: sent.id, text: sent.url, mine: true, time: new Date().toISOString(),
        file: fileOf({ url: sent.url }, { name: file.name, bytes: file.size, type: file.type }),
      });
    }, (e) => {
      if (e.condition !== 'cancelled') banner(`${file.name}: ${explain(e)}`, true);
    }).finally(() => { uploads.delete(id); row.remove(); });
  }
}
/** upload id -> its progress bar */
const uploads = new Map();
socket.on('xmpp.chat.file.progress', (p) => {
  const bar = uploads.get(p.id);
  if (bar) { bar.max = p.total || 1; bar.value = p.loaded; }
});

/** Reply, react and (own messages) delete, under a message. */
function messageActions(m) {
  const peer = current;
  const row = document.createElement('span');
  row.className = 'actions';
  const button = (label, title, fn) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.title = title;
    b.addEventListener('click', fn);
    row.append(b);
    return b;
  };
  button('Reply', 'Reply to this message', () => {
    replyingTo = { id: m.id, text: m.text, author: m.author };
    $('replying-text').textContent = m.text;
    $('replying').hidden = false;
    $('text').focus();
  });
  for (const emoji of ['👍', '❤️', '😂']) {
    const b = button(emoji, `React with ${emoji}`, async () => {
      const mine = new Set(m.reactions.get(me) || []);
      if (mine.has(emoji)) mine.delete(emoji); else mine.add(emoji);
      try {
        await socket.request('xmpp.chat.reaction', { to: peer, id: m.id, reactions: [...mine] });
        reacted(me, [...mine])(m);
        if (peer === current) refresh(m);
      } catch (e) { banner(explain(e), true); }
    });
    b.setAttribute('aria-label', `React with ${emoji}`); // the emoji alone is not a name
  }
  if (m.mine) {
    button('Delete for everyone', 'Take this message back for everyone', async () => {
      if (!window.confirm('Delete this message for everyone?')) return;
      try {
        await socket.request('xmpp.chat.retract', { to: peer, id: m.id });
        retracted(me)(m);
        if (peer === current) refresh(m);
      } catch (e) { banner(explain(e), true); }
    });
  }
  return row;
}

async function loadHistory(peer) {
  const c = conv(peer);
  if (c.historyDone || c.loadingHistory) return;
  c.loadingHistory = true;
  $('history-note').textContent = 'Loading history…';
  try {
    const queryId = `h-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const page = [];
    const onMam = (m) => { if (m.mam.queryId === queryId) page.push(m); };
    socket.on('xmpp.mam.message', onMam);
    const [fin, rsm] = await socket.request('xmpp.mam.query', { queryId, with: peer, rsm: { max: 30, before: c.historyFirst || true } });
    socket.off('xmpp.mam.message', onMam);
    // The page is oldest first; corrections (XEP-0308) replace the text of what they correct.
    for (const m of page) {
      // actions (docs/decisions.md §14), in archive order: the state is the same as live; a
      // correction or retraction counts for its own sender's messages only
      const sender = bare(m.from);
      if (m.replace && m.content !== undefined) c.corrections.set(keyOf(sender === me, m.replace), m);
      if (m.reaction) onMessage(peer, m.reaction.id, reacted(sender, m.reaction.reactions), [sender !== me, sender === me]);
      if (m.retract) onMessage(peer, m.retract.id, retracted(sender), [sender === me]);
      if (m.displayed && sender !== me) onMessage(peer, m.displayed.id, readUpTo(peer), [true]);
    }
    for (const m of page.reverse()) {
      if (m.content === undefined || m.replace) continue; // receipts, chat states, corrections
      const mine = bare(m.from) === me;
      const fix = c.corrections.get(keyOf(mine, m.id));
      const shown = fix || m;
      upsert(peer, {
        id: m.id, text: shown.content, html: shown.format === 'xhtml' ? shown.content : undefined, mine,
        time: m.delay ? m.delay.when : '', delivered: mine, edited: Boolean(fix), reply: m.reply, markable: true,
        file: fix ? undefined : fileOf(m.oob),
      }, true);
    }
    c.historyFirst = rsm.first || c.historyFirst;
    c.historyDone = fin.complete || !rsm.first;
    $('history-note').textContent = c.historyDone ? 'Start of the conversation.' : 'Scroll up for older messages.';
    // A short first page leaves nothing to scroll: fetch the next one straight away.
    const ol = $('messages');
    if (!c.historyDone && peer === current && ol.scrollHeight <= ol.clientHeight) {
      c.loadingHistory = false;
      return loadHistory(peer);
    }
  } catch (e) {
    $('history-note').textContent = `History unavailable: ${explain(e)}`;
  } finally {
    c.loadingHistory = false;
  }
}

function open(peer) {
  const previous = current;
  // (a conversation opened without messages sorts where the contact was)
  const listed = Boolean(listOrder && listOrder.includes(peer));
  current = peer;
  const c = conv(peer);
  c.unread = 0;
  $('composer').hidden = false;
  cancelReply();
  if (listed) {
    // the order stays: the two rows whose state changed, and the header
    if (previous && previous !== peer) updatePeer(previous);
    updatePeer(peer);
    updateTitle();
  } else {
    renderList(); // a new entry: the order, the rows, the header
  }
  renderMessages();
  if (!c.loaded) { c.loaded = true; loadHistory(peer); }
  $('text').focus();
}

$('messages').addEventListener('scroll', () => {
  if (current && $('messages').scrollTop === 0) loadHistory(current);
});

// ---- the SDK's events

/** Set by the login form: the next `online` is a new start for this page. */
let freshLogin = false;
/** This login has been online (a later disconnection lost a connection it had). */
let everOnline = false;

socket.on('xmpp.connection', (data) => {
  if (data.status === 'online') {
    everOnline = true;
    me = bare(data.jid);
    // the bare address: the resource is this device's random name (kept in the tooltip)
    $('bound-jid').textContent = bare(data.jid);
    $('bound-jid').title = full(data.jid);
    $('login-view').hidden = true;
    $('chat-view').hidden = false;
    banner('');
    if (freshLogin) { // the first time online since the login form (not a reconnection)
      freshLogin = false;
      // initial presence (offline messages follow); after a reload that resumed the session
      // it is only sent again, and the SDK replays the contacts' presence as it was
      socket.send('xmpp.presence', {});
      $('my-show').value = ''; $('my-status').value = '';
      loadUnread();
      loadContacts();
      // XEP-0191: the block list is asked for (the SDK never fetches it by itself)
      socket.request('xmpp.blocking.list', {}).then(([list]) => {
        blocked.clear();
        for (const j of list) blocked.add(j);
        if (current) $('block').textContent = blocked.has(current) ? 'Unblock' : 'Block';
      }, () => {});
    }
    $('peer').focus();
  } else if (data.status === 'reconnecting') {
    banner('Connection lost. Reconnecting… (messages you send now will go out when it is back)');
  } else if (data.status === 'offline') {
    $('chat-view').hidden = true;
    $('login-view').hidden = false;
    conversations.clear();
    contacts.clear();
    presences.clear();
    $('contact-search').value = '';
    requests.clear();
    renderRequests();
    current = null;
    $('composer').hidden = true;
    $('remove-contact').hidden = true;
    $('block').hidden = true;
    $('stranger-note').hidden = true;
    $('add-stranger').hidden = true;
    $('my-show').value = ''; $('my-status').value = '';
    document.title = 'xmpp-ftw-wasm chat';
    blocked.clear();
    cancelReply();
    $('peer-title').textContent = 'No conversation open';
    $('peer-presence').textContent = '';
    // nothing of this account stays on screen for the next one on this page
    renderList();
    $('messages').replaceChildren();
    $('uploads').replaceChildren();
    $('typing').textContent = '';
    $('history-note').textContent = '';
    $('password').value = '';
    lastOwn = null;
    editing = null;
    // why the connection ended, when it did not end by logging out
    status(ended || 'Not connected.', Boolean(ended));
    ended = '';
  }
});
/** The reason the SDK gave up on the connection, shown once the login form is back. */
let ended = '';
socket.on('xmpp.error', (e) => {
  // a login that never got online did not lose a connection: it could not make one
  const text = e.condition === 'disconnected' && !everOnline
    ? `Could not connect to the server at ${$('websocket').value.trim()}. Check the WebSocket URL and that the server is running.`
    : explain(e);
  if (e.condition === 'disconnected') ended = text;
  if ($('chat-view').hidden) status(text, true); else banner(text, true);
});
socket.on('xmpp.error.client', (e) => banner(explain(e), true));

/** The typing notice goes by itself after this long without news (XEP-0085 §5.1). */
const TYPING_MS = 30000;
const setTyping = (peer, text) => {
  const c = conv(peer);
  c.typing = text;
  clearTimeout(c.typingTimer);
  if (text) c.typingTimer = setTimeout(() => setTyping(peer, ''), TYPING_MS);
  if (peer === current) $('typing').textContent = text;
};

socket.on('xmpp.chat.message', (m) => {
  const sent = m.carbon === 'sent';
  const peer = sent ? bare(m.to) : bare(m.from);
  if (!peer || peer === me) return;
  // a chat state alone from someone with no conversation yet opens none
  if (m.content === undefined && !conversations.has(peer)) return;
  const c = conv(peer);
  if (m.state && !sent) setTyping(peer, m.state === 'composing' ? `${shortName(peer)} is typing…` : '');
  if (m.content === undefined) return;
  if (!sent) setTyping(peer, '');
  upsert(peer, {
    id: m.id, text: m.content, html: m.format === 'xhtml' ? m.content : undefined, mine: sent,
    time: m.delay ? m.delay.when : undefined, delayed: Boolean(m.delay), replace: m.replace,
    reply: m.reply, markable: m.markable, file: fileOf(m.oob),
  });
  // XEP-0184: acknowledge what we received (receipts are the application's job in xmpp-ftw).
  if (m.receipt && m.id && !m.carbon) socket.send('xmpp.chat.receipt', { to: full(m.from), id: m.id });
});

// ---- message actions (docs/decisions.md §14)

/** Whose conversation an action belongs to: the peer, also for my own from another device. */
const peerOf = (a) => (a.carbon === 'sent' ? bare(a.to) : bare(a.from));
/** XEP-0333: the peer read my messages up to `id`. */
const readUpTo = (peer) => (msg) => {
  const c = conv(peer);
  for (const k of c.order) {
    const m = c.messages.get(k);
    if (m.mine && !m.read) { m.read = true; if (peer === current && m !== msg) refresh(m); }
    if (m === msg) break;
  }
};
/** Whether an action (reaction, retraction) was the user's own, from another device. */
const byMe = (a) => bare(a.from) === me;
// a reaction most likely answers the other side's message; a retraction takes back one's own only
socket.on('xmpp.chat.reaction', (a) => onMessage(peerOf(a), a.id, reacted(bare(a.from), a.reactions), [!byMe(a), byMe(a)]));
socket.on('xmpp.chat.retract', (a) => onMessage(peerOf(a), a.id, retracted(bare(a.from)), [byMe(a)]));
socket.on('xmpp.chat.displayed', (a) => {
  const peer = peerOf(a);
  if (a.carbon === 'sent') { // read on another of my devices: nothing unread here either
    conv(peer).unread = 0;
    renderList();
    return;
  }
  onMessage(peer, a.id, readUpTo(peer), [true]);
});
// A message of mine bounced (an unknown or blocked recipient): failed, with the reason.
socket.on('xmpp.chat.error', (e) => {
  const c = conv(bare(e.from));
  const msg = c.messages.get(keyOf(true, e.id));
  if (msg) { msg.failed = true; msg.failReason = explain(e.error || {}); if (bare(e.from) === current) refresh(msg); }
});
socket.on('xmpp.blocking.push', (p) => {
  for (const j of p.blocked || []) blocked.add(j);
  if (p.unblocked === 'all') blocked.clear(); else for (const j of p.unblocked || []) blocked.delete(j);
  if (current) $('block').textContent = blocked.has(current) ? 'Unblock' : 'Block';
});

// ---- contacts: roster pushes, presence, subscription requests (RFC 6121)

socket.on('xmpp.roster.push', (item) => {
  const peer = bare(item.jid);
  if (item.subscription === 'remove') contacts.delete(peer); else contacts.set(peer, item);
  renderList(); // and the header: a removed contact is shown as a stranger again
});
socket.on('xmpp.presence', (p) => {
  const peer = bare(p.from);
  if (peer === me) return;
  const resources = presences.get(peer) || new Map();
  if (p.show === 'offline') resources.delete(p.from.resource || '');
  else resources.set(p.from.resource || '', { show: p.show || 'online', status: typeof p.status === 'string' ? p.status.slice(0, 200) : '' });
  presences.set(peer, resources);
  updatePeer(peer); // the order does not depend on presence: one row, not the list
});
socket.on('xmpp.presence.subscribe', (p) => {
  const peer = bare(p.from);
  const item = contacts.get(peer);
  // Someone we asked first (we added them and want their presence): approve at once.
  if (item && (item.subscription === 'to' || item.ask === 'subscribe')) {
    socket.send('xmpp.presence.subscribed', { to: peer });
    return;
  }
  requests.add(peer);
  renderRequests();
});

// The server has it (XEP-0198 ack): "sent".
socket.on('xmpp.chat.sent', ({ id }) => {
  for (const [peer, c] of conversations) {
    const msg = c.messages.get(keyOf(true, id));
    if (msg) { msg.sent = true; if (peer === current) refresh(msg); }
  }
});

socket.on('xmpp.chat.receipt', (r) => {
  const c = conv(bare(r.from));
  const msg = c.messages.get(keyOf(true, r.id));
  if (msg) { msg.delivered = true; if (bare(r.from) === current) refresh(msg); }
});

// ---- the page's controls

$('login').addEventListener('submit', (ev) => {
  ev.preventDefault();
  status('Connecting…');
  freshLogin = true;
  everOnline = false;
  socket.send('xmpp.login', {
    jid: $('jid').value.trim(),
    password: $('password').value,
    register: $('register').checked,
    websocket: $('websocket').value.trim(),
  });
  // After a reload: what was sent and not yet acknowledged is still on its way ("sending").
  socket.send('xmpp.chat.pending', {}, (err, pending) => {
    for (const p of pending || []) {
      if (p.content !== undefined && !p.replace) upsert(p.to.split('/')[0], { id: p.id, text: p.content, mine: true, time: new Date().toISOString() });
    }
  });
});
$('logout').addEventListener('click', () => {
  try { localStorage.removeItem(unreadKey()); } catch { /* storage off */ }
  // forget: nothing of this account's roster stays in the tab for the next person
  socket.send('xmpp.logout', { forget: true });
});
// the user's own status (RFC 6121 §4.2: show and a status message), sent again after a reconnection
$('my-presence').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const show = $('my-show').value, status = $('my-status').value.trim();
  socket.send('xmpp.presence', { ...(show ? { show } : {}), ...(status ? { status } : {}) });
});
$('my-show').addEventListener('change', () => $('my-presence').requestSubmit());
// a message that arrived while the page was hidden is unread until the page is seen
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState !== 'visible' || !current) return;
  conv(current).unread = 0;
  renderList();
  markRead(current);
});
/** Adds a contact and asks to see their presence; whether it worked. */
async function addContact(jid, name) {
  try {
    await socket.request('xmpp.roster.add', name ? { jid, name } : { jid });
    socket.send('xmpp.presence.subscribe', { to: jid }); // ask to see their presence
    banner('');
    return true;
  } catch (e) {
    banner(explain(e), true);
    return false;
  }
}
$('add-contact').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const jid = $('contact-jid').value.trim().toLowerCase();
  const name = $('contact-name').value.trim();
  if (!jid.includes('@')) { banner('Enter a full address, like bob@localhost.', true); return; }
  if (await addContact(jid, name)) {
    $('contact-jid').value = ''; $('contact-name').value = '';
    $('add-contact-box').open = false;
  }
});
$('add-stranger').addEventListener('click', () => { if (current) addContact(current, ''); });
$('remove-contact').addEventListener('click', async () => {
  const peer = current;
  if (!peer) return;
  if (!window.confirm(`Remove ${nameOf(peer)} from your contacts? You will stop seeing each other's status.`)) return;
  try {
    await socket.request('xmpp.roster.remove', { jid: peer });
  } catch (e) {
    banner(explain(e), true);
  }
});
$('block').addEventListener('click', async () => {
  const peer = current;
  if (!peer) return;
  const unblock = blocked.has(peer);
  if (!unblock && !window.confirm(`Block ${peer}? You will not get their messages.`)) return;
  try {
    await socket.request(unblock ? 'xmpp.blocking.remove' : 'xmpp.blocking.add', { jid: peer });
    if (unblock) blocked.delete(peer); else blocked.add(peer);
    $('block').textContent = blocked.has(peer) ? 'Unblock' : 'Block';
  } catch (e) {
    banner(explain(e), true);
  }
});
function cancelReply() {
  replyingTo = null;
  $('replying').hidden = true;
}
$('cancel-reply').addEventListener('click', cancelReply);
$('start').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const peer = $('peer').value.trim().toLowerCase();
  if (!peer.includes('@')) { banner('Enter a full address, like bob@localhost.', true); return; }
  $('peer').value = '';
  open(peer);
});

let typingTimer = null;
let composing = false;
$('text').addEventListener('input', () => {
  if (!current) return;
  if (!composing) { composing = true; socket.send('xmpp.chat.message', { to: current, state: 'composing' }); }
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => { composing = false; socket.send('xmpp.chat.message', { to: current, state: 'paused' }); }, 3000);
});
const growComposer = () => {
  const t = $('text');
  t.rows = Math.min(6, Math.max(1, t.value.split('\n').length));
};
$('text').addEventListener('input', growComposer);
$('text').addEventListener('keydown', (ev) => {
  // Enter sends, Shift+Enter starts a new line (not while an input method is composing)
  if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); $('composer').requestSubmit(); return; }
  if (ev.key === 'ArrowUp' && !$('text').value) { ev.preventDefault(); editLast(); }
  if (ev.key === 'Escape') { editing = null; $('text').value = ''; growComposer(); $('send').textContent = 'Send'; }
});

function editLast() {
  if (!lastOwn || lastOwn.peer !== current) return;
  editing = lastOwn.id;
  $('text').value = lastOwn.text;
  growComposer();
  $('send').textContent = 'Save edit';
  $('text').focus();
}
$('edit-last').addEventListener('click', editLast);

// files: the Attach button, or dropped on the conversation
$('attach').addEventListener('click', () => $('attach-input').click());
$('attach-input').addEventListener('change', () => {
  sendFiles([...$('attach-input').files]);
  $('attach-input').value = '';
});
const dropZone = $('conversation');
dropZone.addEventListener('dragover', (ev) => {
  if (!current || !ev.dataTransfer || ![...ev.dataTransfer.types].includes('Files')) return;
  ev.preventDefault();
  dropZone.classList.add('dropping');
});
dropZone.addEventListener('dragleave', () => dropZone.classList.remove('dropping'));
dropZone.addEventListener('drop', (ev) => {
  dropZone.classList.remove('dropping');
  if (!current || !ev.dataTransfer || !ev.dataTransfer.files.length) return;
  ev.preventDefault();
  sendFiles([...ev.dataTransfer.files]);
});

$('composer').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const text = $('text').value.trim();
  if (!text || !current) return;
  const peer = current;
  $('text').value = '';
  growComposer();
  clearTimeout(typingTimer);
  composing = false;
  const payload = { to: peer, content: text, state: 'active', receipt: true };
  if (editing) payload.replace = editing;
  const replace = editing;
  editing = null;
  const reply = replyingTo && !replace ? { id: replyingTo.id } : undefined;
  if (reply) {
    payload.reply = { id: replyingTo.id, to: replyingTo.author };
    payload.quote = replyingTo.text.length > 80 ? `${replyingTo.text.slice(0, 80)}…` : replyingTo.text;
  }
  cancelReply();
  $('send').textContent = 'Send';
  try {
    const [{ id }] = await socket.request('xmpp.chat.message', payload);
    if (replace) upsert(peer, { id, text, mine: true, time: new Date().toISOString(), replace });
    else upsert(peer, { id, text, mine: true, time: new Date().toISOString(), reply });
    if (replace) lastOwn = { id: replace, text, peer };
  } catch (e) {
    banner(explain(e), true);
  }
});
