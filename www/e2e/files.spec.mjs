// Files in the demo (docs/decisions.md §12), driven like two people would: alice attaches a
// picture, which bob (to whom she is a stranger) sees only when he asks for it; a mutual
// contact's picture shows by itself; a dropped text file shows as a link with its name; a slow upload
// shows a progress bar whose Cancel stops it; a file over the limit is explained in plain words.
import { test, expect } from '@playwright/test';
import { signUp, twoPeople } from './people.mjs';

/** A real PNG drawn by the page (a red picture with a word on it), as bytes. */
async function picture(page) {
  const b64 = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 160; c.height = 100;
    const g = c.getContext('2d');
    g.fillStyle = '#d33'; g.fillRect(0, 0, 160, 100);
    g.fillStyle = '#fff'; g.font = 'bold 28px sans-serif'; g.fillText('beach', 35, 60);
    return c.toDataURL('image/png').split(',')[1];
  });
  return Buffer.from(b64, 'base64');
}

async function openConversation(page, peer) {
  await page.getByLabel('Start a conversation').fill(peer);
  await page.getByRole('button', { name: 'Open' }).click();
  await expect(page.getByRole('heading', { name: peer })).toBeVisible();
}

test('a picture and a file go from alice to bob; previews, links, progress, cancel, the limit', async ({ browser }, info) => {
  test.setTimeout(90_000);
  const { alice, bob, a, b } = await twoPeople(browser, { phone: true });
  await signUp(a, alice);
  await signUp(b, bob);
  await openConversation(a, bob);

  // alice attaches a picture: her own bubble shows it
  await a.locator('#attach-input').setInputFiles({ name: 'beach.png', mimeType: 'image/png', buffer: await picture(a) });
  const own = a.locator('#messages li.mine .file img');
  await expect(own).toBeVisible();
  await expect(own).toHaveJSProperty('complete', true);
  expect(await own.evaluate((img) => img.naturalWidth)).toBe(160);

  // bob: alice is not in his contacts, so the picture waits for a click (nothing was fetched)
  await b.getByRole('button', { name: new RegExp(alice.split('@')[0]) }).click();
  const theirs = b.locator('#messages li.theirs .file');
  await expect(theirs.getByRole('button', { name: 'Show picture' })).toBeVisible();
  await expect(theirs.locator('img')).toHaveCount(0);
  await b.screenshot({ path: info.outputPath('file-stranger-phone.png'), fullPage: true });
  await theirs.getByRole('button', { name: 'Show picture' }).click();
  const img = theirs.locator('img');
  await expect(img).toBeVisible();
  await expect.poll(() => img.evaluate((i) => i.complete && i.naturalWidth)).toBe(160);
  // a click opens it whole, in a new tab, without handing this page to it
  const link = theirs.locator('a');
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer');
  expect(await link.getAttribute('href')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.+beach\.png$/);
  await b.screenshot({ path: info.outputPath('file-picture-phone.png'), fullPage: true });

  // alice adds bob as a contact and he accepts (each sees the other: a mutual contact); bob drops
  // a text file on the conversation: alice gets a link with its name and (bob being a mutual
  // contact) its size
  await a.locator('#add-contact-box summary').click();
  await a.getByLabel('Contact address').fill(bob);
  await a.getByRole('button', { name: 'Add contact' }).click();
  await b.getByRole('button', { name: `Accept ${alice}` }).click();
  await expect(a.locator(`#conversations button[data-peer="${bob}"] .dot`)).toHaveClass(/online/);
  await expect(b.locator(`#conversations button[data-peer="${alice}"] .dot`)).toHaveClass(/online/);
  const drop = await b.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['the minutes of the meeting\n'.repeat(100)], 'minutes.txt', { type: 'text/plain' }));
    return dt;
  });
  await b.dispatchEvent('#conversation', 'drop', { dataTransfer: drop });
  await expect(b.locator('#messages li.mine .file a')).toHaveText('minutes.txt');
  await expect(b.locator('#messages li.mine .file .size')).toHaveText('(3 KB)');
  const fileLink = a.locator('#messages li.theirs .file a', { hasText: 'minutes.txt' });
  await expect(fileLink).toBeVisible();
  await expect(a.locator('#messages li.theirs .file .size')).toHaveText('(3 KB)');
  const text = await (await a.request.get(await fileLink.getAttribute('href'))).text();
  expect(text.startsWith('the minutes of the meeting')).toBe(true);
  await a.screenshot({ path: info.outputPath('file-desktop.png'), fullPage: true });

  // a slow upload: a progress bar with Cancel, which stops it
  await a.route('**/*', (route) => {
    const r = route.request();
    if (r.method() !== 'PUT') return route.fallback();
    return route.continue({ url: `${new URL('/upload-proxy', a.url())}?to=${encodeURIComponent(r.url())}&rate=65536` });
  });
  await a.locator('#attach-input').setInputFiles({ name: 'video.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(2 * 1024 * 1024) });
  const bar = a.getByRole('progressbar', { name: 'Sending video.bin' });
  await expect(bar).toBeVisible();
  await a.screenshot({ path: info.outputPath('file-progress-desktop.png'), fullPage: true });
  await a.locator('#uploads').getByRole('button', { name: 'Cancel' }).click();
  await expect(bar).toHaveCount(0);
  await expect(a.locator('#banner')).toBeHidden();
  await expect(a.locator('#messages li.mine')).toHaveCount(1); // the picture only

  // over the server's limit (16 MiB): said in plain words, nothing sent
  await a.locator('#attach-input').setInputFiles({ name: 'huge.iso', mimeType: 'application/octet-stream', buffer: Buffer.alloc(16 * 1024 * 1024 + 1) });
  await expect(a.locator('#banner')).toHaveText('huge.iso: That file is too large: this server takes files up to 16.0 MB.');
});
