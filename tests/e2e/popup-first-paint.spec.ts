/**
 * The popup paints the list the user saw last before any answer from the worker or Kalshi, then
 * refreshes it in place (issue 15). Timings live in `npm run bench`; here, the order of events:
 * the row is on screen while Kalshi holds its answer and the worker is stopped, and it does not move.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { API_PREFIX } from '../../exchange/client';
import { expect, importThroughOptions, test } from './fixtures';

const LIST = { method: 'GET', path: `${API_PREFIX}/api_keys` };

async function stopWorker(context: BrowserContext) {
  const page = await context.newPage(); // a CDP session needs a page; an about:blank one
  const cdp = await context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  const running = async () => (await cdp.send('Target.getTargets')).targetInfos.filter((t) => t.type === 'service_worker').length;
  await expect.poll(running, { timeout: 10_000 }).toBe(0);
  await cdp.detach();
  await page.close();
}

/** What the popup keeps in its localStorage (the snapshot and the screen copy), as text. */
const popupStorage = (popup: Page) => popup.evaluate(() => JSON.stringify({ ...localStorage }));

test('the last list is on screen before Kalshi or the worker answers, then refreshed in place without moving', async ({
  context,
  exchange,
  openPage,
}) => {
  const account = exchange.seedAccount('demo', { name: 'sandbox' });
  exchange.seedAccount('demo', { name: 'bot one', keyType: 'ed25519' });
  await importThroughOptions(await openPage('options'), 'Demo', account.keyId, account.privateKeyPem);
  const first = await openPage('popup');
  await expect(first.getByRole('listitem').filter({ hasText: 'bot one' })).toBeVisible();
  await first.close();

  // Kalshi holds every list answer for a while; the worker is stopped, so it must start before it
  // can answer anything. A key made elsewhere meanwhile shows only once Kalshi's list arrives.
  exchange.seedAccount('demo', { name: 'bot two', keyType: 'ed25519' });
  exchange.faultMode(LIST, { delayMs: 3_000 }); // under the worker's 6 s timeout for a GET
  await stopWorker(context);
  const answered = () => exchange.requests.filter((r) => r.path === LIST.path).length;
  const listsBefore = answered();
  const popup = await openPage('popup');
  const row = popup.getByRole('listitem').filter({ hasText: 'sandbox' });
  await expect(row).toBeVisible();
  await expect(popup.getByRole('listitem').filter({ hasText: 'bot one' })).toBeVisible();
  await expect(popup.getByText('Loading keys from Kalshi…')).toHaveCount(0);
  const before = await row.boundingBox();
  // No list has been answered since: what is on screen came from the snapshot.
  expect(answered()).toBe(listsBefore);
  await expect(popup.getByRole('listitem').filter({ hasText: 'bot two' })).toHaveCount(0);

  // Kalshi answers: the fresh list replaces the old one where it stood.
  await expect(popup.getByRole('listitem').filter({ hasText: 'bot two' })).toBeVisible({ timeout: 30_000 });
  expect(answered()).toBeGreaterThan(listsBefore);
  expect(await row.boundingBox()).toEqual(before);
  exchange.faultMode(LIST, null);
});

test('a forgotten or deleted key leaves the snapshot at once; the snapshot holds no key material', async ({ exchange, openPage }) => {
  const account = exchange.seedAccount('demo', { name: 'sandbox' });
  const spare = exchange.seedAccount('demo', { name: 'spare' });
  const gone = exchange.seedAccount('demo', { name: 'gone', keyType: 'ed25519' });
  const options = await openPage('options');
  await importThroughOptions(options, 'Demo', account.keyId, account.privateKeyPem);
  await importThroughOptions(options, 'Demo', spare.keyId, spare.privateKeyPem);
  const popup = await openPage('popup');
  await expect(popup.getByRole('listitem').filter({ hasText: 'gone' })).toBeVisible();
  await expect.poll(() => popupStorage(popup)).toContain(gone.keyId);
  const stored = await popupStorage(popup);
  expect(stored).toContain(spare.keyId);
  expect(stored).not.toContain('PRIVATE KEY');
  expect(stored).not.toContain(account.privateKeyPem.split('\n')[1]!);

  await popup.getByRole('button', { name: 'Delete gone' }).click();
  await popup.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
  await expect(popup.getByRole('status')).toContainText('Deleted “gone”');
  expect(await popupStorage(popup)).not.toContain(gone.keyId);

  await popup.getByRole('button', { name: 'Forget in this browser spare' }).click();
  await popup.getByRole('alertdialog').getByRole('button', { name: 'Forget' }).click();
  await expect(popup.getByRole('status')).toContainText('no longer holds “spare”');
  // Kalshi still lists it (not held here now): it comes back only as Kalshi's list says.
  const snapshot = JSON.parse((await popup.evaluate(() => localStorage.getItem('kkm.popupSnapshot.v1')))!) as {
    byEnvironment: { demo: { heldKeys: Array<{ keyId: string }>; keys: Array<{ keyId: string; held: boolean }> } };
  };
  expect(snapshot.byEnvironment.demo.heldKeys.map((k) => k.keyId)).toEqual([account.keyId]);
  expect(snapshot.byEnvironment.demo.keys.find((k) => k.keyId === spare.keyId)?.held).toBe(false);
});

test('with many keys: the first screen paints, the rest follow, and a filter finds a key by name or id', async ({ exchange, openPage }) => {
  const account = exchange.seedAccount('demo', { name: 'sandbox' });
  const bots = Array.from({ length: 30 }, (_, i) => exchange.seedAccount('demo', { name: `bot ${i + 1}`, keyType: 'ed25519' }));
  await importThroughOptions(await openPage('options'), 'Demo', account.keyId, account.privateKeyPem);
  const popup = await openPage('popup');
  const rows = popup.getByRole('list', { name: 'API keys' }).getByRole('listitem');
  await expect(rows).toHaveCount(31);
  const filter = popup.getByRole('searchbox', { name: 'Filter keys by name or ID' });
  await filter.fill('bot 17');
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText(bots[16]!.keyId);
  await filter.fill(bots[3]!.keyId.slice(0, 13));
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText('bot 4');
  await filter.fill('no such key');
  await expect(popup.getByText('No key’s name or ID contains “no such key”.')).toBeVisible();
  await expect(popup.getByRole('list', { name: 'API keys' })).toBeHidden();

  // The copy painted on the next open keeps the first screen only, and nothing a user typed.
  const copy = (await popup.evaluate(() => localStorage.getItem('kkm.popupScreen.v1'))) ?? '';
  expect(copy).toContain('sandbox');
  expect(copy).not.toContain('no such key');
  expect(copy.match(/"li"/g)?.length).toBe(8);
});
