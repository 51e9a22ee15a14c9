// The demo with 5,000 contacts, driven as a person would: the list is windowed (only the rows on
// screen are in the DOM), search finds a contact by name, a contact's presence or a click redraws
// that contact's row and nothing else, and typing in the composer does not touch the list.
// Structure is asserted, never time (the machines are shared): speed is the bench's
// (scripts/bench-roster.sh).
import { test, expect } from '@playwright/test';
import { bigRoster, canBuildBigRosters } from '../../tests/browser/big-roster.mjs';
import { signUp, logIn, twoPeople, WS } from './people.mjs';

const CONTACTS = 5_000;

test('5,000 contacts: a windowed list, search by name, one row per presence, typing leaves the list alone', async ({ browser }, info) => {
  test.skip(!canBuildBigRosters(), 'builds the account on the servers of scripts/test.sh (PROSODY_DIR, EJABBERD_DIR)');
  test.setTimeout(120_000);
  const { alice, bob, ctxA, ctxB, a, b } = await twoPeople(browser);
  await bigRoster(alice, CONTACTS, async (jid) => {
    await signUp(a, jid);
    await a.getByRole('button', { name: 'Log out' }).click();
    await expect(a.getByLabel('Password')).toHaveValue('');
  }, [[bob, 'Bob Example']]);
  await logIn(a, alice);
  const list = a.locator('#conversations');
  await expect(list.locator('li:not(.spacer)').first()).toHaveAttribute('aria-setsize', String(CONTACTS + 1));
  // windowed: a screenful of rows, not 5,001
  const rows = await list.locator('li:not(.spacer)').count();
  expect(rows).toBeGreaterThan(3);
  expect(rows).toBeLessThan(60);
  // scrolling to the end shows the last contacts (by name: Customer 04999 …)
  await list.evaluate((ul) => { ul.scrollTop = ul.scrollHeight; });
  await expect(list).toContainText('Customer 04999');
  expect(await list.locator('li:not(.spacer)').count()).toBeLessThan(60);
  // search by name
  await a.getByLabel('Search contacts').fill('Bob Exa');
  await expect(list.locator('li:not(.spacer)')).toHaveCount(1);
  await expect(list.locator(`button[data-peer="${bob}"]`)).toContainText('Bob Example');
  await expect(list.locator(`button[data-peer="${bob}"] .dot`)).toHaveClass(/offline/);
  await a.getByLabel('Search contacts').fill('');
  await expect(list.locator('li:not(.spacer)').first()).toHaveAttribute('aria-setsize', String(CONTACTS + 1));
  await a.getByLabel('Search contacts').fill('Bob Exa');
  // Bob comes online and tells Alice (a directed presence, RFC 6121 §4.6): her list redraws
  // his row only
  await a.evaluate(() => {
    window.listChanges = 0;
    new MutationObserver((ms) => { for (const m of ms) window.listChanges += m.addedNodes.length; })
      .observe(document.getElementById('conversations'), { childList: true, subtree: true });
  });
  const tester = await ctxB.newPage();
  await tester.goto('/tests/browser/page.html');
  await tester.waitForFunction(() => window.ready === true);
  await tester.evaluate(async ({ ws, bob, alice }) => {
    const s = track();
    await s.request('xmpp.login', { jid: bob, password: 'pw', register: true, resource: 'desk', websocket: ws });
    s.send('xmpp.presence', { to: alice, status: 'at my desk' });
  }, { ws: WS, bob, alice });
  await expect(list.locator(`button[data-peer="${bob}"] .dot`)).toHaveClass(/online/);
  expect(await a.evaluate(() => window.listChanges)).toBe(1);
  // opening Bob redraws his row only (nothing else was open), and typing does not touch the list
  await a.evaluate(() => { window.listChanges = 0; });
  await list.locator(`button[data-peer="${bob}"]`).click();
  await expect(list.locator(`button[data-peer="${bob}"]`)).toHaveAttribute('aria-current', 'true');
  expect(await a.evaluate(() => window.listChanges)).toBe(1);
  await a.evaluate(() => { window.listChanges = 0; });
  await a.getByRole('textbox', { name: 'Message' }).pressSequentially('hello there', { delay: 20 });
  expect(await a.evaluate(() => window.listChanges)).toBe(0);
  await a.screenshot({ path: info.outputPath('many-contacts.png'), fullPage: true });
  await ctxA.close(); await ctxB.close();
});
