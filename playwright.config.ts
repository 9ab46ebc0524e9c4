import { defineConfig } from '@playwright/test';

// Drives the production build (.output/chrome-mv3) in Debian's Chromium; see tests/e2e/fixtures.ts.
export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 60_000,
  workers: 1,
  retries: 0,
  // A stray test.only would silently skip the rest of the suite.
  forbidOnly: true,
  reporter: process.env.CI ? 'list' : [['list']],
  use: { trace: 'off' },
});
