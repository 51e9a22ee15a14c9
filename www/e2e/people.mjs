// What the demo's end-to-end tests share: people with new accounts, each in a browser context of
// their own, signing up or logging in through the demo's form.
import { expect } from '@playwright/test';

export const WS = process.env.XMPP_WS_URL || 'ws://127.0.0.1:5280/xmpp-websocket';
export const url = `/www/?ws=${encodeURIComponent(WS)}`;

export async function signUp(page, jid, at = url) {
  await page.goto(at);
  await page.getByLabel('JID').fill(jid);
  await page.getByLabel('Password').fill('pw');
  await page.getByLabel('Create this account').check();
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.locator('#bound-jid')).toHaveText(jid);
}

/** Two people with new account names, each in a browser context of their own (Bob's at phone
 * size with `phone`); an error in either page fails the test. */
export async function twoPeople(browser, { phone = false } = {}) {
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
  const alice = `alice-${tag}@localhost`, bob = `bob-${tag}@localhost`;
  const ctxA = await browser.newContext();
  const ctxB = await browser.newContext(phone ? { viewport: { width: 390, height: 844 } } : {});
  const a = await ctxA.newPage(), b = await ctxB.newPage();
  for (const p of [a, b]) p.on('pageerror', (e) => { throw e; });
  return { alice, bob, ctxA, ctxB, a, b };
}

/** Fills the login form at `at` and submits it, as a person would (Enter). */
export async function submitLogin(page, jid, password = 'pw', at = url) {
  await page.goto(at);
  await page.getByLabel('JID').fill(jid);
  await page.getByLabel('Password').fill(password);
  await page.keyboard.press('Enter');
}

export async function logIn(page, jid) {
  await submitLogin(page, jid);
  await expect(page.locator('#bound-jid')).toHaveText(jid);
}
