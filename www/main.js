// The demo page: logs in with the SDK and shows the bound JID. Everything from the network is
// shown with textContent, never as markup.
import init, { XmppSocket } from '../pkg/xmpp_ftw_wasm.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
$('websocket').value = params.get('ws') || 'ws://127.0.0.1:5280/xmpp-websocket';

const status = (text, isError = false) => {
  $('status').textContent = text;
  $('status').classList.toggle('error', isError);
};

// Errors in plain words (api-decisions.md §2-§3 conditions).
const explain = (e) => ({
  'login-fail': 'Wrong JID or password.',
  'registration-fail': 'That account could not be created (it may already exist).',
  'insecure-transport': 'The server only accepts plain-text passwords, which this page refuses without TLS.',
  'discovery-failed': 'No XMPP WebSocket endpoint was found for that domain.',
  'disconnected': 'The connection to the server was lost.',
  'timeout': 'The server did not answer in time.',
  'client-error': e.description,
}[e.condition] || e.description || e.condition);

await init();
const socket = new XmppSocket();
window.socket = socket;

socket.on('xmpp.connection', (data) => {
  if (data.status === 'online') {
    const { user, domain, resource } = data.jid;
    $('bound-jid').textContent = `${user}@${domain}/${resource}`;
    $('session').hidden = false;
    $('login').hidden = true;
    status('Online.');
    socket.send('xmpp.presence', {});
    $('logout').focus();
  } else if (data.status === 'offline') {
    $('session').hidden = true;
    $('login').hidden = false;
    status('Not connected.');
  }
});
socket.on('xmpp.error', (e) => status(explain(e), true));

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
