// Browser tests of the web workspace against a real `wulian serve` on a demo ledger
// (tests/global-setup.js). Debian's chromium; no browser download.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: './tests',
  testMatch: /.*\.spec\.js$/,
  globalSetup: './tests/global-setup.js',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  outputDir: 'test-results/artifacts',
  use: {
    headless: true,
    locale: 'zh-CN',
    timezoneId: 'America/New_York', // the app must show +08:00 whatever the browser's zone
    viewport: { width: 1366, height: 768 },
    acceptDownloads: true,
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium' }],
});
