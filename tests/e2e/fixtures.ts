import { test as base, chromium, type BrowserContext, type Page, type Worker } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startExchange, type Exchange } from '../../exchange/server';
import { CHROMIUM, EXTENSION_DIR, chromiumArgs } from '../../scripts/chromium';

interface Fixtures {
  context: BrowserContext;
  worker: Worker;
  extensionId: string;
  /** Opens popup.html (at the popup's size) or options.html in a new tab. */
  openPage: (page: 'popup' | 'options') => Promise<Page>;
}

export const test = base.extend<Fixtures, { exchange: Exchange }>({
  exchange: [
    async ({}, use) => {
      const exchange = await startExchange({ port: 0 });
      await use(exchange);
      await exchange.close();
    },
    { scope: 'worker' },
  ],
  context: async ({ exchange }, use) => {
    exchange.reset();
    const profile = mkdtempSync(join(tmpdir(), 'kkm-profile-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: chromiumArgs(EXTENSION_DIR, exchange.port),
      viewport: { width: 380, height: 600 },
    });
    await use(context);
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  },
  worker: async ({ context }, use) => {
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    await use(worker);
  },
  extensionId: async ({ worker }, use) => {
    await use(new URL(worker.url()).host);
  },
  openPage: async ({ context, extensionId }, use) => {
    await use(async (name) => {
      const page = await context.newPage();
      if (name === 'options') await page.setViewportSize({ width: 800, height: 900 });
      await page.goto(`chrome-extension://${extensionId}/${name}.html`);
      return page;
    });
  },
});

export const expect = test.expect;

/** Imports a key through the options page, as a person would. */
export async function importThroughOptions(options: Page, env: 'Production' | 'Demo', keyId: string, pem: string) {
  await options.getByLabel('Environment').selectOption({ label: env });
  await options.getByLabel('API key ID').fill(keyId);
  await options.getByLabel('Private key', { exact: true }).fill(pem);
  await options.getByRole('button', { name: 'Import key' }).click();
}

/**
 * Stops the extension's service worker as Chromium does an idle one (through DevTools, from `page`'s
 * session) and waits until the ServiceWorker domain reports it stopped. An open popup may wake it
 * again at once (it sends the worker its screen copy when what it shows changes): seen stopped is
 * what proves its memory, and whatever was in flight, went.
 */
export async function stopServiceWorker(context: BrowserContext, page: Page, worker: Worker): Promise<void> {
  const cdp = await context.newCDPSession(page);
  let stopped = false;
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    if (versions.some((v) => v.scriptURL === worker.url() && v.runningStatus === 'stopped')) stopped = true;
  });
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await expect.poll(() => stopped, { timeout: 10_000 }).toBe(true);
  await cdp.detach();
}

/** Where specs write their screenshots: with SHOTS=docs, the README's (docs/); otherwise beside the test results. */
export const SHOTS = process.env.SHOTS === 'docs' ? 'docs' : 'test-results/screens';
