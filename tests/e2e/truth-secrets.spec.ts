/**
 * A Download-once private key is kept (in the worker's memory) until the user has it: a popup closed
 * too early shows it again, closing without saving asks first, and Done after a download lets it go.
 * A retried create is never taken for the lost one: its key is not called lost.
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import type { Exchange } from '../../exchange/server';
import { expect, importThroughOptions, test } from './fixtures';

const P = '/trade-api/v2';

async function setUp(exchange: Exchange, openPage: (p: 'popup' | 'options') => Promise<Page>) {
  const account = exchange.seedAccount('demo', { name: 'sandbox', usageTier: 'premier' });
  const options = await openPage('options');
  await importThroughOptions(options, 'Demo', account.keyId, account.privateKeyPem);
  await expect(options.getByRole('status')).toContainText('Imported');
  await options.close();
  const popup = await openPage('popup');
  await expect(popup.getByRole('listitem')).toHaveCount(1);
  return { account, popup };
}

/** Fills the form for a Download-once key and submits it with Create key. */
async function createDownloadOnce(popup: Page, name: string) {
  await popup.getByLabel('Key name').fill(name);
  await popup.getByLabel('Download once, for a bot or server').check();
  await popup.getByRole('button', { name: 'Create key' }).click();
}

/** A message to the background, as our own page sends it. */
function ask<T>(page: Page, type: string, data: unknown): Promise<{ ok: true; value: T }> {
  return page.evaluate(
    ([type, data]) =>
      (
        globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<{ ok: true; value: T }> } } }
      ).chrome.runtime.sendMessage({ type, data }),
    [type, data] as const,
  );
}

type Listed = { keyId: string; lost?: string; maybeLostAnswer?: true; awaitingSave?: true };
const listOf = async (page: Page) => (await ask<{ keys: Listed[] }>(page, 'listApiKeys', { environment: 'demo' })).value.keys;

async function download(popup: Page) {
  const dialog = popup.getByRole('alertdialog');
  const [file] = await Promise.all([popup.waitForEvent('download'), dialog.getByRole('button', { name: 'Download' }).click()]);
  return readFileSync((await file.path())!, 'utf8');
}

test('a create that never reached Kalshi, then a retry with the same name: the new key is not called lost', async ({
  exchange,
  openPage,
}) => {
  const { account, popup } = await setUp(exchange, openPage);
  // The connection drops before Kalshi acts, every time (the browser's own resend included).
  exchange.faultMode({ method: 'POST', path: `${P}/api_keys` }, { reset: 'before' });
  await createDownloadOnce(popup, 'bot');
  await expect(popup.getByRole('status')).toContainText('Kalshi’s answer was lost');
  expect(exchange.keys('demo').map((k) => k.api_key_id)).toEqual([account.keyId]);
  await expect(popup.getByRole('alertdialog')).toHaveCount(0);

  exchange.faultMode({ method: 'POST', path: `${P}/api_keys` }, null);
  const before = exchange.requests.length;
  await createDownloadOnce(popup, 'bot');
  const dialog = popup.getByRole('alertdialog');
  await expect(dialog).toContainText('Save the private key for “bot” now');
  const made = exchange.keys('demo').find((k) => k.name === 'bot')!.api_key_id;
  expect(exchange.requests.slice(before).filter((r) => r.method === 'POST')).toHaveLength(1);
  // The list knows it waits to be saved, and nothing else.
  expect((await listOf(popup)).find((k) => k.keyId === made)).toEqual(expect.objectContaining({ awaitingSave: true }));
  expect((await listOf(popup)).find((k) => k.keyId === made)).not.toHaveProperty('lost');
  expect((await listOf(popup)).find((k) => k.keyId === made)).not.toHaveProperty('maybeLostAnswer');

  expect(await download(popup)).toContain('-----BEGIN PRIVATE KEY-----');
  await dialog.getByRole('button', { name: 'Done — forget it' }).click();
  await expect(dialog).toHaveCount(0);

  // After the next list, in a fresh popup: listed as an ordinary key, not lost, not suspect.
  const lists = () => exchange.requests.filter((r) => r.method === 'GET' && r.path === `${P}/api_keys`).length;
  const listed = lists();
  const again = await openPage('popup');
  await expect.poll(lists).toBeGreaterThan(listed);
  const item = again.getByRole('listitem').filter({ hasText: made });
  await expect(item).toContainText('bot');
  await expect(again.getByRole('button', { name: 'Delete bot' })).toBeVisible();
  const badges = await item.locator('.badge').allTextContents();
  expect(badges.join(' ')).not.toMatch(/lost|never saved|unusable|not saved/i);
  await expect(item).not.toContainText(/lost|unusable|cannot be used|delete it/i);
  await expect(again.getByRole('button', { name: 'Keep bot' })).toHaveCount(0);
  const reply = (await listOf(again)).find((k) => k.keyId === made);
  expect(reply).toBeDefined();
  expect(reply).not.toHaveProperty('lost');
  expect(reply).not.toHaveProperty('maybeLostAnswer');
  expect(exchange.keys('demo').map((k) => k.api_key_id)).toEqual(expect.arrayContaining([account.keyId, made]));
});

test('a Download-once key survives a closed popup: shown again, Escape asks first, Done after Download lets it go', async ({
  exchange,
  openPage,
}) => {
  const { popup } = await setUp(exchange, openPage);
  await createDownloadOnce(popup, 'Market Bot');
  await expect(popup.getByRole('alertdialog')).toContainText('Save the private key for “Market Bot” now');
  const made = exchange.keys('demo').find((k) => k.name === 'Market Bot')!.api_key_id;
  await expect(popup.getByRole('alertdialog')).toContainText(made);
  await popup.close(); // closed before the key was saved

  const again = await openPage('popup');
  const dialog = again.getByRole('alertdialog');
  await expect(dialog).toContainText('Save the private key for “Market Bot” now');
  await expect(dialog).toContainText(made);
  await expect(dialog).toContainText(/Kept for you until \d{1,2}:\d{2}/);

  // Escape asks before closing, with the safe answer focused; Escape again goes back.
  await again.keyboard.press('Escape');
  await expect(dialog).toContainText('You have not saved this private key. It cannot be shown again after 10 minutes');
  await expect(dialog.getByRole('button', { name: 'Go back' })).toBeFocused();
  await again.keyboard.press('Escape');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Close anyway' })).toHaveCount(0);
  await expect(dialog.getByRole('button', { name: 'Done — forget it' })).toBeFocused();

  // Done without saving asks too; Close anyway leaves it with the worker, offered in the list.
  await dialog.getByRole('button', { name: 'Done — forget it' }).click();
  await dialog.getByRole('button', { name: 'Close anyway' }).click();
  await expect(dialog).toHaveCount(0);
  const item = again.getByRole('listitem').filter({ hasText: made });
  await expect(item).toContainText('Its private key is waiting to be saved.');
  await expect(item).not.toContainText(/lost|cannot be used/);
  await again.getByRole('button', { name: 'Show Market Bot' }).click();
  await expect(dialog).toContainText(made);

  // Saved: Done tells the worker, and the key is not offered again.
  const pem = await download(again);
  expect(pem).toContain('-----BEGIN PRIVATE KEY-----');
  await dialog.getByRole('button', { name: 'Done — forget it' }).click();
  await expect(dialog).toHaveCount(0);
  expect(await again.content()).not.toContain('-----BEGIN');
  await expect(item).not.toContainText('waiting to be saved');
  await expect(again.getByRole('button', { name: 'Show Market Bot' })).toHaveCount(0);
  expect((await ask<unknown>(again, 'takeSecret', { environment: 'demo' })).value).toBeNull();

  const third = await openPage('popup');
  await expect(third.getByRole('listitem').filter({ hasText: made })).toBeVisible();
  await expect(third.getByRole('button', { name: 'Delete Market Bot' })).toBeVisible();
  await expect(third.getByRole('alertdialog')).toHaveCount(0);
  await expect(third.getByRole('listitem').filter({ hasText: made })).not.toContainText(/waiting to be saved|never saved|lost/);
  // Kalshi still has it, and nothing of it is held here.
  expect(exchange.keys('demo').map((k) => k.api_key_id)).toContain(made);
  await expect(third.getByRole('listitem').filter({ hasText: made })).not.toContainText('held here');
});
