// Browser tests (tests/browser) and the demo e2e test (www/e2e) in Debian's headless Chromium.
// The Prosody they talk to is started by scripts/test.sh (XMPP_WS_URL).
import { defineConfig } from '@playwright/test';

const port = Number(process.env.TEST_HTTP_PORT || 8089);
export default defineConfig({
  testDir: '.',
  testMatch: ['tests/browser/**/*.spec.mjs', 'www/e2e/**/*.spec.mjs'],
  timeout: 60_000,
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    },
  },
  webServer: {
    command: `node tests/server.mjs ${port}`,
    url: `http://127.0.0.1:${port}/tests/browser/page.html`,
    reuseExistingServer: false,
    stdout: 'ignore',
  },
});
