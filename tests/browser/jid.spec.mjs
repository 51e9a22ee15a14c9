// JIDs with the JS engine's Unicode: the WebAssembly build prepares JIDs (RFC 7622 §3 through the
// `jid` crate) with the browser's NFKC and UTS #46 (patches/README.md), and must give for every
// JID of tests/fixtures/jids.json what the native build gives (tests/jid_prep.rs checks the file
// natively). In Chromium, and in Node.js (this runner's own).
// Needs examples/jid_prep.rs built into .work/jid-prep (scripts/test.sh does it).
import { test, expect } from '@playwright/test';
import fs from 'node:fs';

const { cases } = JSON.parse(fs.readFileSync('tests/fixtures/jids.json', 'utf8'));
const differences = (got) => cases.flatMap(([input, want], i) => (got[i] === want ? [] : [`${JSON.stringify(input)}: ${got[i]} (native: ${want})`]));

test('JIDs are prepared in Chromium as natively', async ({ page }) => {
  page.on('pageerror', (e) => { throw e; });
  await page.goto('/tests/browser/page.html');
  const got = await page.evaluate(async (inputs) => {
    const m = await import('/.work/jid-prep/jid_prep.js');
    await m.default();
    return inputs.map((i) => m.prepare(i));
  }, cases.map(([i]) => i));
  expect(got.length).toBe(cases.length);
  expect(differences(got)).toEqual([]);
});

test('JIDs are prepared in Node.js as natively', async () => {
  const m = await import(`${process.cwd()}/.work/jid-prep/jid_prep.js`);
  await m.default({ module_or_path: fs.readFileSync('.work/jid-prep/jid_prep_bg.wasm') });
  const got = cases.map(([i]) => m.prepare(i));
  expect(got.length).toBe(cases.length);
  expect(differences(got)).toEqual([]);
});
