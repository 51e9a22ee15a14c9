// The demo page, driven like a user: log in from the form and see the bound JID.
import { test, expect } from '@playwright/test';

const WS = process.env.XMPP_WS_URL || 'ws://127.0.0.1:5280/xmpp-websocket';

test('the demo logs in and shows the bound JID', async ({ page }, info) => {
  page.on('pageerror', (e) => { throw e; });
  await page.goto(`/www/?ws=${encodeURIComponent(WS)}`);
  await page.getByLabel('JID').fill('alice@localhost');
  await page.getByLabel('Password').fill('password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.locator('#bound-jid')).toHaveText(/^alice@localhost\/.+/);
  await expect(page.getByRole('status')).toHaveText('Online.');
  await page.screenshot({ path: info.outputPath('demo-online.png'), fullPage: true });
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('status')).toHaveText('Not connected.');
});

test('the demo explains a wrong password in plain words', async ({ page }) => {
  await page.goto(`/www/?ws=${encodeURIComponent(WS)}`);
  await page.getByLabel('JID').fill('alice@localhost');
  await page.getByLabel('Password').fill('not-the-password');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status')).toHaveText('Wrong JID or password.');
  await expect(page.locator('#session')).toBeHidden();
});
