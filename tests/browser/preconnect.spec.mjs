// `xmpp-ftw-wasm/preconnect` (pkg/preconnect.js): the WebSocket opened while the .wasm downloads
// is the one the SDK logs in on, whether it is still connecting or already open; a socket to
// another URL, or one the server has closed, is not used and the SDK opens its own.
import { test, expect } from '@playwright/test';

const WS = process.env.XMPP_WS_URL || 'ws://127.0.0.1:5280/xmpp-websocket';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => { throw e; });
  await page.goto('/tests/browser/page.html');
  await page.waitForFunction(() => window.ready === true);
});

/** In the page: preconnects to `early`, waits `waitMs`, logs a fresh account in on `ws`. */
const login = async ({ ws, early, waitMs, closeEarly }) => {
  const { preconnect } = await import('/pkg/preconnect.js');
  const made = [];
  class Counted extends WebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      made.push(url);
      if (closeEarly && made.length === 1) this.addEventListener('open', () => this.close());
    }
  }
  const WebSocketCtor = preconnect(early, { WebSocket: Counted });
  await new Promise((res) => setTimeout(res, waitMs));
  const stateAtLogin = made.length;
  const s = track({ WebSocket: WebSocketCtor });
  const user = `pre-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const [online] = await s.request('xmpp.login', { jid: `${user}@localhost`, password: 'pw', register: true, websocket: ws });
  // a request and its answer: the socket in use carries stanzas both ways
  await s.request('xmpp.roster.get', {});
  await s.request('xmpp.logout', {});
  return { made: made.length, stateAtLogin, status: online.status };
};

test('the preconnected socket, already open, is the one the SDK logs in on', async ({ page }) => {
  const r = await page.evaluate(login, { ws: WS, early: WS, waitMs: 500 });
  expect(r).toEqual({ made: 1, stateAtLogin: 1, status: 'online' });
});

test('the preconnected socket, still connecting, is the one the SDK logs in on', async ({ page }) => {
  const r = await page.evaluate(login, { ws: WS, early: WS, waitMs: 0 });
  expect(r).toEqual({ made: 1, stateAtLogin: 1, status: 'online' });
});

test('a preconnected socket to another URL, or one closed meanwhile, is not used', async ({ page }) => {
  const other = await page.evaluate(login, { ws: WS, early: `${WS}?other`, waitMs: 200 });
  expect(other).toEqual({ made: 2, stateAtLogin: 1, status: 'online' });
  const closed = await page.evaluate(login, { ws: WS, early: WS, waitMs: 500, closeEarly: true });
  expect(closed).toEqual({ made: 2, stateAtLogin: 1, status: 'online' });
});
