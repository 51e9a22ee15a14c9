// The packed npm tarball installed into a fresh Vite app and built (scripts/vite-app.sh), run in
// Chromium against Prosody: login, send, receive.
import { test, expect } from '@playwright/test';
import fs from 'node:fs';

const WS = process.env.XMPP_WS_URL || 'ws://127.0.0.1:5280/xmpp-websocket';

test('the npm tarball works in a Vite build: login, send, receive', async ({ page }) => {
  expect(fs.existsSync(new URL('../../.work/vite-app/dist/index.html', import.meta.url)), 'run scripts/vite-app.sh first').toBe(true);
  page.on('pageerror', (e) => { throw e; });
  const q = new URLSearchParams({ ws: WS, a: 'alice@localhost', b: 'bob@localhost', p: 'password' });
  await page.goto(`/.work/vite-app/dist/index.html?${q}`);
  await expect(page.locator('#status')).toHaveText('ready');
  await expect(page.locator('#log')).toContainText('alice online as alice@localhost');
  await expect(page.locator('#log')).toContainText('bob got "hello from vite" from alice');
});
