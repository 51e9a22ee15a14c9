// Files (docs/decisions.md §12) on the real servers: XEP-0363 upload through the server's own
// service (Prosody's mod_http_file_share, ejabberd's mod_http_upload), the link as a XEP-0066
// message; the bytes fetched back are the bytes sent; progress rises to the total; a file over
// the limit never leaves the page; cancel stops the PUT; a network cut during the PUT is retried
// (the PUTs go through the test server's proxy, which slows them down and cuts them).
import { test, expect } from '@playwright/test';

const WS = process.env.XMPP_WS_URL || 'ws://127.0.0.1:5280/xmpp-websocket';
const SERVER = process.env.XMPP_SERVER || 'prosody';
// the test servers' scripts: 16 MiB per file
const LIMIT = 16 * 1024 * 1024;

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => { throw e; });
  await page.goto('/tests/browser/page.html');
  await page.waitForFunction(() => window.ready === true);
  // available, so that chat messages reach these sessions (RFC 6121 §8.5.3)
  await page.evaluate(() => {
    window.online = async (...sockets) => {
      for (const s of sockets) s.send('xmpp.presence', {});
      await new Promise((res) => setTimeout(res, 300));
    };
  });
});

/** Watches the page's PUT requests: started, finished, failed. */
function watchPuts(page) {
  const puts = { started: 0, finished: 0, failed: 0 };
  page.on('request', (r) => { if (r.method() === 'PUT') puts.started++; });
  page.on('requestfinished', (r) => { if (r.method() === 'PUT') puts.finished++; });
  page.on('requestfailed', (r) => { if (r.method() === 'PUT') puts.failed++; });
  return puts;
}

test(`a text file and a picture go from alice to bob, byte for byte, on ${SERVER}`, async ({ page }) => {
  const puts = watchPuts(page);
  const r = await page.evaluate(async (ws) => {
    const alice = await fresh(ws, 'alice'), bob = await fresh(ws, 'bob');
    await online(alice, bob);
    const sha = async (buf) => Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', buf)));
    const text = new Blob(['lorem ipsum dolor sit amet '.repeat(3800)], { type: 'text/plain' }); // ~100 KB
    const bytes = new Uint8Array(2 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
    bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]); // a PNG signature
    const picture = new File([bytes], 'holiday photo.png', { type: 'image/png' });
    const out = [];
    for (const [file, extra] of [[text, { name: 'notes.txt' }], [picture, { content: 'the beach' }]]) {
      const [sent] = await alice.request('xmpp.chat.file', { to: bob.jid, file, ...extra });
      const got = await bob.waitFor('xmpp.chat.message', (m) => m.id === sent.id);
      const fetched = await (await fetch(got.oob.url)).arrayBuffer();
      const progress = alice.events.filter(([n, p]) => n === 'xmpp.chat.file.progress' && p.id === sent.id).map(([, p]) => p);
      out.push({
        sent, got, progress, size: file.size,
        same: JSON.stringify(await sha(fetched)) === JSON.stringify(await sha(await file.arrayBuffer())),
      });
    }
    return out;
  }, WS);
  for (const f of r) {
    expect(f.got.oob.url).toBe(f.sent.url);
    expect(f.got.content).toBe(f.sent.url);
    expect(f.same).toBe(true);
    expect(f.progress[0]).toEqual({ id: f.sent.id, loaded: 0, total: f.size });
    expect(f.progress.at(-1)).toEqual({ id: f.sent.id, loaded: f.size, total: f.size });
    for (let i = 1; i < f.progress.length; i++) expect(f.progress[i].loaded).toBeGreaterThanOrEqual(f.progress[i - 1].loaded);
  }
  expect(r[0].sent.url).toContain('notes.txt');
  expect(r[1].got.oob.desc).toBe('the beach');
  expect(puts).toEqual({ started: 2, finished: 2, failed: 0 });
});

test(`a file over the server's limit is refused before any byte moves on ${SERVER}`, async ({ page }) => {
  const puts = watchPuts(page);
  const r = await page.evaluate(async ({ ws, limit }) => {
    const alice = await fresh(ws, 'alice');
    const big = new Blob([new Uint8Array(limit + 1)]);
    const err = await alice.request('xmpp.chat.file', { to: 'bob@localhost', file: big }).then(() => null, (e) => e);
    const progress = alice.events.filter(([n]) => n === 'xmpp.chat.file.progress').map(([, p]) => p.loaded);
    return { err, progress };
  }, { ws: WS, limit: LIMIT });
  expect(r.err).toMatchObject({ type: 'modify', condition: 'not-acceptable', max: LIMIT });
  expect(r.err.description).toContain(String(LIMIT));
  expect(r.progress).toEqual([0]);
  expect(puts.started).toBe(0);
});

/** Sends the page's PUTs through the test server's upload proxy, which reads them at `rate`
 * bytes/s; the first `cuts` of them are cut after `cutAt` bytes, as a network failure would. */
async function slowUploads(page, { rate = 512 * 1024, cuts = 0, cutAt = 0 } = {}) {
  let cutsLeft = cuts;
  await page.route('**/*', (route) => {
    const r = route.request();
    if (r.method() !== 'PUT') return route.fallback();
    const cut = cutsLeft-- > 0 ? `&cut=${cutAt}` : '';
    const via = new URL('/upload-proxy', page.url());
    return route.continue({ url: `${via}?to=${encodeURIComponent(r.url())}&rate=${rate}${cut}` });
  });
}

test(`cancel stops the PUT and nothing is sent on ${SERVER}`, async ({ page }) => {
  const puts = watchPuts(page);
  await slowUploads(page);
  const r = await page.evaluate(async (ws) => {
    const alice = await fresh(ws, 'alice'), bob = await fresh(ws, 'bob');
    await online(alice, bob);
    const file = new Blob([new Uint8Array(2 * 1024 * 1024)], { type: 'application/octet-stream' });
    const id = 'cancel-' + Date.now();
    const upload = alice.request('xmpp.chat.file', { to: bob.jid, file, id }).then(() => null, (e) => e);
    await alice.waitFor('xmpp.chat.file.progress', (p) => p.id === id && p.loaded > 0);
    const [cancelled] = await alice.request('xmpp.chat.file.cancel', { id });
    const err = await upload;
    await new Promise((res) => setTimeout(res, 1000));
    const atBob = bob.events.filter(([n]) => n === 'xmpp.chat.message').length;
    return { cancelled, err, atBob };
  }, WS);
  expect(r.cancelled).toBe(true);
  expect(r.err).toMatchObject({ type: 'cancel', condition: 'cancelled' });
  expect(r.atBob).toBe(0);
  expect(puts).toMatchObject({ started: 1, finished: 0, failed: 1 });
});

test(`a network cut during the PUT is retried and the file arrives once on ${SERVER}`, async ({ page }) => {
  const puts = watchPuts(page);
  await slowUploads(page, { cuts: 1, cutAt: 1024 * 1024 });
  const r = await page.evaluate(async (ws) => {
    const alice = await fresh(ws, 'alice'), bob = await fresh(ws, 'bob');
    await online(alice, bob);
    const bytes = new Uint8Array(2 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
    const file = new Blob([bytes]);
    const id = 'cut-' + Date.now();
    const [sent] = await alice.request('xmpp.chat.file', { to: bob.jid, file, id });
    const got = await bob.waitFor('xmpp.chat.message', (m) => m.id === id, 20000);
    const fetched = new Uint8Array(await (await fetch(got.oob.url)).arrayBuffer());
    const original = new Uint8Array(await file.arrayBuffer());
    await new Promise((res) => setTimeout(res, 500));
    const progress = alice.events.filter(([n, p]) => n === 'xmpp.chat.file.progress' && p.id === id).map(([, p]) => p.loaded);
    return {
      sent, got, progress, total: file.size,
      same: fetched.length === original.length && fetched.every((b, i) => b === original[i]),
      atBob: bob.events.filter(([n, m]) => n === 'xmpp.chat.message' && m.id === id).length,
    };
  }, WS);
  expect(r.got.oob.url).toBe(r.sent.url);
  expect(r.same).toBe(true);
  expect(r.atBob).toBe(1);
  expect(r.progress.at(-1)).toBe(r.total);
  for (let i = 1; i < r.progress.length; i++) expect(r.progress[i]).toBeGreaterThanOrEqual(r.progress[i - 1]);
  // the first PUT was cut after 1 MiB had passed (progress went beyond half), the second arrived
  // the first PUT was cut after 1 MiB of it had reached the proxy; the second one arrived
  expect(puts).toEqual({ started: 2, finished: 1, failed: 1 });
  const stats = await (await page.request.get('/upload-proxy-stats')).json();
  expect(stats.cuts.at(-1)).toBeGreaterThanOrEqual(1024 * 1024);
  expect(stats.cuts.at(-1)).toBeLessThan(r.total);
});
