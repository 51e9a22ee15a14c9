// The demo chat app on the SDK: conversations, receipts, typing, corrections, history (MAM)
// with older pages on scroll-up, offline-delivered messages, reconnection. Text from the
// network goes into the page with textContent; XHTML only as the SDK's sanitised `content`.
import init, { XmppSocket } from '../pkg/xmpp_ftw_wasm.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
$('websocket').value = params.get('ws') || 'ws://127.0.0.1:5280/xmpp-websocket';

const bare = (j) => (j.user ? `${j.user}@${j.domain}` : j.domain);
const full = (j) => bare(j) + (j.resource ? `/${j.resource}` : '');
const time = (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

// Errors in plain words (docs/decisions.md §2-§3 conditions).
const explain = (e) => ({
  'login-fail': 'Wrong JID or password.',
  'registration-fail': 'That account could not be created (it may already exist).',
  'insecure-transport': 'The server only accepts plain-text passwords, which this page refuses without TLS.',
  'discovery-failed': 'No XMPP WebSocket endpoint was found for that domain.',
  'disconnected': 'The connection to the server was lost.',
  'timeout': 'The server did not answer in time.',
  'not-connected': 'You are not connected.',
  'client-error': e.description,
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

await init();
const socket = new XmppSocket();
window.socket = socket;

/** peer bare JID -> {messages: Map(id -> msg), order: [], unread, historyFirst, historyDone, typing} */
const conversations = new Map();
let me = null;
let current = null;
let lastOwn = null; // {id, text} of my last message in the current conversation
let editing = null; // id being corrected

const conv = (peer) => {
  if (!conversations.has(peer)) {
    conversations.set(peer, {
      messages: new Map(), order: [], unread: 0, historyFirst: null, historyDone: false, typing: '', loaded: false,
      corrections: new Map(), // original id -> the correcting archived message
    });
  }
  return conversations.get(peer);
};

/** Adds or updates a message; `older` puts history before what is shown. */
function upsert(peer, msg, older = false) {
  const c = conv(peer);
  const key = msg.id || `${msg.time}-${msg.text}`;
  if (msg.replace && c.messages.has(msg.replace)) {
    const target = c.messages.get(msg.replace);
    target.text = msg.text; target.html = msg.html; target.edited = true;
  } else if (c.messages.has(key)) {
    Object.assign(c.messages.get(key), { ...msg, delivered: c.messages.get(key).delivered || msg.delivered });
  } else {
    c.messages.set(key, msg);
    if (older) c.order.unshift(key); else c.order.push(key);
    if (!older && !msg.mine && peer !== current) c.unread++;
  }
  if (msg.mine && !older) lastOwn = { id: msg.id, text: msg.text, peer };
  renderList();
  if (peer === current) renderMessages(older);
}

function renderList() {
  const ul = $('conversations');
  ul.replaceChildren(...[...conversations.keys()].map((peer) => {
    const c = conversations.get(peer);
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = c.unread ? `${peer} (${c.unread})` : peer;
    b.className = c.unread ? 'unread' : '';
    b.setAttribute('aria-current', String(peer === current));
    b.addEventListener('click', () => open(peer));
    li.append(b);
    return li;
  }));
}

function renderMessages(keepScroll = false) {
  const c = conv(current);
  const ol = $('messages');
  const fromBottom = ol.scrollHeight - ol.scrollTop;
  ol.replaceChildren(...c.order.map((key) => {
    const m = c.messages.get(key);
    const li = document.createElement('li');
    li.className = m.mine ? 'mine' : 'theirs';
    const body = document.createElement('span');
    body.className = 'body';
    if (m.html !== undefined) body.innerHTML = m.html; // sanitised by the SDK (XEP-0071 profile)
    else body.textContent = m.text;
    const meta = document.createElement('span');
    meta.className = 'meta';
    const bits = [m.mine ? 'You' : current.split('@')[0], time(m.time)];
    if (m.delayed) bits.push('delivered later');
    if (m.edited) bits.push('edited');
    if (m.mine) bits.push(m.delivered ? '✓✓ Delivered' : '✓ Sent');
    meta.textContent = bits.join(' · ');
    li.append(body, meta);
    return li;
  }));
  ol.scrollTop = keepScroll ? ol.scrollHeight - fromBottom : ol.scrollHeight;
  $('typing').textContent = c.typing;
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
      if (m.replace && m.content !== undefined) c.corrections.set(m.replace, m);
    }
    for (const m of page.reverse()) {
      if (m.content === undefined || m.replace) continue; // receipts, chat states, corrections
      const mine = bare(m.from) === me;
      const fix = c.corrections.get(m.id);
      const shown = fix || m;
      upsert(peer, {
        id: m.id, text: shown.content, html: shown.format === 'xhtml' ? shown.content : undefined, mine,
        time: m.delay.when, delivered: mine, edited: Boolean(fix),
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
  current = peer;
  const c = conv(peer);
  c.unread = 0;
  $('peer-title').textContent = peer;
  $('composer').hidden = false;
  renderList();
  renderMessages();
  if (!c.loaded) { c.loaded = true; loadHistory(peer); }
  $('text').focus();
}

$('messages').addEventListener('scroll', () => {
  if (current && $('messages').scrollTop === 0) loadHistory(current);
});

// ---- the SDK's events

socket.on('xmpp.connection', (data) => {
  if (data.status === 'online') {
    me = bare(data.jid);
    $('bound-jid').textContent = full(data.jid);
    $('login-view').hidden = true;
    $('chat-view').hidden = false;
    banner('');
    if (data.resumed === undefined) socket.send('xmpp.presence', {}); // initial presence: deliver offline messages
    $('peer').focus();
  } else if (data.status === 'reconnecting') {
    banner('Connection lost. Reconnecting… (messages you send now will go out when it is back)');
  } else if (data.status === 'offline') {
    $('chat-view').hidden = true;
    $('login-view').hidden = false;
    conversations.clear();
    current = null;
    status('Not connected.');
  }
});
socket.on('xmpp.error', (e) => {
  if ($('chat-view').hidden) status(explain(e), true); else banner(explain(e), true);
});
socket.on('xmpp.error.client', (e) => banner(explain(e), true));

socket.on('xmpp.chat.message', (m) => {
  const sent = m.carbon === 'sent';
  const peer = sent ? bare(m.to) : bare(m.from);
  const c = conv(peer);
  if (m.state && !sent) {
    c.typing = m.state === 'composing' ? `${peer.split('@')[0]} is typing…` : '';
    if (peer === current) $('typing').textContent = c.typing;
  }
  if (m.content === undefined) return;
  if (!sent) c.typing = '';
  upsert(peer, {
    id: m.id, text: m.content, html: m.format === 'xhtml' ? m.content : undefined, mine: sent,
    time: m.delay ? m.delay.when : new Date().toISOString(), delayed: Boolean(m.delay), replace: m.replace,
  });
  // XEP-0184: acknowledge what we received (receipts are the application's job in xmpp-ftw).
  if (m.receipt && m.id && !m.carbon) socket.send('xmpp.chat.receipt', { to: full(m.from), id: m.id });
});

socket.on('xmpp.chat.receipt', (r) => {
  const c = conv(bare(r.from));
  const msg = c.messages.get(r.id);
  if (msg) { msg.delivered = true; if (bare(r.from) === current) renderMessages(true); }
});

// ---- the page's controls

$('login').addEventListener('submit', (ev) => {
  ev.preventDefault();
  status('Connecting…');
  socket.send('xmpp.login', {
    jid: $('jid').value.trim(),
    password: $('password').value,
    register: $('register').checked,
    websocket: $('websocket').value.trim(),
  });
});
$('logout').addEventListener('click', () => socket.send('xmpp.logout', {}));
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
$('text').addEventListener('keydown', (ev) => {
  if (ev.key === 'ArrowUp' && !$('text').value) { ev.preventDefault(); editLast(); }
  if (ev.key === 'Escape') { editing = null; $('text').value = ''; $('send').textContent = 'Send'; }
});

function editLast() {
  if (!lastOwn || lastOwn.peer !== current) return;
  editing = lastOwn.id;
  $('text').value = lastOwn.text;
  $('send').textContent = 'Save edit';
  $('text').focus();
}
$('edit-last').addEventListener('click', editLast);

$('composer').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const text = $('text').value.trim();
  if (!text || !current) return;
  const peer = current;
  $('text').value = '';
  clearTimeout(typingTimer);
  composing = false;
  const payload = { to: peer, content: text, state: 'active', receipt: true };
  if (editing) payload.replace = editing;
  const replace = editing;
  editing = null;
  $('send').textContent = 'Send';
  try {
    const [{ id }] = await socket.request('xmpp.chat.message', payload);
    if (replace) upsert(peer, { id, text, mine: true, time: new Date().toISOString(), replace });
    else upsert(peer, { id, text, mine: true, time: new Date().toISOString() });
    if (replace) lastOwn = { id: replace, text, peer };
  } catch (e) {
    banner(explain(e), true);
  }
});
