/**
 * Issue 11, least privilege: keys that can move money are marked in the popup, and Rotate mints a
 * replacement with narrower scopes chosen in its dialog (Kalshi cannot narrow a key in place).
 */
import type { Page } from '@playwright/test';
import { expect, importThroughOptions, SHOTS, test } from './fixtures';

const MONEY_NOTE = 'This key can transfer funds (scope write or write::transfer). Bots that only trade need Trade (read, write::trade).';

const row = (popup: Page, name: string) => popup.getByRole('listitem').filter({ has: popup.getByText(name, { exact: true }) });

async function create(popup: Page, name: string, preset?: 'Trade') {
  await popup.getByLabel('Key name').fill(name);
  if (preset) {
    await popup.getByText('Key type, scopes, subaccount').click();
    await popup.getByLabel(preset, { exact: true }).check();
  }
  await popup.getByRole('button', { name: 'Create key' }).click();
  await expect(popup.getByRole('status')).toContainText(`Created “${name}”`);
}

/** WCAG contrast of two computed rgb() colours. */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = c
      .match(/\d+(\.\d+)?/g)!
      .slice(0, 3)
      .map((v) => {
        const s = Number(v) / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

test('keys that can move money are marked; Rotate narrows a full key to Trade through its dialog', async ({ exchange, openPage }) => {
  const account = exchange.seedAccount('demo', { name: 'sandbox', usageTier: 'premier' });
  await importThroughOptions(await openPage('options'), 'Demo', account.keyId, account.privateKeyPem);
  const popup = await openPage('popup');
  await expect(popup.getByRole('listitem')).toHaveCount(1);
  await create(popup, 'market bot');
  await create(popup, 'trader', 'Trade');
  expect(exchange.keys('demo').find((k) => k.name === 'trader')?.scopes).toEqual(['read', 'write::trade']);

  // The badge, with its explanation as a tooltip and for screen readers; none on the trade key.
  const bot = row(popup, 'market bot');
  await expect(bot.getByTitle(MONEY_NOTE)).toHaveText(`can move money ${MONEY_NOTE}`);
  await expect(row(popup, 'sandbox').getByTitle(MONEY_NOTE)).toBeVisible();
  await expect(row(popup, 'trader')).toContainText('read, write::trade');
  await expect(row(popup, 'trader').getByTitle(MONEY_NOTE)).toHaveCount(0);
  await expect(row(popup, 'trader')).not.toContainText('can move money');

  // The list at the top, as the popup opens.
  await popup.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
  });
  for (const colorScheme of ['light', 'dark'] as const) {
    await popup.emulateMedia({ colorScheme });
    const badge = bot.getByTitle(MONEY_NOTE);
    const [fg, bg] = await badge.evaluate((el) => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor]);
    expect(contrast(fg!, bg!), `badge contrast in ${colorScheme} mode`).toBeGreaterThanOrEqual(4.5);
    await popup.screenshot({ path: `${SHOTS}/popup-least-privilege-${colorScheme}.png` });
  }
  await popup.emulateMedia({ colorScheme: 'light' });

  // The signing key's replacement must still manage keys: the narrower presets are offered, but not selectable.
  await popup.getByRole('button', { name: 'Rotate sandbox' }).click();
  const dialog = popup.getByRole('alertdialog');
  await expect(dialog.getByLabel('Scopes of the replacement')).toHaveValue('');
  await expect(dialog.getByRole('option', { name: 'Trade (read, write::trade)' })).toBeDisabled();
  await expect(dialog).toContainText('pick another signing key first');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);

  // Rotate the bot by keyboard alone: focus starts on Cancel; the select is just before it.
  const oldId = exchange.keys('demo').find((k) => k.name === 'market bot')!.api_key_id;
  await popup.getByRole('button', { name: 'Rotate market bot' }).click();
  const select = dialog.getByLabel('Scopes of the replacement');
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await expect(select.locator('option')).toHaveText(['Same as now (read, write)', 'Trade (read, write::trade)', 'Read only (read)']);
  await popup.keyboard.press('Shift+Tab');
  await expect(select).toBeFocused();
  await popup.keyboard.press('ArrowDown');
  await expect(select).toHaveValue('trade');
  await expect(dialog).toContainText('cannot move money or manage keys');
  for (const colorScheme of ['light', 'dark'] as const) {
    await popup.emulateMedia({ colorScheme });
    await popup.screenshot({ path: `${SHOTS}/popup-least-privilege-rotate-${colorScheme}.png` });
  }
  await popup.emulateMedia({ colorScheme: 'light' });
  await popup.keyboard.press('Tab');
  await popup.keyboard.press('Tab');
  await expect(dialog.getByRole('button', { name: 'Rotate' })).toBeFocused();
  await popup.keyboard.press('Enter');

  const status = popup.getByRole('status');
  await expect(status).toContainText('Rotated: the new key');
  const replacement = exchange.keys('demo').find((k) => k.name === 'market bot')!;
  expect(replacement.api_key_id).not.toBe(oldId);
  expect(replacement.scopes).toEqual(['read', 'write::trade']);
  expect(exchange.keys('demo').map((k) => k.api_key_id)).not.toContain(oldId);
  await expect(status).toContainText(`The new key ${replacement.api_key_id.slice(0, 8)} has the scopes read, write::trade.`);
  // The list follows Kalshi's: the replacement, without the badge; the signing key unchanged.
  const renewed = popup.getByRole('listitem').filter({ hasText: replacement.api_key_id });
  await expect(renewed).toContainText('read, write::trade');
  await expect(renewed.getByTitle(MONEY_NOTE)).toHaveCount(0);
  await expect(popup.getByRole('listitem').filter({ hasText: oldId })).toHaveCount(0);
  await expect(row(popup, 'sandbox')).toContainText('signs requests');
});

test('scopes Kalshi did not list: Rotate asks which the replacement gets, and makes it with those', async ({ exchange, openPage }) => {
  const account = exchange.seedAccount('demo', { name: 'sandbox', usageTier: 'premier' });
  await importThroughOptions(await openPage('options'), 'Demo', account.keyId, account.privateKeyPem);
  const popup = await openPage('popup');
  await create(popup, 'bot');
  const path = '/trade-api/v2/api_keys';
  // Kalshi may omit a key's scopes: every list does until the rotation is over.
  const withoutScopes = { api_keys: exchange.keys('demo').map(({ scopes: _omitted, ...key }) => key) };
  exchange.faultMode({ method: 'GET', path }, { status: 200, body: withoutScopes });
  await popup.reload();
  await expect(row(popup, 'bot')).toContainText('no scopes');
  await row(popup, 'bot').getByRole('button', { name: 'Rotate bot' }).click();
  const dialog = popup.getByRole('alertdialog');
  await expect(dialog).toContainText('Kalshi did not say which scopes this key has');
  await expect(dialog.getByRole('button', { name: 'Rotate' })).toBeDisabled();
  await dialog.getByLabel('Scopes of the replacement').selectOption({ label: 'Trade (read, write::trade)' });
  await dialog.getByRole('button', { name: 'Rotate' }).click();
  await expect(popup.getByRole('status')).toContainText('Rotated');
  exchange.faultMode({ method: 'GET', path }, null);
  expect(
    exchange
      .keys('demo')
      .filter((k) => k.name === 'bot')
      .map((k) => k.scopes),
  ).toEqual([['read', 'write::trade']]);
});
