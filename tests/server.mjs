// Static file server for the browser tests and the demo, on loopback only, plus:
//   /.well-known/host-meta.json, /.well-known/host-meta   XEP-0156 documents pointing at XMPP_WS_URL
//   ws://.../scripted/<scenario>                          scripted RFC 7395 servers for fault cases
//   ws://.../proxy                                        a fault-injecting WebSocket proxy to XMPP_WS_URL
//   /proxy-control?cuts=on&min=200&max=600 | cuts=off      starts/stops its random connection cuts;
//                                                          &mode=drop: the server's side is left
//                                                          open and silent (a dropped network),
//                                                          not closed
//   /proxy-control?down=on | down=off                      cuts every connection and refuses new ones
//                                                          (a network that is gone) / lets them in again
//   /upload-proxy?to=<url>&cut=<bytes>&rate=<bytes/s>       forwards an HTTP upload (XEP-0363 PUT) to `to`,
//                                                          reading the body at `rate`; with `cut`, both
//                                                          connections are cut once that many bytes passed
//   /upload-proxy-stats                                    {forwarded, cuts: [bytes passed at each cut]}
//   /track/<name> | /track-count/<name>                    a 1×1 picture / how many times it was fetched
// Usage: node tests/server.mjs [port] [--demo]   (env XMPP_WS_URL, default ws://127.0.0.1:5280/xmpp-websocket)
// --demo: the demo's server (scripts/demo.sh): only the page (www/) and the package (pkg/), `/`
// leading to the page, nothing else of the repository (not the demo Prosody's data under .work/),
// no proxy and no scripted servers.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { WebSocket, WebSocketServer } from 'ws';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.argv[2] || process.env.PORT || 8089);
const demo = process.argv.includes('--demo');

/// In demo mode, whether a path is one of the page's or the package's files (no dotfiles).
function demoPath(pathname) {
  const parts = pathname.split('/').slice(1);
  return (parts[0] === 'www' || parts[0] === 'pkg') && !parts.some((p) => p.startsWith('.'));
}
const wsUrl = process.env.XMPP_WS_URL || 'ws://127.0.0.1:5280/xmpp-websocket';
const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json', '.png': 'image/png',
  '.svg': 'image/svg+xml', '.ts': 'text/plain',
};

/// What the upload proxy did: uploads forwarded, cuts and how many bytes had passed at each.
const uploadStats = { forwarded: 0, cuts: [] };
/// How many times each /track/<name> picture was fetched.
const trackHits = new Map();

/// Forwards an upload to `to` (loopback only), slowly, and cuts it after `cut` bytes if asked.
function uploadProxy(req, res, params) {
  let to;
  try { to = new URL(params.get('to')); } catch { res.writeHead(400); return res.end(); }
  if (to.hostname !== '127.0.0.1' || to.protocol !== 'http:') { res.writeHead(403); return res.end(); }
  const cut = Number(params.get('cut') || 0);
  const rate = Number(params.get('rate') || 1e9);
  uploadStats.forwarded++;
  const up = http.request(to, { method: req.method, headers: { ...req.headers, host: to.host } }, (r) => {
    res.writeHead(r.statusCode, r.headers);
    r.pipe(res);
  });
  up.on('error', () => res.destroy());
  let passed = 0;
  const started = Date.now();
  req.on('data', (chunk) => {
    passed += chunk.length;
    if (cut && passed >= cut) {
      uploadStats.cuts.push(passed);
      req.socket.destroy();
      up.destroy();
      return;
    }
    up.write(chunk);
    // read no faster than `rate`
    const due = started + (passed / rate) * 1000 - Date.now();
    if (due > 0) { req.pause(); setTimeout(() => req.resume(), due); }
  });
  req.on('end', () => up.end());
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (demo) {
    if (url.pathname === '/') {
      res.writeHead(302, { location: `/www/${url.search}` });
      return res.end();
    }
    let pathname;
    try { pathname = decodeURIComponent(url.pathname); } catch { pathname = ''; }
    if (!demoPath(pathname)) { res.writeHead(404); return res.end('not found'); }
  }
  if (url.pathname === '/.well-known/host-meta.json') {
    res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
    return res.end(JSON.stringify({ links: [{ rel: 'urn:xmpp:alt-connections:websocket', href: wsUrl }] }));
  }
  if (url.pathname === '/.well-known/host-meta') {
    res.writeHead(200, { 'content-type': 'application/xrd+xml', 'access-control-allow-origin': '*' });
    return res.end(`<?xml version='1.0' encoding='utf-8'?><XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>` +
      `<Link rel="urn:xmpp:alt-connections:websocket" href="${wsUrl}"/></XRD>`);
  }
  // /track/<name>: a remote picture a stranger's message points at; /track-count/<name> says how
  // many times it was fetched (the demo must not fetch it by itself)
  const tracked = /^\/track(-count)?\/(\w+)$/.exec(url.pathname);
  if (tracked && !demo) {
    if (tracked[1]) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ hits: trackHits.get(tracked[2]) || 0 }));
    }
    trackHits.set(tracked[2], (trackHits.get(tracked[2]) || 0) + 1);
    res.writeHead(200, { 'content-type': 'image/gif', 'cache-control': 'no-store' });
    return res.end(Buffer.from('R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==', 'base64'));
  }
  if (url.pathname === '/upload-proxy' && !demo) return uploadProxy(req, res, url.searchParams);
  if (url.pathname === '/upload-proxy-stats' && !demo) {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify(uploadStats));
  }
  if (url.pathname === '/proxy-control' && url.searchParams.has('down')) {
    proxy.down = url.searchParams.get('down') === 'on';
    if (proxy.down) for (const pair of [...proxy.pairs]) { proxy.cuts++; pair.client.terminate(); pair.upstream.terminate(); }
    res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
    return res.end(JSON.stringify({ down: proxy.down, cuts: proxy.cuts }));
  }
  if (url.pathname === '/proxy-control') {
    const on = url.searchParams.get('cuts') === 'on';
    proxy.cutMin = Number(url.searchParams.get('min') || 200);
    proxy.cutMax = Number(url.searchParams.get('max') || 600);
    proxy.cutMode = url.searchParams.get('mode') === 'drop' ? 'drop' : 'close';
    proxy.cutting = on;
    // Bounded: cutting stops by itself after two minutes even if nobody turns it off.
    clearTimeout(proxy.safety);
    if (on) proxy.safety = setTimeout(() => { proxy.cutting = false; }, 120000).unref();
    for (const pair of proxy.pairs) if (on) scheduleCut(pair);
    res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
    return res.end(JSON.stringify({ cutting: proxy.cutting, cuts: proxy.cuts, connections: proxy.connections }));
  }
  let file = path.normalize(path.join(root, decodeURIComponent(url.pathname)));
  if (!file.startsWith(root)) { res.writeHead(403); return res.end(); }
  if (file.endsWith(path.sep)) file = path.join(file, 'index.html');
  serveStatic(req, res, file);
});

// Static files as a production server would send them (README, "Serving the package"): the
// precompressed `<file>.br` / `<file>.gz` next to a file when the browser accepts it (the build
// writes them: brotli 11, gzip 9), else gzip on the fly for text and wasm; an ETag and
// `cache-control: no-cache`, so a repeat visit revalidates (304) and keeps the browser's cache,
// including its compiled wasm.
const compressedOnTheFly = new Map();
function serveStatic(req, res, file) {
  fs.stat(file, (err, st) => {
    if (err || !st.isFile()) { res.writeHead(404); return res.end('not found'); }
    const etag = `"${st.size.toString(36)}-${Math.floor(st.mtimeMs).toString(36)}"`;
    const type = types[path.extname(file)] || 'application/octet-stream';
    const accepts = String(req.headers['accept-encoding'] || '');
    const fresh = (f) => { try { return fs.statSync(f).mtimeMs >= st.mtimeMs; } catch { return false; } };
    let encoding = null, body = null, tag = etag;
    if (/\bbr\b/.test(accepts) && fresh(`${file}.br`)) { encoding = 'br'; body = fs.readFileSync(`${file}.br`); }
    else if (/\bgzip\b/.test(accepts) && fresh(`${file}.gz`)) { encoding = 'gzip'; body = fs.readFileSync(`${file}.gz`); }
    else if (/\bgzip\b/.test(accepts) && /text|javascript|wasm|json|xml/.test(type)) {
      const key = `${file}:${etag}`;
      if (!compressedOnTheFly.has(key)) compressedOnTheFly.set(key, zlib.gzipSync(fs.readFileSync(file), { level: 6 }));
      encoding = 'gzip'; body = compressedOnTheFly.get(key);
    }
    if (encoding) tag = `${etag.slice(0, -1)}-${encoding}"`;
    const headers = { 'content-type': type, 'cache-control': 'no-cache', etag: tag, vary: 'accept-encoding' };
    if (req.headers['if-none-match'] === tag) { res.writeHead(304, headers); return res.end(); }
    if (encoding) headers['content-encoding'] = encoding;
    res.writeHead(200, headers);
    res.end(body || fs.readFileSync(file));
  });
}

const FRAMING = 'urn:ietf:params:xml:ns:xmpp-framing';
const open = `<open xmlns="${FRAMING}" from="localhost" id="s1" version="1.0"/>`;
const features = `<stream:features xmlns:stream="http://etherx.jabber.org/streams"><mechanisms xmlns="urn:ietf:params:xml:ns:xmpp-sasl"><mechanism>PLAIN</mechanism></mechanisms></stream:features>`;
const bindFeatures = `<stream:features xmlns:stream="http://etherx.jabber.org/streams"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/></stream:features>`;

// Logs any client in (PLAIN, no checks) and calls `then(ws)` once it is bound.
function loginThen(ws, frame, then) {
  if (frame.startsWith('<open')) ws.send(open), ws.send(ws.authed ? bindFeatures : features);
  else if (frame.startsWith('<auth')) ws.authed = true, ws.send('<success xmlns="urn:ietf:params:xml:ns:xmpp-sasl"/>');
  else if (frame.startsWith('<close')) ws.send(`<close xmlns="${FRAMING}"/>`), ws.close();
  else if (frame.includes('xmpp-bind')) {
    const id = /id=["']([^"']+)["']/.exec(frame)[1];
    ws.send(`<iq xmlns="jabber:client" type="result" id="${id}"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><jid>alice@localhost/x</jid></bind></iq>`);
    then(ws);
  } else if (/^<iq\b/.test(frame) && /type=["'](get|set)["']/.test(frame)) {
    // Whatever else a library asks (roster, carbons, session, disco): an empty result.
    const id = /id=["']([^"']+)["']/.exec(frame)[1];
    ws.send(`<iq xmlns="jabber:client" type="result" id="${id}"/>`);
  }
}

// A chat message of about 200 bytes of body, as in the benchmark issue.
export const floodMessage = (i) => `<message xmlns="jabber:client" from="bob@localhost/phone" to="alice@localhost/x" type="chat" id="m${i}">` +
  `<body>${('message ' + i + ' ').padEnd(200, 'lorem ipsum dolor sit amet ')}</body>` +
  `<request xmlns="urn:xmpp:receipts"/><delay xmlns="urn:xmpp:delay" stamp="2026-11-25T10:00:00Z"/>` +
  `<stanza-id xmlns="urn:xmpp:sid:0" by="alice@localhost" id="s${i}"/></message>`;

// Sends `?count=N` flood messages after `?delay=` ms, in bursts that keep the event loop free.
function startFlood(ws) {
  const n = Number(ws.params.get('count') || 1000);
  let i = 0;
  const burst = () => {
    for (let k = 0; k < 1000 && i < n; k++, i++) ws.send(floodMessage(i));
    if (i < n) setImmediate(burst);
  };
  setTimeout(burst, Number(ws.params.get('delay') || 50));
}

// Each scenario answers the client's frames; `garbage` goes online, then sends a stanza that is
// not well-formed XML (skipped) and a frame of the server's own that is not (the end); `flood` goes online, then sends `?count=N` chat messages as fast as it can.
const scenarios = {
  // goes online, then closes the WebSocket with the close code `?code=N` (RFC 6455 §7.1.5)
  close(ws, frame) {
    loginThen(ws, frame, () => setTimeout(() => ws.close(Number(ws.params.get('code') || 4000), 'test'), 50));
  },
  flood(ws, frame) {
    loginThen(ws, frame, () => startFlood(ws));
  },
  garbage(ws, frame) {
    if (frame.startsWith('<open')) ws.send(open), ws.send(ws.authed ? bindFeatures : features);
    else if (frame.startsWith('<auth')) ws.authed = true, ws.send('<success xmlns="urn:ietf:params:xml:ns:xmpp-sasl"/>');
    else if (frame.includes('xmpp-bind')) {
      const id = /id=["']([^"']+)["']/.exec(frame)[1];
      ws.send(`<iq xmlns="jabber:client" type="result" id="${id}"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><jid>alice@localhost/x</jid></bind></iq>`);
      setTimeout(() => ws.send('<message xmlns="jabber:client"><body>unclosed'), 50);
      setTimeout(() => ws.send('<stream:features xmlns:stream="http://etherx.jabber.org/streams"><unclosed'), 100);
    } else if (frame.includes('xmpp-streams')) ws.gotStreamError = frame;
  },
};
// The fault-injecting proxy: every client connection is piped to its own upstream connection;
// while cutting is on, each pair is torn down abruptly (no close handshake, like a dropped
// mobile network) after a random 'min'..'max' ms.
const proxy = { down: false, cutting: false, cutMode: 'close', cutMin: 200, cutMax: 600, cuts: 0, connections: 0, pairs: new Set(), safety: null };
function scheduleCut(pair) {
  clearTimeout(pair.timer);
  if (!proxy.cutting || pair.dropped) return;
  const wait = proxy.cutMin + Math.random() * (proxy.cutMax - proxy.cutMin);
  pair.timer = setTimeout(() => {
    if (!proxy.cutting) return;
    proxy.cuts++;
    if (proxy.cutMode === 'drop') {
      // The network goes away under the client: its side dies at once, the server's side
      // hears nothing more (what the server writes goes nowhere) until the server closes it
      // (a resumption replaces it) or a minute has passed.
      pair.dropped = true;
      pair.client.terminate();
      setTimeout(() => pair.upstream.terminate(), 60000).unref();
    } else {
      pair.client.terminate();
      pair.upstream.terminate();
    }
  }, wait);
  pair.timer.unref();
}
// PROXY_LOG=<file>: every frame through the proxy, one JSON line each ({t, pair, dir, frame,
// passed}), to compare a failing run's frames with the XEP-0198 rules.
const proxyLog = process.env.PROXY_LOG ? fs.createWriteStream(process.env.PROXY_LOG, { flags: 'a' }) : null;
const logFrame = (pair, dir, frame, passed) => {
  if (proxyLog) proxyLog.write(JSON.stringify({ t: Date.now(), pair: pair.n, dir, frame, passed }) + '\n');
};
function startProxy(client) {
  proxy.connections++;
  const upstream = new WebSocket(wsUrl, 'xmpp');
  const pair = { client, upstream, timer: null, pending: [], n: proxy.connections };
  proxy.pairs.add(pair);
  const end = () => { logFrame(pair, 'end', '', true); clearTimeout(pair.timer); proxy.pairs.delete(pair); client.terminate(); upstream.terminate(); };
  upstream.on('open', () => { for (const m of pair.pending) upstream.send(m); pair.pending = []; });
  upstream.on('message', (d) => {
    const open = client.readyState === WebSocket.OPEN && !pair.dropped;
    logFrame(pair, 'in', d.toString(), open);
    if (open) client.send(d.toString());
  });
  client.on('message', (d) => {
    const m = d.toString();
    logFrame(pair, 'out', m, true);
    if (upstream.readyState === WebSocket.OPEN) upstream.send(m); else pair.pending.push(m);
  });
  upstream.on('close', end); upstream.on('error', end);
  const clientEnd = () => { if (pair.dropped) clearTimeout(pair.timer); else end(); };
  client.on('close', clientEnd); client.on('error', clientEnd);
  scheduleCut(pair);
}

const wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => (p.has('xmpp') ? 'xmpp' : false) });
server.on('upgrade', (req, sock, head) => {
  if (demo) return sock.destroy();
  if (new URL(req.url, 'http://localhost').pathname === '/proxy') {
    if (proxy.down) return sock.destroy();
    return wss.handleUpgrade(req, sock, head, startProxy);
  }
  const u = new URL(req.url, 'http://localhost');
  const m = /^\/scripted\/(\w+)$/.exec(u.pathname);
  if (!m || !scenarios[m[1]]) return sock.destroy();
  wss.handleUpgrade(req, sock, head, (ws) => {
    ws.params = u.searchParams;
    // `?raw=1`: no XMPP at all, the flood starts at once (the benchmark's ceiling).
    if (m[1] === 'flood' && u.searchParams.get('raw')) startFlood(ws);
    ws.on('message', (d) => scenarios[m[1]](ws, d.toString()));
    setTimeout(() => ws.terminate(), 120000).unref();
  });
});

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  server.listen(port, '127.0.0.1', () => console.log(`serving ${root} on http://127.0.0.1:${port}/`));
}
