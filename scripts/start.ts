/**
 * `npm start`: build the extension, start the sandbox exchange, open Chromium with the
 * extension loaded and the sandbox's demo key already imported through the options page.
 * With no display (CI, SSH), Chromium runs headless, takes screenshots, and the sandbox keeps running.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { describeSandbox, startSandbox } from '../exchange/cli';
import { TIERS, type Tier } from '../exchange/server';
import { CHROMIUM, EXTENSION_DIR, chromiumArgs } from './chromium';

const tier = (process.env.SANDBOX_TIER ?? 'premier') as Tier;
if (!TIERS.includes(tier)) throw new Error(`SANDBOX_TIER must be one of ${TIERS.join(', ')}`);

console.log('Building the extension…');
execFileSync('npx', ['wxt', 'build'], { stdio: 'inherit' });

const sandbox = await startSandbox();
for (const env of ['demo', 'production'] as const) sandbox.exchange.setUsageTier(env, tier);
console.log(
  `\n${describeSandbox(sandbox)}\nUsage tier: ${tier} (set SANDBOX_TIER=basic to see the 403 a retail account gets on Create key)\n`,
);

if (!existsSync(CHROMIUM)) {
  console.log(`Chromium is not at ${CHROMIUM}: install it (apt-get install chromium) or load ${EXTENSION_DIR} by hand:`);
  console.log('chrome://extensions → Developer mode → Load unpacked, and start the browser with the flags above.');
} else {
  const headless = !process.env.DISPLAY;
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'kalshi-keys-')), {
    executablePath: CHROMIUM,
    headless,
    args: chromiumArgs(EXTENSION_DIR, sandbox.exchange.port),
    viewport: null,
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionUrl = `chrome-extension://${new URL(worker.url()).host}`;

  // Import the sandbox demo key exactly as a person would, on the options page.
  const options = await context.newPage();
  await options.goto(`${extensionUrl}/options.html`);
  await options.getByLabel('Environment').selectOption('demo');
  await options.getByLabel('API key ID').fill(sandbox.accounts.demo.keyId);
  await options.getByLabel('Private key', { exact: true }).fill(readFileSync(sandbox.accounts.demo.keyPath, 'utf8'));
  await options.getByRole('button', { name: 'Import key' }).click();
  await options.getByText('Imported').waitFor({ timeout: 15_000 });

  const popup = await context.newPage();
  await popup.goto(`${extensionUrl}/popup.html`);
  if (headless) {
    await popup.setViewportSize({ width: 380, height: 600 });
    await popup.getByRole('listitem').first().waitFor();
    const shots = resolve('.sandbox/screenshots');
    await popup.screenshot({ path: join(shots, 'popup.png') });
    await options.setViewportSize({ width: 800, height: 900 });
    await options.screenshot({ path: join(shots, 'options.png') });
    console.log('No display here, so Chromium runs headless. The sandbox key is imported and works:');
    console.log(`  screenshots: ${join(shots, 'popup.png')}, ${join(shots, 'options.png')}`);
    console.log(`To try it yourself on a machine with a display, load ${EXTENSION_DIR} unpacked and start Chromium with the flags above.`);
  } else {
    console.log(`Chromium is open with the extension (${extensionUrl}) and the sandbox demo key imported.`);
  }
}

const stop = async () => {
  await sandbox.exchange.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
console.log('The sandbox keeps running; press Ctrl+C to stop.');
