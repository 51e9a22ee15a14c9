// The demo's web server (scripts/demo.sh runs `node tests/server.mjs PORT --demo`) serves the
// page and the package only: nothing else of the repository, in particular not the demo
// Prosody's data directory under .work/ (its accounts' SCRAM keys and message archives).
import { test, expect } from '@playwright/test';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const port = 8400 + Math.floor(Math.random() * 500);
const base = `http://127.0.0.1:${port}`;
let server;

test.beforeAll(async () => {
  // a file like the demo Prosody's, which must stay out of reach
  fs.mkdirSync(path.join(root, '.work/demo-server-test'), { recursive: true });
  fs.writeFileSync(path.join(root, '.work/demo-server-test/alice.dat'), 'stored_key = "secret"');
  server = spawn(process.execPath, [path.join(root, 'tests/server.mjs'), String(port), '--demo'], { stdio: 'pipe' });
  await new Promise((resolve, reject) => {
    server.stdout.on('data', (d) => { if (String(d).includes('serving')) resolve(); });
    server.on('exit', (code) => reject(new Error(`demo server exited with ${code}`)));
  });
});

test.afterAll(() => {
  server?.kill();
  fs.rmSync(path.join(root, '.work/demo-server-test'), { recursive: true, force: true });
});

test('the demo server serves the page and the package, nothing else of the repository', async ({ request }) => {
  const status = async (p) => (await request.get(base + p, { maxRedirects: 0 })).status();
  // `/` leads to the demo, keeping the query (the WebSocket URL)
  const home = await request.get(`${base}/?ws=x`, { maxRedirects: 0 });
  expect(home.status()).toBe(302);
  expect(home.headers().location).toBe('/www/?ws=x');
  expect(await status('/www/')).toBe(200);
  expect(await status('/www/main.js')).toBe(200);
  expect(await status('/pkg/package.json')).toBe(200);
  // the demo Prosody's data, the repository's files, tests and dotfiles: 404
  for (const p of ['/.work/demo-server-test/alice.dat', '/Cargo.toml', '/README.md', '/src/lib.rs',
    '/tests/server.mjs', '/tests/browser/page.html', '/.git/config', '/www/../.work/demo-server-test/alice.dat',
    '/www/%2e%2e/.work/demo-server-test/alice.dat', '/pkg/%2e%2e/Cargo.toml', '/proxy-control?cuts=on']) {
    expect(await status(p), p).toBe(404);
  }
  // the same file is there for the test server (this check is not vacuous)
  expect((await request.get('/.work/demo-server-test/alice.dat')).status()).toBe(200);
});
