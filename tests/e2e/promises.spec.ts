/**
 * Three promises (issue 23), driven through the popup and the options page of the production build,
 * and checked against the exchange's own state:
 * 1. a key of one account is never deleted by another account's signature, nor offered for it;
 * 2. a delete whose answer was lost is not "confirmed" by another account's list;
 * 3. "Kept for you until HH:MM" outlives the service worker: the same one-time key is shown again.
 */
import type { BrowserContext, Page, Worker } from '@playwright/test';
import { readFileSync } from 'node:fs';
import type { Exchange } from '../../exchange/server';
import { createKalshiClient } from '../../lib/kalshi/client';
import { importPrivateKey, parsePrivateKeyPem } from '../../lib/key-formats';
import { exchangeFetch } from '../helpers/exchange-fetch';
import { expect, importThroughOptions, SHOTS, stopServiceWorker, test } from './fixtures';

const P = '/trade-api/v2';
const LIST = { method: 'GET', path: `${P}/api_keys` };
const B = { env: 'demo', account: 'b' } as const;
const UPDATING = 'The list you saw last: updating from Kalshi…';

type Reply = { ok: true; value: unknown } | { ok: false; error: { code: string; message?: string } };

/** A message to the background, as our own page sends it. */
function ask(page: Page, type: string, data: unknown): Promise<Reply> {
  return page.evaluate(
    ([type, data]) =>
      (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<Reply> } } }).chrome.runtime.sendMessage({
        type,
        data,
      }),
    [type, data] as const,
  );
}

type Listed = { keyId: string; held: boolean; signing: boolean; deletedOnKalshi?: true; unconfirmed?: true; lost?: string };
async function listOf(page: Page): Promise<Listed[]> {
  const reply = await ask(page, 'listApiKeys', { environment: 'demo' });
  if (!reply.ok) throw new Error(`listApiKeys: ${reply.error.code}`);
  return (reply.value as { keys: Listed[] }).keys;
}

/** Two accounts on the demo exchange, A's key imported first, then B's (the popup then opens on B). */
function seedTwo(exchange: Exchange) {
  const a = exchange.seedAccount('demo', { name: 'desk A', usageTier: 'premier' });
  const b = exchange.seedAccount(B, { name: 'desk B', usageTier: 'advanced' });
  return { a, b, idA: exchange.communicationsId('demo'), idB: exchange.communicationsId(B) };
}

async function importKey(options: Page, key: { keyId: string; privateKeyPem: string }) {
  await importThroughOptions(options, 'Demo', key.keyId, key.privateKeyPem);
  await expect(options.getByRole('status')).toContainText(`Imported “`);
  await expect(options.getByRole('status')).toContainText(key.keyId);
}

/** Stops the service worker over CDP, and waits until Chromium lists no running service worker at all. */
async function stopWorker(context: BrowserContext, worker: Worker) {
  const blank = await context.newPage();
  await stopServiceWorker(context, blank, worker); // seen "stopped" by the ServiceWorker domain
  const cdp = await context.newCDPSession(blank);
  const running = async () => (await cdp.send('Target.getTargets')).targetInfos.filter((t) => t.type === 'service_worker').length;
  await expect.poll(running).toBe(0);
  await cdp.detach();
  await blank.close();
}

/** Kalshi answers 2xx to `GET /portfolio/balance` signed in Node with this PEM as key `keyId`. */
async function signsAs(exchange: Exchange, keyId: string, pem: string) {
  const parsed = parsePrivateKeyPem(pem);
  const signingKey = { keyId, algorithm: parsed.algorithm, privateKey: await importPrivateKey(parsed) };
  const client = createKalshiClient({ environment: 'demo', signingKey, fetch: exchangeFetch(exchange) });
  return client.getPortfolioBalance();
}

async function shots(page: Page, name: string) {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: `${SHOTS}/${name}-${colorScheme}.png` });
  }
  await page.emulateMedia({ colorScheme: null });
}

test('a key of account A is never offered for, nor deleted by, account B’s signature; back on A it still works', async ({
  context,
  exchange,
  openPage,
}) => {
  const { a, b, idA, idB } = seedTwo(exchange);
  const options = await openPage('options');
  await importKey(options, a);

  // The popup shows A's list once (so the next open has a list of A's to paint), then closes.
  const first = await openPage('popup');
  await expect(first.getByRole('button', { name: 'Delete desk A' })).toBeEnabled();
  await expect(first.getByText('Grants and limits of')).toBeVisible(); // the whole screen seen, as a person would
  await first.close();

  await importKey(options, b); // signs for B from now on
  await options.close();

  // Every change of the popup's DOM is watched, from its first paint: a Delete of A's key that is
  // live (enabled, not part of the inert screen copy) while the extension signs for B is a broken promise.
  await context.addInitScript((keyA) => {
    if (location.pathname !== '/popup.html') return;
    const w = window as unknown as { liveDeleteOfA: string[] };
    w.liveDeleteOfA = [];
    const look = () => {
      for (const li of document.querySelectorAll('li')) {
        if (!li.textContent?.includes(keyA)) continue;
        const del = [...li.querySelectorAll('button')].find((button) => button.textContent?.trim() === 'Delete');
        if (del && !del.disabled && !del.closest('[inert]')) {
          const account = (document.getElementById('account') as HTMLSelectElement | null)?.value ?? '(no account choice)';
          w.liveDeleteOfA.push(account);
        }
      }
    };
    new MutationObserver(look).observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
  }, a.keyId);

  // Kalshi holds its list answers: the screen before B's list arrives can be looked at.
  exchange.faultMode(LIST, { delayMs: 4_000 });
  const answered = () => exchange.requests.filter((r) => r.method === 'GET' && r.path === LIST.path && r.keyId === b.keyId).length;
  const before = answered();
  const listsForB = () => answered() - before;
  const popup = await openPage('popup');
  const account = popup.getByLabel('Account', { exact: true });
  await expect(account).toHaveValue(idB); // B's header
  // Nothing read for A stays under B's header: not its usage level either (A is Premier, B Advanced).
  expect(await popup.getByText('Grants and limits of Premier').count()).toBe(0); // now, not after B's answers
  const rowA = popup.getByRole('listitem').filter({ hasText: a.keyId });
  // Either A's rows are not shown under B's header, or only as the list seen last, inert.
  if ((await rowA.count()) > 0) {
    await expect(popup.getByText(UPDATING)).toBeVisible();
    await expect(rowA.getByRole('button', { name: 'Delete desk A' })).toBeDisabled();
  }
  await shots(popup, 'popup-promises-cached');
  expect(listsForB(), 'all this was before B’s list arrived').toBe(0);

  // B's list: A's key is not in it.
  await expect(popup.getByRole('button', { name: 'Delete desk B' })).toBeEnabled({ timeout: 20_000 });
  expect(listsForB()).toBeGreaterThan(0);
  await expect(popup.getByText(UPDATING)).toHaveCount(0);
  await expect(rowA).toHaveCount(0);
  await expect(popup.getByRole('listitem')).toHaveCount(1);
  await expect(popup.getByText('Grants and limits of Advanced')).toBeVisible();
  exchange.faultMode(LIST, null);

  // Asked straight, the worker refuses: A's key is not B's to delete.
  const refused = await ask(popup, 'deleteApiKey', { environment: 'demo', keyId: a.keyId, confirmLockout: true });
  expect(refused).toMatchObject({ ok: false, error: { code: 'key_other_account' } });

  // The exchange: A's key stands, and no DELETE ever reached it.
  expect(exchange.keys('demo').map((k) => k.api_key_id)).toContain(a.keyId);
  expect(exchange.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
  expect(await popup.evaluate(() => (window as unknown as { liveDeleteOfA: string[] }).liveDeleteOfA)).toEqual([]);

  // Back on A: A's key, held here, signs a request Kalshi accepts.
  await account.selectOption(idA);
  const back = popup.getByRole('listitem').filter({ hasText: a.keyId });
  await expect(back).toContainText('desk A');
  await expect(back).toContainText('signs requests');
  await popup.getByRole('button', { name: 'Test desk A' }).click();
  await expect(popup.getByRole('status')).toContainText('“desk A” works');
  expect((await listOf(popup)).find((k) => k.keyId === a.keyId)).toMatchObject({ held: true, signing: true });
  expect(exchange.requests).toContainEqual(
    expect.objectContaining({ method: 'GET', path: `${P}/portfolio/balance`, keyId: a.keyId, status: 200 }),
  );
  expect(exchange.keys('demo').map((k) => k.api_key_id)).toContain(a.keyId);
});

test('a delete whose answer was lost is not confirmed by account B’s list: back on A the key is listed, held, and works', async ({
  exchange,
  openPage,
}) => {
  test.setTimeout(120_000);
  const { a, b, idA, idB } = seedTwo(exchange);
  const options = await openPage('options');
  await importKey(options, a);
  await importKey(options, b);
  await options.close();

  const popup = await openPage('popup');
  const account = popup.getByLabel('Account', { exact: true });
  await expect(account).toHaveValue(idB);
  await account.selectOption(idA);
  await expect(popup.getByRole('button', { name: 'Delete desk A' })).toBeEnabled();

  // A second key of A's, made here and kept in this browser.
  await popup.getByLabel('Key name').fill('second');
  await popup.getByLabel('Keep in this browser').check();
  await popup.getByRole('button', { name: 'Create key' }).click();
  await expect(popup.getByRole('status')).toContainText('Created “second”');
  const second = exchange.keys('demo').find((k) => k.name === 'second')!.api_key_id;
  expect(exchange.keys(B).map((k) => k.api_key_id)).toEqual([b.keyId]);

  // Its delete never reaches Kalshi: every attempt's connection is dropped before Kalshi acts.
  exchange.failNext({ method: 'DELETE', path: `${P}/api_keys/${second}` }, { reset: 'before', times: 10 });
  await popup.getByRole('button', { name: 'Delete second' }).click();
  await popup.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
  await expect(popup.getByRole('status')).toContainText('Kalshi’s answer was lost', { timeout: 45_000 });
  const deletes = exchange.requests.filter((r) => r.method === 'DELETE').map((r) => r.status);
  expect(deletes.length).toBeGreaterThan(0);
  expect(
    deletes.every((status) => status === 0),
    'every DELETE dropped unanswered',
  ).toBe(true);
  expect(exchange.keys('demo').map((k) => k.api_key_id)).toContain(second);

  // B's list does not name it (it is A's): that must not settle A's delete.
  await account.selectOption(idB);
  await expect(popup.getByRole('button', { name: 'Delete desk B' })).toBeEnabled();
  await expect(popup.getByRole('listitem').filter({ hasText: second })).toHaveCount(0);
  await account.selectOption(idA);

  const row = popup.getByRole('listitem').filter({ hasText: second });
  await expect(popup.getByRole('button', { name: 'Delete second' })).toBeEnabled();
  await expect(row).toContainText('held here');
  await expect(row).not.toContainText('deleted on Kalshi');
  await popup.getByRole('button', { name: 'Test second' }).click();
  await expect(popup.getByRole('status')).toContainText('“second” works');
  const listed = (await listOf(popup)).find((k) => k.keyId === second);
  expect(listed).toMatchObject({ held: true });
  expect(listed).not.toHaveProperty('deletedOnKalshi');
  expect(exchange.requests).toContainEqual(
    expect.objectContaining({ method: 'GET', path: `${P}/portfolio/balance`, keyId: second, status: 200 }),
  );
  expect(exchange.keys('demo').map((k) => k.api_key_id)).toEqual(expect.arrayContaining([a.keyId, second]));
});

test('“Kept for you until HH:MM” outlives the worker: the same one-time key again, which signs as the key on Kalshi; Done lets it go', async ({
  context,
  exchange,
  openPage,
  worker,
}) => {
  const a = exchange.seedAccount('demo', { name: 'desk A', usageTier: 'premier' });
  const options = await openPage('options');
  await importKey(options, a);
  await options.close();

  const popup = await openPage('popup');
  await popup.getByLabel('Key name').fill('bot');
  await popup.getByLabel('Download once, for a bot or server').check();
  await popup.getByRole('button', { name: 'Create key' }).click();
  const dialog = popup.getByRole('alertdialog');
  await expect(dialog).toContainText('Save the private key for “bot” now');
  const made = exchange.keys('demo').find((k) => k.name === 'bot')!.api_key_id;
  await expect(dialog).toContainText(made);
  await expect(dialog).toContainText(/Kept for you until \d{1,2}:\d{2}/);
  await dialog.getByRole('button', { name: 'Show key' }).click();
  const pem = (await dialog.getByLabel('Private key', { exact: true }).textContent())!;
  expect(pem).toContain('-----BEGIN PRIVATE KEY-----');
  await popup.close(); // not saved

  await stopWorker(context, worker); // whatever the worker had in memory is gone

  const again = await openPage('popup');
  const shown = again.getByRole('alertdialog');
  await expect(shown).toContainText('Save the private key for “bot” now');
  await expect(shown).toContainText(made);
  await expect(shown).toContainText(/Kept for you until \d{1,2}:\d{2}/);
  await shots(again, 'popup-promises-secret-again');
  await shown.getByRole('button', { name: 'Show key' }).click();
  await expect(shown.getByLabel('Private key', { exact: true })).toHaveText(pem);

  // That PEM is the private half of the key on Kalshi: a request signed with it in Node is accepted.
  await expect(signsAs(exchange, made, pem)).resolves.toEqual(expect.objectContaining({ balance: expect.any(Number) }));
  expect(exchange.requests).toContainEqual(
    expect.objectContaining({ method: 'GET', path: `${P}/portfolio/balance`, keyId: made, status: 200 }),
  );

  // Saved (downloaded), then Done: no longer offered, here or in the next popup.
  const [file] = await Promise.all([again.waitForEvent('download'), shown.getByRole('button', { name: 'Download' }).click()]);
  expect(readFileSync((await file.path())!, 'utf8')).toBe(pem);
  await shown.getByRole('button', { name: 'Done — forget it' }).click();
  await expect(shown).toHaveCount(0);
  await expect(again.getByRole('button', { name: 'Show bot' })).toHaveCount(0);
  expect(await ask(again, 'takeSecret', { environment: 'demo' })).toEqual({ ok: true, value: null });
  const third = await openPage('popup');
  await expect(third.getByRole('button', { name: 'Delete bot' })).toBeEnabled();
  await expect(third.getByRole('alertdialog')).toHaveCount(0);
  await expect(third.getByRole('listitem').filter({ hasText: made })).not.toContainText(/not saved yet|never saved/);
  expect(exchange.keys('demo').map((k) => k.api_key_id)).toContain(made);
});
