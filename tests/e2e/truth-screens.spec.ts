/**
 * The key states as a person sees them, in light and dark, with the keyboard alone: a key that may
 * come from a lost answer (Keep or Delete), one whose private key is certainly lost (Delete), one
 * waiting to be saved (Show), a signing key deleted on kalshi.com (Forget), Kalshi out of reach.
 * Screenshots go to test-results/screens; with SHOTS=docs, to docs/popup-truth-*.png.
 */
import type { BrowserContext, Page, Worker } from '@playwright/test';
import type { Exchange } from '../../exchange/server';
import { expect, importThroughOptions, SHOTS, stopServiceWorker, test } from './fixtures';

const P = '/trade-api/v2';
/** The popup at 380×600 from its top (or, with fullPage, all of it). */
async function shot(page: Page, name: string, { fullPage = false } = {}) {
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SHOTS}/popup-truth-${name}.png`, fullPage });
}

async function setUp(exchange: Exchange, openPage: (p: 'popup' | 'options') => Promise<Page>, colorScheme: 'light' | 'dark') {
  const account = exchange.seedAccount('demo', { name: 'sandbox', usageTier: 'premier' });
  const options = await openPage('options');
  await importThroughOptions(options, 'Demo', account.keyId, account.privateKeyPem);
  await expect(options.getByRole('status')).toContainText('Imported');
  await options.close();
  const popup = await openPage('popup');
  await popup.emulateMedia({ colorScheme });
  await expect(popup.getByRole('listitem')).toHaveCount(1);
  return { account, popup };
}

/** Download once, made here, whose every answer is lost after Kalshi made the key: it may be ours. */
async function lostAnswer(exchange: Exchange, popup: Page, name: string) {
  exchange.faultMode({ method: 'POST', path: `${P}/api_keys` }, { reset: 'after' });
  await popup.getByLabel('Key name').fill(name);
  await popup.getByLabel('Download once, for a bot or server').check();
  await popup.getByRole('button', { name: 'Create key' }).click();
  await expect(popup.getByRole('status')).toContainText('Kalshi’s answer was lost');
  exchange.faultMode({ method: 'POST', path: `${P}/api_keys` }, null);
  await popup.getByLabel('Keep in this browser').check();
}

async function downloadOnce(popup: Page, name: string) {
  await popup.getByLabel('Key name').fill(name);
  await popup.getByLabel('Download once, for a bot or server').check();
  await popup.getByRole('button', { name: 'Create key' }).click();
  await expect(popup.getByRole('alertdialog')).toContainText(`Save the private key for “${name}” now`);
}

/** Stops the service worker as Chromium does an idle one (its memory, and the secrets in it, go), and closes the page. */
async function stopWorker(context: BrowserContext, page: Page, worker: Worker) {
  await stopServiceWorker(context, page, worker);
  await page.close();
}

/** Tabs until `last` has focus; every stop has a visible focus ring. Returns the accessible names visited. */
async function tabTo(page: Page, last: string) {
  const visited: string[] = [];
  for (let i = 0; i < 40 && visited.at(-1) !== last; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const name = el.getAttribute('aria-label') || el.id || el.textContent?.trim() || el.outerHTML.slice(0, 120);
      return { name, outline: getComputedStyle(el).outlineStyle };
    });
    expect(focused.outline, `focus ring on ${focused.name}`).not.toBe('none');
    visited.push(focused.name);
  }
  return visited;
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`key states in ${colorScheme} mode: may be lost (Keep), lost (Delete), waiting (Show), by keyboard`, async ({
    context,
    exchange,
    openPage,
    worker,
  }) => {
    let { popup } = await setUp(exchange, openPage, colorScheme);
    await lostAnswer(exchange, popup, 'bot');
    const suspects = exchange.keys('demo').filter((k) => k.name === 'bot');
    expect(suspects.length).toBeGreaterThan(0);
    // A Download-once key closed without saving, then the browser closes (storage.session, where it was
    // sealed, goes with it, and the worker stops): its private key is gone for good.
    await downloadOnce(popup, 'old bot');
    await popup.getByRole('alertdialog').getByRole('button', { name: 'Done — forget it' }).click();
    await popup.getByRole('alertdialog').getByRole('button', { name: 'Close anyway' }).click();
    const lost = exchange.keys('demo').find((k) => k.name === 'old bot')!.api_key_id;
    await worker.evaluate(() =>
      (globalThis as unknown as { chrome: { storage: { session: { clear(): Promise<void> } } } }).chrome.storage.session.clear(),
    );
    await stopWorker(context, popup, worker);
    popup = await openPage('popup');
    await popup.emulateMedia({ colorScheme });
    // A Download-once key, with its private key still kept: closing asks first.
    await downloadOnce(popup, 'server');
    await popup.getByRole('alertdialog').getByRole('button', { name: 'Done — forget it' }).click();
    await expect(popup.getByRole('alertdialog')).toContainText('You have not saved this private key.');
    await shot(popup, `secret-ask-${colorScheme}`);
    await popup.getByRole('alertdialog').getByRole('button', { name: 'Close anyway' }).click();

    const suspect = popup.getByRole('listitem').filter({ hasText: suspects[0]!.api_key_id });
    await expect(suspect).toContainText('May come from a request whose answer was lost — or be a key of the same name made elsewhere.');
    await expect(suspect).not.toContainText(/unusable|cannot be used/);
    const lostItem = popup.getByRole('listitem').filter({ hasText: lost });
    await expect(lostItem).toContainText('private key never saved');
    await expect(lostItem).toContainText('cannot be used anywhere');
    await expect(popup.getByRole('button', { name: 'Keep old bot' })).toHaveCount(0);
    const waiting = popup.getByRole('listitem').filter({ hasText: 'server' });
    await expect(waiting).toContainText('Its private key is waiting to be saved.');
    await popup.locator('.key-list').evaluate((el) => (el.style.maxHeight = 'none')); // the whole list in the picture
    await shot(popup, `states-${colorScheme}`, { fullPage: true });

    // The keyboard reaches Keep, labelled by its key; Enter keeps it.
    await popup.getByLabel('Environment').focus();
    const visited = await tabTo(popup, 'Keep bot');
    expect(visited).toEqual(expect.arrayContaining(['Delete bot', 'Copy ID bot', 'Keep bot']));
    await popup.keyboard.press('Enter');
    await expect(popup.getByRole('status')).toContainText('Kept “bot”');
    await expect(popup.getByRole('listitem').filter({ hasText: suspects[0]!.api_key_id })).not.toContainText('May come from');
    expect(exchange.keys('demo').map((k) => k.api_key_id)).toEqual(expect.arrayContaining(suspects.map((k) => k.api_key_id)));

    // The lost key goes with Delete, on Kalshi too.
    await popup.getByRole('button', { name: 'Delete old bot' }).click();
    await popup.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await expect(popup.getByRole('status')).toContainText('Deleted “old bot”');
    expect(exchange.keys('demo').map((k) => k.api_key_id)).not.toContain(lost);
  });

  test(`refused signing key, Kalshi out of reach, upload refused in ${colorScheme} mode`, async ({ exchange, openPage }) => {
    const spare = exchange.seedAccount('demo', { name: 'spare', usageTier: 'prime' });
    const sandbox = exchange.seedAccount('demo', { name: 'sandbox' });
    const options = await openPage('options');
    for (const key of [spare, sandbox]) {
      await importThroughOptions(options, 'Demo', key.keyId, key.privateKeyPem);
      await expect(options.getByRole('status')).toContainText('Imported');
    }
    await options.close();
    exchange.deleteKeyOutOfBand('demo', sandbox.keyId);
    const refused = await openPage('popup');
    await refused.emulateMedia({ colorScheme });
    await expect(refused.getByRole('button', { name: 'Use for signing spare' })).toBeVisible();
    await expect(refused.getByText('Kalshi refused the key this extension signs with')).toBeVisible();
    await shot(refused, `refused-${colorScheme}`);
    await refused.getByLabel('Environment').focus();
    const visited = await tabTo(refused, 'Use for signing spare');
    expect(visited).toContain('Forget in this browser sandbox');
    expect(visited).not.toContain('Delete sandbox');
    await refused.keyboard.press('Enter');
    await expect(refused.getByRole('status')).toContainText('now signs with “spare”');

    exchange.faultMode({ method: 'GET', path: `${P}/*` }, { reset: 'before' });
    await refused.reload();
    await expect(refused.getByRole('status')).toContainText('Could not reach Kalshi', { timeout: 20_000 });
    await expect(refused.getByText('not confirmed by Kalshi').first()).toBeVisible();
    await shot(refused, `unreachable-${colorScheme}`);
    exchange.faultMode({ method: 'GET', path: `${P}/*` }, null);

    exchange.setUploadAllowed('demo', false);
    await refused.reload();
    await expect(refused.getByText('Usage level Prime')).toBeVisible();
    await refused.getByLabel('Key name').fill('laptop');
    await refused.getByRole('button', { name: 'Create key' }).click();
    const offer = refused.getByRole('button', { name: 'Generate “laptop” on Kalshi' });
    await expect(offer).toBeVisible();
    await offer.scrollIntoViewIfNeeded();
    await shot(refused, `upload-refused-${colorScheme}`);
    await offer.focus();
    await refused.keyboard.press('Enter');
    await expect(refused.getByRole('status')).toContainText('Created “laptop”');
    expect(exchange.keys('demo').some((k) => k.name === 'laptop')).toBe(true);
  });
}
