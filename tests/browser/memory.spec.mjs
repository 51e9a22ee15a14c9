// Memory under load: 100,000 received messages that no handler keeps. JS heap and wasm linear
// memory must come back to within a few MiB of where they were after login.
import { test, expect } from '@playwright/test';

const PORT = Number(process.env.TEST_HTTP_PORT || 8089);

test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
      '--enable-precise-memory-info', '--js-flags=--expose-gc'],
  },
});

test('100,000 received messages: JS heap and wasm memory stay flat', async ({ page }) => {
  test.setTimeout(180_000);
  page.on('pageerror', (e) => { throw e; });
  await page.goto('/tests/browser/page.html');
  await page.waitForFunction(() => window.ready === true);
  const r = await page.evaluate(async (port) => {
    const MiB = 1024 * 1024;
    const measure = async () => {
      for (let i = 0; i < 3; i++) { gc(); await new Promise((res) => setTimeout(res, 50)); }
      return { heap: performance.memory.usedJSHeapSize / MiB, wasm: wasm.memory.buffer.byteLength / MiB };
    };
    const s = new XmppSocket();
    let count = 0, lastLen = 0;
    s.on('xmpp.chat.message', (m) => { count++; lastLen = m.content.length; });
    const N = 100000;
    await s.request('xmpp.login', { jid: 'alice@localhost', password: 'pw', websocket: `ws://127.0.0.1:${port}/scripted/flood?count=${N}&delay=500` });
    const before = await measure();
    const t0 = Date.now();
    while (count < N && Date.now() - t0 < 150000) await new Promise((res) => setTimeout(res, 100));
    const after = await measure();
    return { count, lastLen, before, after };
  }, PORT);
  test.info().annotations.push({ type: 'memory (MiB)', description: JSON.stringify(r) });
  console.log('memory (MiB):', JSON.stringify(r));
  expect(r.count).toBe(100000);
  expect(r.lastLen).toBeGreaterThan(150);
  expect(r.after.heap - r.before.heap).toBeLessThan(4);
  expect(r.after.wasm - r.before.wasm).toBeLessThan(4);
});
