/**
 * What decides whether a key keeps working, where it matters: the location check above the list
 * (and the toolbar badge while it needs the user), the usage level with its grants below it, and
 * Upgrade to Advanced with Kalshi's 403 explained.
 */
import type { Worker } from '@playwright/test';
import { expect, importThroughOptions, SHOTS, test } from './fixtures';

const DAY_S = 86_400;
const nowS = () => Math.floor(Date.now() / 1000);
const badgeText = (worker: Worker) =>
  worker.evaluate(() =>
    (globalThis as unknown as { chrome: { action: { getBadgeText(d: object): Promise<string> } } }).chrome.action.getBadgeText({}),
  );

test('the location check: a warning and a badge from 7 days before, plain words once expired, nothing when valid again', async ({
  exchange,
  openPage,
  worker,
}) => {
  const account = exchange.seedAccount('demo', { name: 'sandbox', usageTier: 'premier' });
  exchange.setRegionExpiration('demo', nowS() + 3 * DAY_S);
  await importThroughOptions(await openPage('options'), 'Demo', account.keyId, account.privateKeyPem);
  const popup = await openPage('popup');
  await expect(popup.getByRole('note')).toContainText('Location check expires');
  await expect(popup.getByRole('note')).toContainText('in 3 days');
  await expect.poll(() => badgeText(worker)).toBe('!');
  await popup.screenshot({ path: 'test-results/popup-health-expiring.png' });
  await popup.close();

  exchange.setRegionExpiration('demo', nowS() - DAY_S);
  const expired = await openPage('popup');
  await expect(expired.getByRole('note')).toContainText('API keys cannot trade Sports, Elections and Entertainment markets');
  await expired.close();

  exchange.setRegionExpiration('demo', nowS() + 40 * DAY_S);
  const valid = await openPage('popup');
  await expect(valid.getByText('Location check valid until')).toBeVisible();
  await expect(valid.getByText('in 40 days')).toHaveCount(1);
  await expect(valid.getByRole('note')).toHaveCount(0);
  await expect.poll(() => badgeText(worker), { message: 'the cause is gone: the badge clears' }).toBe('');
});

test('the usage level: grants with source and expiry, the upload grant ending, budgets and progress', async ({ exchange, openPage }) => {
  const account = exchange.seedAccount('demo', { name: 'sandbox', usageTier: 'premier' });
  exchange.setGrants('demo', [
    { exchange_instance: 'event_contract', level: 'premier', source: 'volume', expires_ts: nowS() + 2 * DAY_S },
    { exchange_instance: 'event_contract', level: 'advanced', source: 'manual' },
  ]);
  await importThroughOptions(await openPage('options'), 'Demo', account.keyId, account.privateKeyPem);
  const popup = await openPage('popup');
  await expect(popup.getByRole('note')).toContainText('Your Premier grant ends');
  await expect(popup.getByRole('note')).toContainText('Create key turns into Generate on Kalshi');
  const details = popup.getByText('Grants and limits of Premier · read 1,200/s · write 1,200/s');
  await details.click();
  const grants = popup.getByRole('list', { name: 'Usage level grants' });
  await expect(grants).toContainText('Premier, earned by volume, renewed daily; lapses');
  await expect(grants).toContainText('Advanced, set by Kalshi, permanent');
  await expect(popup.getByText(/Next level, Paragon: 0 of [\d,]+ contracts traded in the last 30 days \(0%\)/)).toBeVisible();
  for (const colorScheme of ['light', 'dark'] as const) {
    await popup.emulateMedia({ colorScheme });
    await popup.screenshot({ path: `${SHOTS}/popup-health-${colorScheme}.png` });
  }
});

test('a grant from a source Kalshi added later is listed with that source as sent, as text', async ({ exchange, openPage }) => {
  const account = exchange.seedAccount('demo', { name: 'sandbox', usageTier: 'expert' });
  exchange.setGrants('demo', [
    { exchange_instance: 'event_contract', level: 'expert', source: '<b>promotion</b>' },
    { exchange_instance: 'event_contract', level: 'advanced', source: 'manual' },
  ]);
  await importThroughOptions(await openPage('options'), 'Demo', account.keyId, account.privateKeyPem);
  const popup = await openPage('popup');
  await popup.getByText(/^Grants and limits of Expert/).click();
  const grants = popup.getByRole('list', { name: 'Usage level grants' });
  await expect(grants.getByRole('listitem')).toHaveText([
    'Expert, source “<b>promotion</b>”, permanent',
    'Advanced, set by Kalshi, permanent',
  ]);
  await expect(grants.locator('b')).toHaveCount(0);
});

test('Upgrade to Advanced: Kalshi’s 403 explained, then a 2xx raises the level', async ({ exchange, openPage }) => {
  const account = exchange.seedAccount('demo', { name: 'sandbox', usageTier: 'basic' });
  await importThroughOptions(await openPage('options'), 'Demo', account.keyId, account.privateKeyPem);
  const popup = await openPage('popup');
  await popup.getByText('Grants and limits of Basic · read 200/s · write 100/s').click();
  await popup.getByRole('button', { name: 'Upgrade to Advanced' }).click();
  await expect(popup.getByRole('status')).toContainText('at least 1 of your last 100 orders came through the API');
  exchange.setRecentApiOrder('demo', true);
  await popup.getByRole('button', { name: 'Upgrade to Advanced' }).click();
  await expect(popup.getByRole('status')).toContainText('Kalshi raised this account to Advanced');
  expect(exchange.requests.filter((r) => r.path.endsWith('/account/api_usage_level/upgrade')).map((r) => r.status)).toEqual([
    403,
    expect.any(Number),
  ]);
});
