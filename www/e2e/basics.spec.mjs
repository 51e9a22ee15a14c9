// The demo's everyday basics, driven like two people would (two browser contexts, new accounts,
// screenshots under test-results/): one's own status, a stranger marked as such with Add and
// Block, contacts' names in the labels, a confirmation before removing a contact, the header
// without the device's resource, the unread count in the tab's title kept across a reload, day
// separators, a multi-line composer, and "Edit last" on a phone.
import { test, expect } from '@playwright/test';

import { signUp, twoPeople, logIn } from './people.mjs';

const person = (list, jid) => list.locator(`#conversations button[data-peer="${jid}"]`);

test('status, a stranger with Add and Block, names in labels, removing a contact asks first', async ({ browser }, info) => {
  test.setTimeout(90_000);
  const { alice, bob, ctxA, ctxB, a, b } = await twoPeople(browser);
  await signUp(a, alice);
  await signUp(b, bob);
  // the header shows the address without this device's random resource
  await expect(a.locator('#bound-jid')).toHaveText(alice);
  await expect(a.locator('.topbar')).not.toContainText(`${alice}/`);

  // Bob adds Alice under a name of his own and writes to her.
  await b.locator('summary', { hasText: 'Add contact' }).click();
  await b.getByLabel('Contact address').fill(alice);
  await b.getByLabel('Name (optional)').fill('Alice L');
  await b.getByRole('button', { name: 'Add contact' }).click();
  await person(b, alice).click();
  await expect(b.locator('#peer-title')).toHaveText(`Alice L (${alice})`);
  await expect(b.locator('#stranger-note')).toBeHidden();
  await b.getByRole('textbox', { name: 'Message' }).fill("Hi, it's Bob");
  await b.getByRole('button', { name: 'Send' }).click();

  // To Alice, Bob is a stranger: said in the header, with Add and Block.
  await person(a, bob).click();
  await expect(a.locator('#messages')).toContainText("Hi, it's Bob");
  await expect(a.locator('#stranger-note')).toHaveText('Not in your contacts');
  await expect(a.getByRole('button', { name: 'Add to contacts' })).toBeVisible();
  await expect(a.getByRole('button', { name: 'Block' })).toBeVisible();
  await expect(a.getByRole('button', { name: 'Remove contact' })).toBeHidden();
  await expect(person(a, bob)).toContainText('not in your contacts');
  await a.screenshot({ path: info.outputPath('stranger.png'), fullPage: true });

  // She adds him and accepts his request: he is a contact now.
  await a.getByRole('button', { name: 'Add to contacts' }).click();
  await expect(a.locator('#stranger-note')).toBeHidden();
  await expect(a.getByRole('button', { name: 'Remove contact' })).toBeVisible();
  await a.getByRole('button', { name: `Accept ${bob}` }).click();

  // Alice sets her status: Bob sees it in the header of their conversation.
  await a.getByLabel('Your status', { exact: true }).selectOption('away');
  await a.getByLabel('Status text').fill('Lunch, back at two');
  await a.getByRole('button', { name: 'Set', exact: true }).click();
  await expect(b.locator('#peer-presence')).toHaveText('away: Lunch, back at two');
  await expect(person(b, alice).locator('.dot')).toHaveClass(/away/);
  await a.getByLabel('Your status', { exact: true }).selectOption('dnd'); // a change goes at once
  await expect(b.locator('#peer-presence')).toHaveText('busy: Lunch, back at two');

  // Her answer is labelled with the name Bob gave her, his with his address's user.
  await a.getByRole('textbox', { name: 'Message' }).fill('Hello Bob');
  await a.getByRole('button', { name: 'Send' }).click();
  await expect(b.locator('#messages li.theirs .meta')).toContainText('Alice L');
  await expect(a.locator('#messages li.theirs .meta')).toContainText(bob.split('@')[0]);
  await b.screenshot({ path: info.outputPath('status-and-names.png'), fullPage: true });

  // Removing a contact asks first: dismissed, nothing changes; accepted, he is a stranger again
  // and the header says so.
  a.once('dialog', (d) => d.dismiss());
  await a.getByRole('button', { name: 'Remove contact' }).click();
  await expect(a.getByRole('button', { name: 'Remove contact' })).toBeVisible();
  a.once('dialog', (d) => { expect(d.message()).toContain('Remove'); d.accept(); });
  await a.getByRole('button', { name: 'Remove contact' }).click();
  await expect(a.locator('#stranger-note')).toBeVisible();
  await expect(a.locator('#peer-title')).toHaveText(bob);
  await ctxA.close(); await ctxB.close();
});

test('unread in the tab title across a reload, day separators, several lines, Edit last on a phone', async ({ browser }, info) => {
  test.setTimeout(90_000);
  const { alice, bob, ctxA, ctxB, a, b } = await twoPeople(browser, { phone: true });
  // Alice's clock is Playwright's from the start (time runs; moved below to write "yesterday"):
  // swapping it in under a running page would leave the page's timers half real, half fake.
  await a.clock.install();
  await signUp(a, alice);
  await signUp(b, bob);
  await expect(a).toHaveTitle('xmpp-ftw-wasm chat');

  // Bob, on a phone, writes two lines in one message (Shift+Enter), then another message.
  await b.getByLabel('Start a conversation').fill(alice);
  await b.getByRole('button', { name: 'Open' }).click();
  const text = b.getByRole('textbox', { name: 'Message' });
  await text.pressSequentially('line one');
  await text.press('Shift+Enter');
  await text.pressSequentially('line two');
  await text.press('Enter');
  await expect(text).toHaveValue('');
  await text.fill('and a second message');
  await text.press('Enter');

  // Alice has not opened it: two unread, in the list and in the tab's title; a reload keeps them.
  await expect(a).toHaveTitle('(2) xmpp-ftw-wasm chat');
  await expect(person(a, bob)).toContainText('(2)');
  await logIn(a, alice);
  await expect(a).toHaveTitle('(2) xmpp-ftw-wasm chat');
  await expect(person(a, bob)).toContainText('(2)');
  await person(a, bob).click();
  await expect(a).toHaveTitle('xmpp-ftw-wasm chat');
  // the two lines stay two lines
  const first = a.locator('#messages li.theirs .body').first();
  await expect(first).toHaveText('line one\nline two');
  expect((await first.boundingBox()).height).toBeGreaterThan(30);

  // Day separators: a message Alice wrote yesterday (her clock says so), then one today.
  const now = Date.now();
  await a.clock.setSystemTime(new Date(now - 24 * 3600 * 1000));
  await a.getByRole('textbox', { name: 'Message' }).fill('written yesterday');
  await a.getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(a.locator('#messages li.mine')).toContainText('written yesterday');
  await a.clock.setSystemTime(new Date(now + 2000));
  await a.getByRole('textbox', { name: 'Message' }).fill('written today');
  await a.getByRole('textbox', { name: 'Message' }).press('Enter');
  // (opening the conversation again draws it all in order)
  await person(a, bob).click();
  await expect(a.locator('#messages li.day')).toHaveText(['Today', 'Yesterday', 'Today']);
  await a.screenshot({ path: info.outputPath('days.png'), fullPage: true });
  // past midnight the open conversation's separators say so, without being drawn again
  await a.clock.setSystemTime(new Date(now + 24 * 3600 * 1000 + 4000));
  await a.clock.runFor(61_000);
  const labels = await a.locator('#messages li.day').allTextContents();
  expect([labels[0], labels[2]]).toEqual(['Yesterday', 'Yesterday']);
  expect(['Today', 'Yesterday']).not.toContain(labels[1]);

  // On the phone, "Edit last" is there and corrects Bob's last message.
  const edit = b.getByRole('button', { name: 'Edit last' });
  await expect(edit).toBeVisible();
  await edit.click();
  await expect(text).toHaveValue('and a second message');
  await text.fill('and a second message, edited');
  await text.press('Enter');
  await expect(a.locator('#messages li.theirs').nth(1)).toContainText('and a second message, edited');
  await expect(a.locator('#messages li.theirs').nth(1)).toContainText('edited');
  await b.screenshot({ path: info.outputPath('phone.png'), fullPage: true });
  const width = await b.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390); // nothing in the header pushes the page sideways
  await ctxA.close(); await ctxB.close();
});
