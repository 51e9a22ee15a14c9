// The demo trusts no sender (docs/decisions.md §13): a client that is not ours (slixmpp,
// tests/peer/send_raw.py) sends Alice, in the demo, the messages any client can send, and the test
// asserts what she sees: her messages stay hers, nothing remote loads by itself, styles and
// right-to-left text stay inside their bubble, times from the future count as now, a burst of
// large messages costs no long task, chat states open no conversation, and messages from her
// other device and of type "normal" show live.
import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';

import { signUp, twoPeople } from './people.mjs';

const SERVER = process.env.XMPP_SERVER || 'prosody';
const C2S = process.env.XMPP_C2S_PORT || (SERVER === 'ejabberd' ? '5422' : '5322');
const PORT = Number(process.env.TEST_HTTP_PORT || 8089);

/** Sends raw stanzas as `jid` (password "pw") with slixmpp. */
function sendAs(jid, frames) {
  const r = spawnSync('python3', ['tests/peer/send_raw.py', jid, 'pw', '127.0.0.1', C2S], {
    input: frames.join('\n'), encoding: 'utf8', timeout: 60_000,
  });
  expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
}
const XHTML = (inner) => `<html xmlns='http://jabber.org/protocol/xhtml-im'><body xmlns='http://www.w3.org/1999/xhtml'>${inner}</body></html>`;

test(`a stranger cannot rewrite, track, restyle or freeze the demo (${SERVER})`, async ({ browser }, info) => {
  test.setTimeout(120_000);
  const { alice, bob: mallory, ctxA, ctxB, a, b } = await twoPeople(browser);
  await signUp(a, alice);
  await signUp(b, mallory);
  const tracker = `t${Date.now().toString(36)}`;

  // Alice writes to Mallory; the id of her message is what he will try to take over.
  await a.getByLabel('Start a conversation').fill(mallory);
  await a.getByRole('button', { name: 'Open' }).click();
  const sentId = a.evaluate(() => new Promise((resolve) => window.socket.on('xmpp.chat.sent', ({ id }) => resolve(id))));
  await a.getByRole('textbox', { name: 'Message' }).fill('my own words');
  await a.getByRole('textbox', { name: 'Message' }).press('Enter');
  const id = await sentId;

  sendAs(mallory, [
    `<message to='${alice}' type='chat' id='s1'><body>hello from a stranger</body></message>`,
    // XEP-0308 correction of Alice's message, and a message reusing its id
    `<message to='${alice}' type='chat' id='s2'><body>REWRITTEN</body><replace xmlns='urn:xmpp:message-correct:0' id='${id}'/></message>`,
    `<message to='${alice}' type='chat' id='${id}'><body>IMPERSONATED</body></message>`,
    // a remote picture and a link
    `<message to='${alice}' type='chat' id='s4'><body>look</body>${XHTML(`<p>look <img src='http://127.0.0.1:${PORT}/track/${tracker}' alt='cat'/> <a href='https://example.org/'>a link</a></p>`)}</message>`,
    // styles meant to break out of the bubble, and a list that would look like bubbles
    `<message to='${alice}' type='chat' id='s5'><body>wide</body>${XHTML("<p style='margin-left:100000px;font-size:500px'>wide</p><ul><li>a fake bubble</li></ul>")}</message>`,
    // right-to-left override
    `<message to='${alice}' type='chat' id='s6'><body>\u202Eevil text</body></message>`,
    // a stamp in the future
    `<message to='${alice}' type='chat' id='s7'><body>from the future</body><delay xmlns='urn:xmpp:delay' stamp='2099-01-01T00:00:00Z'/></message>`,
    // type "normal"
    `<message to='${alice}' type='normal' id='s8'><body>a normal message</body></message>`,
    // typing, then paused
    `<message to='${alice}' type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>`,
  ]);
  const mine = a.locator('#messages li.mine');
  const theirs = a.locator('#messages li.theirs');
  await expect(theirs.filter({ hasText: 'a normal message' })).toHaveCount(1);

  // Her message is still hers, unchanged; his attempts are his own messages.
  await expect(mine).toHaveCount(1);
  await expect(mine.locator('.body')).toHaveText('my own words');
  await expect(mine.locator('.meta')).not.toContainText('edited');
  await expect(theirs.filter({ hasText: 'REWRITTEN' })).toHaveCount(1);
  await expect(theirs.filter({ hasText: 'IMPERSONATED' })).toHaveCount(1);

  // Nothing remote loaded: the picture waits for a click; the link opens a new tab.
  const pic = theirs.filter({ hasText: 'look' });
  await expect(pic.getByRole('button', { name: 'Show picture: cat' })).toBeVisible();
  await expect(pic.locator('img')).toHaveCount(0);
  const link = pic.getByRole('link', { name: 'a link' });
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer');
  const hits = async () => (await (await a.request.get(`/track-count/${tracker}`)).json()).hits;
  expect(await hits()).toBe(0);

  // Styles stay in the bubble: no sideways scroll, no huge font, the list is not a bubble.
  const wide = theirs.filter({ hasText: 'wide' });
  await expect(wide.locator('p')).toHaveCount(1);
  const layout = await a.evaluate(() => {
    const ol = document.getElementById('messages');
    const p = [...ol.querySelectorAll('li.theirs p')].find((e) => e.textContent === 'wide');
    const inner = ol.querySelector('li.theirs .body li');
    return {
      scroll: ol.scrollWidth - ol.clientWidth,
      page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      font: parseFloat(getComputedStyle(p).fontSize),
      listBorder: getComputedStyle(inner).borderTopWidth,
      listBackground: getComputedStyle(inner).backgroundColor,
    };
  });
  expect(layout).toEqual({ scroll: 0, page: 0, font: 16, listBorder: '0px', listBackground: 'rgba(0, 0, 0, 0)' });

  // Right-to-left text is an isolated run; names too.
  const evil = theirs.filter({ hasText: 'evil text' });
  await expect(evil.locator('.body')).toHaveAttribute('dir', 'auto');
  expect(await evil.locator('.body').evaluate((e) => getComputedStyle(e).unicodeBidi)).toBe('isolate');
  await expect(evil.locator('.meta bdi')).toHaveText(mallory.split('@')[0]);

  // The future counts as now: one day in the conversation, today.
  await expect(a.locator('#messages li.day')).toHaveText(['Today']);

  // The typing notice shows, and goes when he pauses; a click loads the picture (so the count
  // above could have seen a fetch).
  await expect(a.locator('#typing')).toContainText('is typing');
  sendAs(mallory, [`<message to='${alice}' type='chat'><paused xmlns='http://jabber.org/protocol/chatstates'/></message>`]);
  await expect(a.locator('#typing')).toHaveText('');
  await pic.getByRole('button', { name: 'Show picture: cat' }).click();
  await expect(pic.locator('img')).toHaveCount(1);
  await expect.poll(hits).toBe(1);
  await a.screenshot({ path: info.outputPath('stranger-messages.png'), fullPage: true });

  // A burst of 30 messages of 60,000 characters, one every 50 ms: no task over 200 ms, and each
  // long message folded.
  await a.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.longTasks.push(Math.round(e.duration)); })
      .observe({ type: 'longtask' });
  });
  const big = 'x'.repeat(59_990);
  sendAs(mallory, Array.from({ length: 30 }, (_, i) => `<message to='${alice}' type='chat' id='big${i}'><body>big ${i} ${big}</body></message>`));
  await expect(theirs.filter({ hasText: 'big 29 ' })).toHaveCount(1, { timeout: 20_000 });
  const longTasks = await a.evaluate(() => window.longTasks);
  expect(Math.max(0, ...longTasks), `long tasks: ${longTasks}`).toBeLessThan(200);
  await expect(theirs.filter({ hasText: 'big 29 ' }).getByRole('button', { name: 'Show more' })).toBeVisible();

  // Alice's other device (slixmpp) writes to Mallory: the copy shows live, as hers.
  sendAs(`${alice}/other-device`, [`<message to='${mallory}' type='chat' id='c1'><body>from my other device</body></message>`]);
  await expect(mine.filter({ hasText: 'from my other device' })).toHaveCount(1);

  // A chat state alone from someone with no conversation opens none; his message does.
  await b.getByRole('button', { name: 'Log out' }).click();
  const carol = mallory.replace(/^bob-/, 'carol-');
  await signUp(b, carol);
  sendAs(carol, [`<message to='${alice}' type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>`]);
  await a.waitForTimeout(500);
  await expect(a.locator(`#conversations button[data-peer="${carol}"]`)).toHaveCount(0);
  sendAs(carol, [`<message to='${alice}' type='chat' id='after'><body>from carol</body></message>`]);
  await expect(a.locator(`#conversations button[data-peer="${carol}"] .preview`)).toHaveText('from carol');
  await ctxA.close(); await ctxB.close();
});
