/**
 * The popup paints the list the user saw last before any answer from the worker or Kalshi, then
 * refreshes it in place (issue 15). Timings live in `npm run bench`; here, the order of events:
 * the row is on screen while Kalshi holds its answer and the worker is stopped, and it does not move.
 */
import type { BrowserContext, Page, Worker } from '@playwright/test';
import type { Exchange } from '../../exchange/server';
import { API_PREFIX } from '../../exchange/client';
import { FIRST_SCREEN_ROWS } from '../../lib/popup-shell/screen-copy';
import { SCREEN_SLOT } from '../../lib/popup-shell/session-store';
import { expect, importThroughOptions, SHOTS, test } from './fixtures';

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

/** What the popup keeps in its localStorage (the snapshot), as text. */
const popupStorage = (popup: Page) => popup.evaluate(() => JSON.stringify({ ...localStorage }));
/** The copy the worker keeps to serve inside popup.html (lib/popup-shell), as text. */
type Session = { get(key: string): Promise<Record<string, unknown>>; clear(): Promise<void> };
const workerCopy = (worker: Worker) =>
  worker.evaluate(async (slot) => {
    const session = (globalThis as unknown as { chrome: { storage: { session: Session } } }).chrome.storage.session;
    return JSON.stringify((await session.get(slot))[slot] ?? null);
  }, SCREEN_SLOT);

/** A key named “sandbox” imported, and the popup opened once until the worker keeps its copy. */
async function seenOnce(exchange: Exchange, openPage: (page: 'popup' | 'options') => Promise<Page>, worker: Worker) {
  const account = exchange.seedAccount('demo', { name: 'sandbox' });
  await importThroughOptions(await openPage('options'), 'Demo', account.keyId, account.privateKeyPem);
  const first = await openPage('popup');
  await expect(first.getByRole('listitem').filter({ hasText: 'sandbox' })).toBeVisible();
  await expect.poll(() => workerCopy(worker)).toContain('sandbox');
  await first.close();
}

/**
 * Notes, in every page, whether a row naming `name` was in the document when parsing ended: at that
 * `readystatechange` no script of the page has run yet (module scripts run after it), so a row there
 * came in the HTML itself.
 */
const noteRowInHtml = (context: BrowserContext, name: string) =>
  context.addInitScript((n) => {
    document.addEventListener('readystatechange', () => {
      if (document.readyState !== 'interactive') return;
      const rows = [...document.getElementsByTagName('li')];
      (window as { rowInHtml?: boolean }).rowInHtml = rows.some((li) => li.textContent?.includes(n));
      (window as { markedInHtml?: boolean }).markedInHtml = document.body.textContent?.includes('The list you saw last') ?? false;
    });
  }, name);
const rowInHtml = (page: Page) => page.evaluate(() => (window as { rowInHtml?: boolean }).rowInHtml);

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

test('the worker serves popup.html with the last screen in it, warm or started for it, under the same CSP', async ({
  context,
  exchange,
  openPage,
  worker,
}) => {
  await seenOnce(exchange, openPage, worker);
  await noteRowInHtml(context, 'sandbox');

  const warm = await openPage('popup');
  await expect(warm.getByRole('listitem').filter({ hasText: 'sandbox' })).toBeVisible();
  expect(await rowInHtml(warm)).toBe(true);
  // Marked as the list seen last, not Kalshi's list now.
  expect(await warm.evaluate(() => (window as { markedInHtml?: boolean }).markedInHtml)).toBe(true);
  // The packaged page's CSP came along (the browser adds its own MV3 minimum beside it): an
  // inline script is refused by ours.
  const refusedBy = await warm.evaluate(
    () =>
      new Promise<string[]>((resolve) => {
        const policies: string[] = [];
        document.addEventListener('securitypolicyviolation', (e) => policies.push(e.originalPolicy));
        document.head.append(Object.assign(document.createElement('script'), { textContent: 'document.title = "ran"' }));
        setTimeout(() => resolve(policies), 300);
      }),
  );
  expect(refusedBy).toContain("script-src 'self'; object-src 'none'; frame-ancestors 'none'");
  expect(await warm.title()).not.toBe('ran');
  // The app took the copy's place: the page is live, not the inert picture.
  await expect(warm.locator('[inert]')).toHaveCount(0);
  await expect(warm.getByRole('button', { name: 'Test sandbox' })).toBeEnabled();
  await warm.close();

  // Stopped, the worker starts for the navigation and reads the copy back from storage.session.
  await stopWorker(context);
  const cold = await openPage('popup');
  await expect(cold.getByRole('listitem').filter({ hasText: 'sandbox' })).toBeVisible();
  expect(await rowInHtml(cold)).toBe(true);
  await cold.close();

  // No copy in the worker (a new browser session): the app paints the list from its snapshot.
  const freshWorker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  await freshWorker.evaluate(() => (globalThis as unknown as { chrome: { storage: { session: Session } } }).chrome.storage.session.clear());
  await stopWorker(context);
  exchange.faultMode(LIST, { delayMs: 3_000 });
  const unserved = await openPage('popup');
  await expect(unserved.getByRole('listitem').filter({ hasText: 'sandbox' })).toBeVisible();
  expect(await rowInHtml(unserved)).toBe(false);
  exchange.faultMode(LIST, null);
});

test('a glance is enough: a popup closed as soon as its first list shows leaves its copy for the next open', async ({
  context,
  exchange,
  openPage,
  worker,
}) => {
  const account = exchange.seedAccount('demo', { name: 'sandbox' });
  await importThroughOptions(await openPage('options'), 'Demo', account.keyId, account.privateKeyPem);
  await noteRowInHtml(context, 'sandbox');
  const glance = await openPage('popup');
  await glance.getByRole('listitem').filter({ hasText: 'sandbox' }).waitFor();
  await glance.close(); // at once, as a trader's glance or a harness that times the first paint
  await expect.poll(() => workerCopy(worker)).toContain('sandbox');

  const next = await openPage('popup');
  await expect(next.getByRole('listitem').filter({ hasText: 'sandbox' })).toBeVisible();
  expect(await rowInHtml(next)).toBe(true); // served by the worker with the copy in it
});

test('the served copy stands where the app will: the environment choice, the signing line, the filter, the list and its first row keep their places', async ({
  context,
  exchange,
  openPage,
  worker,
}) => {
  // More keys than the copy holds (its rows must still fill the list's box as the app's do), and
  // enough for the filter above the list (from nine keys on), which the copy draws as a span.
  for (let i = 1; i <= Math.max(FIRST_SCREEN_ROWS, 8); i++) exchange.seedAccount('demo', { name: `bot ${i}`, keyType: 'ed25519' });
  await seenOnce(exchange, openPage, worker);

  // The row's parts, not the row: it is laid out lazily (content-visibility), sized by a placeholder until painted.
  const PARTS = ['#environment', '.signing-line', '.key-filter', '.key-list', '.key-list .key-head', '.key-list .key-actions'];
  // When parsing ends no script of the page has run: what is there is the worker's copy.
  await context.addInitScript((parts) => {
    document.addEventListener('readystatechange', () => {
      if (document.readyState !== 'interactive') return;
      const boxes = parts.map((part) => {
        const element = document.querySelector(part);
        const { x, y, width, height } = element!.getBoundingClientRect();
        return { tag: element!.tagName, box: [x, y, width, height] };
      });
      (window as { copyBoxes?: unknown }).copyBoxes = boxes;
    });
  }, PARTS);
  const popup = await openPage('popup');
  await expect(popup.locator('[inert]')).toHaveCount(0); // the app is in
  const copied = (await popup.evaluate(() => (window as { copyBoxes?: unknown }).copyBoxes)) as Array<{ tag: string; box: number[] }>;
  expect(copied.map((c) => c.tag)).toEqual(['SPAN', 'P', 'SPAN', 'UL', 'DIV', 'DIV']); // the copy drew the select and the filter as spans
  for (const [i, part] of PARTS.entries()) {
    const live = (await popup.locator(part).first().boundingBox())!;
    // Within a pixel: the select rounds its width up to whole pixels, its picture does not.
    [live.x, live.y, live.width, live.height].forEach((v, j) => expect(Math.abs(v - copied[i]!.box[j]!)).toBeLessThan(1));
  }
});

test('a forgotten or deleted key leaves the snapshot at once; the snapshot holds no key material', async ({
  exchange,
  openPage,
  worker,
}) => {
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
  expect(await workerCopy(worker)).not.toContain('gone');

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

test('with many keys: the first screen paints, the rest follow, and a filter finds a key by name or id', async ({
  exchange,
  openPage,
  worker,
}) => {
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

  // The copy served at the next open keeps the first screen only, and nothing a user typed.
  const copy = await workerCopy(worker);
  expect(copy).toContain('sandbox');
  expect(copy).not.toContain('no such key');
  expect(copy.match(/"li"/g)?.length).toBe(FIRST_SCREEN_ROWS);
});

test('a key made since the last look comes first among those not held, marked new, whatever its name', async ({ exchange, openPage }) => {
  const account = exchange.seedAccount('demo', { name: 'sandbox' });
  for (const name of ['alpha bot', 'beta bot', 'gamma bot']) exchange.seedAccount('demo', { name, keyType: 'ed25519' });
  await importThroughOptions(await openPage('options'), 'Demo', account.keyId, account.privateKeyPem);
  const first = await openPage('popup');
  const rows = first.getByRole('list', { name: 'API keys' }).getByRole('listitem');
  await expect(rows).toHaveCount(4);
  // A first look: nothing to compare with, nothing called new.
  const newBadges = (page: Page) => page.locator('.badge', { hasText: /^new\b/ });
  await expect(newBadges(first)).toHaveCount(0);
  await first.close();

  exchange.seedAccount('demo', { name: 'zulu, made on kalshi.com', keyType: 'ed25519' });
  const popup = await openPage('popup');
  const again = popup.getByRole('list', { name: 'API keys' }).getByRole('listitem');
  await expect(again).toHaveCount(5);
  await expect(again.nth(0)).toContainText('sandbox'); // held here: first
  await expect(again.nth(1)).toContainText('zulu, made on kalshi.com');
  await expect(newBadges(popup)).toHaveCount(1);
  await expect(again.nth(1).locator('.badge', { hasText: /^new\b/ })).toHaveAttribute('title', /Not in the list you saw last/);
  await expect(again.nth(2)).toContainText('alpha bot');
  await expect(again.nth(1).getByRole('button', { name: 'Delete zulu, made on kalshi.com' })).toBeEnabled();
  for (const colorScheme of ['light', 'dark'] as const) {
    await popup.emulateMedia({ colorScheme });
    await popup.screenshot({ path: `${SHOTS}/popup-new-key-${colorScheme}.png` });
  }
});
