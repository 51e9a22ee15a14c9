// The demo chat app, driven like two people would: two browser contexts, two new accounts,
// a conversation with receipts, typing, a correction, history after a reload, and screenshots
// at desktop and phone sizes (saved under test-results/, not committed).
import { test, expect } from '@playwright/test';

import { WS, signUp, twoPeople, logIn, submitLogin } from './people.mjs';

test('two people chat: receipts, typing, a correction, history after reload', async ({ browser }, info) => {
  test.setTimeout(90_000);
  const { alice, bob, ctxA, ctxB, a, b } = await twoPeople(browser, { phone: true });
  await signUp(a, alice);
  await signUp(b, bob);

  // Alice opens a conversation with Bob and writes.
  await a.getByLabel('Start a conversation').fill(bob);
  await a.getByRole('button', { name: 'Open' }).click();
  await expect(a.getByRole('heading', { name: bob })).toBeVisible();
  await a.getByRole('textbox', { name: 'Message' }).fill('Hello Bob, lunch at noon?');
  await a.getByRole('button', { name: 'Send' }).click();

  // Bob sees the conversation appear in his list, with one unread message, and opens it.
  await expect(b.getByRole('button', { name: `${alice} (1)` })).toBeVisible();
  await b.getByRole('button', { name: `${alice} (1)` }).click();
  await expect(b.locator('#messages')).toContainText('Hello Bob, lunch at noon?');

  // Alice sees the delivery receipt Bob's app sent.
  await expect(a.locator('#messages li.mine .meta')).toContainText(/✓✓ (Delivered|Read)/);

  // Bob types: Alice sees the typing indicator; Bob answers.
  await b.getByRole('textbox', { name: 'Message' }).pressSequentially('Sure');
  await expect(a.locator('#typing')).toHaveText(`${bob.split('@')[0]} is typing…`);
  await b.getByRole('textbox', { name: 'Message' }).fill('Sure, see you there!');
  await b.getByRole('button', { name: 'Send' }).click();
  await expect(a.locator('#messages')).toContainText('Sure, see you there!');
  await expect(a.locator('#typing')).toHaveText('');

  // Alice corrects her last message; Bob sees it edited.
  await a.getByRole('button', { name: 'Edit last' }).click();
  await expect(a.getByRole('textbox', { name: 'Message' })).toHaveValue('Hello Bob, lunch at noon?');
  await a.getByRole('textbox', { name: 'Message' }).fill('Hello Bob, lunch at one?');
  await a.getByRole('button', { name: 'Save edit' }).click();
  await expect(b.locator('#messages')).toContainText('Hello Bob, lunch at one?');
  await expect(b.locator('#messages')).toContainText('edited');
  await expect(b.locator('#messages')).not.toContainText('lunch at noon');

  await a.screenshot({ path: info.outputPath('demo-desktop.png'), fullPage: true });
  await b.screenshot({ path: info.outputPath('demo-phone.png'), fullPage: true });

  // Bob reloads: the history comes back from the archive (XEP-0313).
  await logIn(b, bob);
  await b.getByLabel('Start a conversation').fill(alice);
  await b.getByRole('button', { name: 'Open' }).click();
  await expect(b.locator('#messages')).toContainText('Hello Bob, lunch at one?');
  await expect(b.locator('#messages')).toContainText('Sure, see you there!');
  await expect(b.locator('#history-note')).toHaveText('Start of the conversation.');
  // the archive holds the original and its correction: one bubble, edited; no empty bubbles
  await expect(b.locator('#messages')).not.toContainText('lunch at noon');
  await expect(b.locator('#messages li:not(.day)')).toHaveCount(2);
  await expect(b.locator('#messages li:not(.day)').first()).toContainText('edited');
  await b.screenshot({ path: info.outputPath('demo-phone-history.png'), fullPage: true });
  await ctxA.close(); await ctxB.close();
});

test('messages sent while someone is offline arrive marked "delivered later"', async ({ browser }) => {
  const { alice, bob, ctxA, ctxB, a, b } = await twoPeople(browser);
  await signUp(b, bob);
  await b.getByRole('button', { name: 'Log out' }).click();
  await signUp(a, alice);
  await a.getByLabel('Start a conversation').fill(bob);
  await a.getByRole('button', { name: 'Open' }).click();
  await a.getByRole('textbox', { name: 'Message' }).fill('Ping me when you are back');
  await a.keyboard.press('Enter');
  await expect(a.locator('#messages li.mine')).toContainText('✓ Sent');
  await logIn(b, bob);
  await b.getByRole('button', { name: new RegExp(alice) }).click();
  await expect(b.locator('#messages li.theirs').first()).toContainText('Ping me when you are back');
  await expect(b.locator('#messages li.theirs').first()).toContainText('delivered later');
  await ctxA.close(); await ctxB.close();
});

test('history: the newest page on open, older pages on scroll-up', async ({ browser }) => {
  test.setTimeout(90_000);
  const { alice, bob, ctxA, ctxB, a, b } = await twoPeople(browser);
  await signUp(b, bob);
  await signUp(a, alice);
  // 45 messages: more than one page (30) of history.
  await a.evaluate(async (to) => {
    for (let i = 1; i <= 45; i++) await window.socket.request('xmpp.chat.message', { to, content: `note ${i}` });
  }, bob);
  await expect(b.getByRole('button', { name: `${alice} (45)` })).toBeVisible();
  await logIn(b, bob);
  await b.getByLabel('Start a conversation').fill(alice);
  await b.getByRole('button', { name: 'Open' }).click();
  await expect(b.locator('#history-note')).toHaveText('Scroll up for older messages.');
  await expect(b.locator('#messages li:not(.day)')).toHaveCount(30);
  await expect(b.locator('#messages li:not(.day)').last()).toContainText('note 45');
  await b.locator('#messages').evaluate((ol) => { ol.scrollTop = 0; });
  await expect(b.locator('#messages li:not(.day)')).toHaveCount(45);
  await expect(b.locator('#messages li:not(.day)').first()).toContainText('note 1');
  await expect(b.locator('#history-note')).toHaveText('Start of the conversation.');
  await ctxA.close(); await ctxB.close();
});

test('the demo says in plain words that it could not connect, and that an address needs its domain', async ({ page }, info) => {
  // nothing listens on port 1: the login never connects
  await submitLogin(page, 'alice@localhost', 'pw', `/www/?ws=${encodeURIComponent('ws://127.0.0.1:1/xmpp-websocket')}`);
  await expect(page.getByRole('status')).toHaveText('Could not connect to the server at ws://127.0.0.1:1/xmpp-websocket. Check the WebSocket URL and that the server is running.');
  await page.screenshot({ path: info.outputPath('demo-cannot-connect.png'), fullPage: true });
  await submitLogin(page, 'alice');
  await expect(page.getByRole('status')).toHaveText('Enter your full address, like alice@example.org.');
  await expect(page.locator('#chat-view')).toBeHidden();
});

test('the demo opens its WebSocket while it loads, and the login uses that one', async ({ page }) => {
  // every WebSocket the page makes, and when the person first pressed a key or clicked
  await page.addInitScript(() => {
    window.made = [];
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      constructor(...args) { super(...args); window.made.push(performance.now()); }
    };
    window.firstInput = Infinity;
    for (const type of ['keydown', 'mousedown']) {
      addEventListener(type, () => { window.firstInput = Math.min(window.firstInput, performance.now()); }, true);
    }
  });
  const jid = `pre-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}@localhost`;
  await signUp(page, jid);
  const { made, firstInput } = await page.evaluate(() => ({ made: window.made, firstInput: window.firstInput }));
  expect(made.length).toBe(1);
  expect(made[0]).toBeLessThan(firstInput);
});

test('the demo explains a wrong password in plain words', async ({ page }) => {
  await submitLogin(page, 'alice@localhost', 'not-the-password');
  await expect(page.getByRole('status')).toHaveText('Wrong JID or password.');
  await expect(page.locator('#chat-view')).toBeHidden();
});

test('contacts: alice adds bob, bob accepts, both see each other online, they chat, alice reloads', async ({ browser }, info) => {
  test.setTimeout(90_000);
  const { alice, bob, ctxA, ctxB, a, b } = await twoPeople(browser, { phone: true });
  await signUp(a, alice);
  await signUp(b, bob);
  // No conversation open: no composer, no "Edit last".
  await expect(a.getByRole('textbox', { name: 'Message' })).toBeHidden();
  await expect(a.getByRole('button', { name: 'Edit last' })).toBeHidden();

  // Alice adds Bob with a name.
  await a.locator('summary', { hasText: 'Add contact' }).click();
  await a.getByLabel('Contact address').fill(bob);
  await a.getByLabel('Name (optional)').fill('Bob');
  await a.getByRole('button', { name: 'Add contact' }).click();
  await expect(a.locator('#conversations')).toContainText(`Bob · ${bob}`);

  // Bob sees the request and accepts it.
  await expect(b.locator('#requests')).toContainText(`${alice} wants to add you as a contact.`);
  await b.getByRole('button', { name: `Accept ${alice}` }).click();
  await expect(b.locator('#requests')).toBeHidden();

  // Both see each other online.
  await expect(a.locator(`#conversations button[data-peer="${bob}"] .dot`)).toHaveClass(/online/);
  await expect(b.locator(`#conversations button[data-peer="${alice}"] .dot`)).toHaveClass(/online/);

  // They chat.
  await a.locator(`#conversations button[data-peer="${bob}"]`).click();
  await expect(a.locator('#peer-presence')).toHaveText('online');
  await a.getByRole('textbox', { name: 'Message' }).fill('Hi Bob, you are in my contacts now');
  await a.getByRole('button', { name: 'Send' }).click();
  await expect(b.getByRole('button', { name: `${alice} (1)` })).toBeVisible();
  await b.getByRole('button', { name: `${alice} (1)` }).click();
  await b.getByRole('textbox', { name: 'Message' }).fill('Great, see you around');
  await b.getByRole('button', { name: 'Send' }).click();
  await expect(a.locator('#messages')).toContainText('Great, see you around');
  await a.screenshot({ path: info.outputPath('contacts-desktop.png'), fullPage: true });
  await b.screenshot({ path: info.outputPath('contacts-phone.png'), fullPage: true });

  // Alice reloads and logs in: the conversation with Bob is back in her list with its last message.
  await logIn(a, alice);
  const item = a.locator(`#conversations button[data-peer="${bob}"]`);
  await expect(item).toContainText(`Bob · ${bob}`);
  await expect(item.locator('.preview')).toHaveText('Great, see you around');
  await expect(item.locator('.dot')).toHaveClass(/online/);
  await a.screenshot({ path: info.outputPath('contacts-after-reload.png'), fullPage: true });

  // Bob logs out: Alice sees him offline; then she removes him.
  await b.getByRole('button', { name: 'Log out' }).click();
  await expect(item.locator('.dot')).not.toHaveClass(/online/);
  await item.click();
  await expect(a.locator('#peer-presence')).toHaveText('offline');
  a.once('dialog', (d) => d.accept()); // "Remove Bob from your contacts?"
  await a.getByRole('button', { name: 'Remove contact' }).click();
  await expect(a.locator('#remove-contact')).toBeHidden();
  await expect(item).not.toContainText('Bob ·');
  await ctxA.close(); await ctxB.close();
});

test('a message written while the network is gone survives a reload: sending, then delivered, once', async ({ browser }, info) => {
  test.setTimeout(90_000);
  const port = Number(process.env.TEST_HTTP_PORT || 8089);
  const viaProxy = `/www/?ws=${encodeURIComponent(`ws://127.0.0.1:${port}/proxy`)}`;
  const { alice, bob, ctxA, ctxB, a, b } = await twoPeople(browser);
  try {
    // Alice's page talks to the server through the fault-injecting proxy.
    await signUp(a, alice, viaProxy);
    await signUp(b, bob);
    await a.getByLabel('Start a conversation').fill(bob);
    await a.getByRole('button', { name: 'Open' }).click();
    await a.getByRole('textbox', { name: 'Message' }).fill('before');
    await a.getByRole('button', { name: 'Send' }).click();
    await expect(a.locator('#messages li.mine .meta')).toContainText('✓✓ Delivered');

    // The network goes away; Alice writes anyway: "sending".
    await a.request.get('/proxy-control?down=on');
    await a.getByRole('textbox', { name: 'Message' }).fill('written offline');
    await a.getByRole('button', { name: 'Send' }).click();
    const offline = a.locator('#messages li.mine', { hasText: 'written offline' });
    await expect(offline.locator('.meta')).toContainText('… Sending');
    await a.screenshot({ path: info.outputPath('sending-before-reload.png'), fullPage: true });

    // She reloads; the network is back; she logs in again.
    await a.goto(viaProxy);
    await a.request.get('/proxy-control?down=off');
    await a.getByLabel('JID').fill(alice);
    await a.getByLabel('Password').fill('pw');
    await a.keyboard.press('Enter');
    await expect(a.locator('#bound-jid')).toHaveText(alice);
    await a.locator(`#conversations button[data-peer="${bob}"]`).click();
    const again = a.locator('#messages li.mine', { hasText: 'written offline' });
    await expect(again.locator('.meta')).toContainText('✓✓ Delivered');
    await a.screenshot({ path: info.outputPath('delivered-after-reload.png'), fullPage: true });

    // Bob has it once.
    await b.getByRole('button', { name: new RegExp(`^${alice}`) }).click();
    await expect(b.locator('#messages')).toContainText('written offline');
    await a.waitForTimeout(1000);
    await expect(b.locator('#messages li', { hasText: 'written offline' })).toHaveCount(1);
  } finally {
    await a.request.get('/proxy-control?down=off');
    await ctxA.close(); await ctxB.close();
  }
});

test('when the server ends the connection, the demo says why', async ({ browser }) => {
  const { alice, ctxA, ctxB, a } = await twoPeople(browser);
  await signUp(a, alice);
  // the header shows the bare address; the full JID (with this device's resource) is its tooltip
  const bound = (await a.locator('#bound-jid').getAttribute('title')) || '';
  const resource = bound.slice(bound.indexOf('/') + 1);
  // the same account and resource logs in elsewhere: the server ends this stream with
  // <conflict/> (RFC 6120 §4.9.3.3)
  await a.evaluate(async ({ jid, resource, ws }) => {
    const { XmppSocket } = await import('/pkg/xmpp_ftw_wasm.js');
    window.other = new XmppSocket();
    await window.other.request('xmpp.login', { jid, password: 'pw', resource, websocket: ws });
  }, { jid: alice, resource, ws: WS });
  await expect(a.locator('#status')).toHaveText('The server ended the connection (conflict).');
  await expect(a.locator('#login-view')).toBeVisible();
  await ctxA.close(); await ctxB.close();
});

test('replies, reactions, read ticks, delete for everyone, block, not delivered; the same after a reload', async ({ browser }, info) => {
  test.setTimeout(120_000);
  const { alice, bob, ctxA, ctxB, a, b } = await twoPeople(browser);
  for (const p of [a, b]) p.on('dialog', (d) => d.accept()); // "Delete for everyone?", "Block …?"
  await signUp(a, alice);
  await signUp(b, bob);
  // Bob's second device (XEP-0280 carbons keep it in step)
  const ctxB2 = await browser.newContext();
  const b2 = await ctxB2.newPage();
  b2.on('pageerror', (e) => { throw e; });
  await logIn(b2, bob);
  await a.getByLabel('Start a conversation').fill(bob);
  await a.getByRole('button', { name: 'Open' }).click();
  await a.getByRole('textbox', { name: 'Message' }).fill('Lunch at one?');
  await a.keyboard.press('Enter');
  await a.getByRole('textbox', { name: 'Message' }).fill('Or at two');
  await a.keyboard.press('Enter');

  // Bob opens the conversation: Alice's messages show "Read" (XEP-0333), and his other device's
  // unread count clears (his own marker comes back to it as a carbon)
  await expect(b2.getByRole('button', { name: `${alice} (2)` })).toBeVisible();
  await b.getByRole('button', { name: new RegExp(alice) }).click();
  await expect(b.locator('#messages li.theirs')).toHaveCount(2);
  await expect(a.locator('#messages li.mine .meta').last()).toContainText('✓✓ Read');
  await expect(b2.locator('#conversations button.unread')).toHaveCount(0);

  // Bob replies to the first message: the quote shows above his answer on both sides
  const first = b.locator('#messages li.theirs').first();
  await first.getByRole('button', { name: 'Reply' }).click();
  await expect(b.locator('#replying')).toContainText('Lunch at one?');
  await b.getByRole('textbox', { name: 'Message' }).fill('Yes, one is fine');
  await b.keyboard.press('Enter');
  await expect(b.locator('#replying')).toBeHidden();
  const answer = a.locator('#messages li.theirs').last();
  await expect(answer).toContainText('Yes, one is fine');
  await expect(answer.locator('blockquote')).toHaveText('Lunch at one?');

  // Bob reacts with 👍 and ❤️ to Alice's first message; Alice adds 👍 too: "👍 2"
  await first.getByRole('button', { name: 'React with 👍' }).click();
  await first.getByRole('button', { name: 'React with ❤️' }).click();
  const aFirst = a.locator('#messages li.mine').first();
  await expect(aFirst.locator('.reactions')).toHaveText('👍❤️');
  await aFirst.getByRole('button', { name: 'React with 👍' }).click();
  await expect(aFirst.locator('.reactions')).toHaveText('👍 2❤️');
  await expect(first.locator('.reactions')).toHaveText('👍 2❤️');
  // the second device shows the same: Bob's own reactions came to it as carbons
  await b2.getByRole('button', { name: new RegExp(alice) }).click();
  await expect(b2.locator('#messages li.theirs').first().locator('.reactions')).toHaveText('👍 2❤️');
  await ctxB2.close();

  // Alice takes her second message back: Bob sees "message deleted"
  const second = a.locator('#messages li.mine').nth(1);
  await second.getByRole('button', { name: 'Delete for everyone' }).click();
  await expect(second).toContainText('message deleted');
  await expect(b.locator('#messages li.theirs').nth(1)).toContainText('message deleted');
  await expect(b.locator('#messages')).not.toContainText('Or at two');
  await a.screenshot({ path: info.outputPath('demo-actions-alice.png'), fullPage: true });
  await b.screenshot({ path: info.outputPath('demo-actions-bob.png'), fullPage: true });

  // After a reload, the archive gives the same state: the reply, the reactions, the deletion
  await logIn(b, bob);
  await b.getByLabel('Start a conversation').fill(alice);
  await b.getByRole('button', { name: 'Open' }).click();
  await expect(b.locator('#history-note')).toHaveText('Start of the conversation.');
  await expect(b.locator('#messages li:not(.day)')).toHaveCount(3);
  await expect(b.locator('#messages li:not(.day)').first().locator('.reactions')).toHaveText('👍 2❤️');
  await expect(b.locator('#messages li:not(.day)').nth(1)).toContainText('message deleted');
  await expect(b.locator('#messages li:not(.day)').last().locator('blockquote')).toHaveText('Lunch at one?');
  await b.screenshot({ path: info.outputPath('demo-actions-bob-after-reload.png'), fullPage: true });

  // Bob blocks Alice: her next message does not reach him; unblocked, the next one does
  await b.getByRole('button', { name: 'Block' }).click();
  await expect(b.getByRole('button', { name: 'Unblock' })).toBeVisible();
  await a.getByRole('textbox', { name: 'Message' }).fill('while blocked');
  await a.keyboard.press('Enter');
  await expect(a.locator('#messages li.mine').last()).toContainText('Not delivered');
  await b.getByRole('button', { name: 'Unblock' }).click();
  await expect(b.getByRole('button', { name: 'Block' })).toBeVisible();
  await a.getByRole('textbox', { name: 'Message' }).fill('after unblock');
  await a.keyboard.press('Enter');
  await expect(b.locator('#messages')).toContainText('after unblock');
  await expect(b.locator('#messages')).not.toContainText('while blocked');

  // A message to an account that does not exist: "Not delivered"
  await a.getByLabel('Start a conversation').fill(`nobody-${Date.now()}@localhost`);
  await a.getByRole('button', { name: 'Open' }).click();
  await a.getByRole('textbox', { name: 'Message' }).fill('anyone there?');
  await a.keyboard.press('Enter');
  await expect(a.locator('#messages li.mine .meta')).toContainText('Not delivered');
  await a.screenshot({ path: info.outputPath('demo-not-delivered.png'), fullPage: true });
  await ctxA.close(); await ctxB.close();
});

test('logging out leaves nothing of the account on screen for the next one', async ({ browser }, info) => {
  const { alice, bob, ctxA, ctxB, a, b } = await twoPeople(browser);
  await signUp(a, alice);
  await signUp(b, bob);
  await a.getByLabel('Start a conversation').fill(bob);
  await a.getByRole('button', { name: 'Open' }).click();
  await a.getByRole('textbox', { name: 'Message' }).fill('private to bob');
  await a.keyboard.press('Enter');
  await b.getByRole('button', { name: new RegExp(alice) }).click();
  await expect(b.locator('#messages')).toContainText('private to bob');
  await b.getByRole('button', { name: 'Log out' }).click();
  await expect(b.getByLabel('Password')).toHaveValue('');
  // nothing of bob's account stays in the tab's store either (his roster is forgotten)
  await expect.poll(() => b.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('xmpp-ftw-wasm')))).toEqual([]);
  // carol logs in on the same tab: no trace of bob's conversation
  const carol = `carol-${Date.now().toString(36)}@localhost`;
  await b.getByLabel('JID').fill(carol);
  await b.getByLabel('Password').fill('pw');
  await b.getByLabel('Create this account').check();
  await b.getByRole('button', { name: 'Log in' }).click();
  await expect(b.locator('#bound-jid')).toHaveText(carol);
  await expect(b.locator('#messages li:not(.day)')).toHaveCount(0);
  await expect(b.locator('#conversations')).not.toContainText(alice);
  await expect(b.locator('body')).not.toContainText('private to bob');
  await b.screenshot({ path: info.outputPath('demo-after-logout.png'), fullPage: true });
  await ctxA.close(); await ctxB.close();
});
