/**
 * Kalshi's answers are the only truth about keys: a signing key deleted on kalshi.com is shown as
 * refused and deleted there, the keys that still work are offered for signing, and when Kalshi
 * cannot be reached the held keys are still shown — never "this account has no API keys".
 */
import type { Page } from '@playwright/test';
import type { Exchange } from '../../exchange/server';
import { expect, importThroughOptions, test } from './fixtures';

const P = '/trade-api/v2';

/** Two keys of one demo account, both held here; "sandbox" (imported last) signs. */
async function twoHeldKeys(exchange: Exchange, openPage: (p: 'popup' | 'options') => Promise<Page>) {
  const spare = exchange.seedAccount('demo', { name: 'spare', usageTier: 'premier' });
  const sandbox = exchange.seedAccount('demo', { name: 'sandbox' });
  const options = await openPage('options');
  await importThroughOptions(options, 'Demo', spare.keyId, spare.privateKeyPem);
  await expect(options.getByRole('status')).toContainText('Imported “spare”');
  await importThroughOptions(options, 'Demo', sandbox.keyId, sandbox.privateKeyPem);
  await expect(options.getByRole('status')).toContainText('Imported “sandbox”');
  await options.close();
  return { spare, sandbox };
}

test('the signing key deleted on kalshi.com: shown as deleted, the other key offered for signing, then forgotten', async ({
  exchange,
  openPage,
}) => {
  const { spare, sandbox } = await twoHeldKeys(exchange, openPage);
  expect(exchange.deleteKeyOutOfBand('demo', sandbox.keyId)).toBe(true);
  const deletedAt = exchange.requests.length;

  const popup = await openPage('popup');
  await expect(popup.getByText('Kalshi refused the key this extension signs with, “sandbox”.')).toBeVisible();
  await expect(popup.getByText('This list was read with “spare”.')).toBeVisible();
  const dead = popup.getByRole('listitem').filter({ hasText: sandbox.keyId });
  await expect(dead).toContainText('deleted on Kalshi');
  await expect(dead).toContainText('Deleted on Kalshi (or from another device)');
  // Forget is all that is left to do with it.
  for (const action of ['Test', 'Rotate', 'Use for signing', 'Delete']) {
    await expect(popup.getByRole('button', { name: `${action} sandbox` })).toHaveCount(0);
  }
  await expect(popup.getByRole('button', { name: 'Forget in this browser sandbox' })).toBeVisible();
  const alive = popup.getByRole('listitem').filter({ hasText: spare.keyId });
  await expect(alive).toContainText('held here');
  await expect(alive).not.toContainText('not confirmed');
  await expect(popup.getByText('no API keys')).toHaveCount(0);
  // Kalshi was asked with the spare key, and answered.
  expect(exchange.requests).toContainEqual(
    expect.objectContaining({ method: 'GET', path: `${P}/api_keys`, keyId: spare.keyId, status: 200 }),
  );

  await popup.getByRole('button', { name: 'Use for signing spare' }).click();
  await expect(popup.getByRole('status')).toContainText('The extension now signs with “spare”.');
  await expect(popup.getByText('Kalshi refused the key this extension signs with')).toHaveCount(0);
  await expect(alive).toContainText('signs requests');
  await expect(dead).toContainText('deleted on Kalshi');
  // The list is read with the new signing key; the dead one was asked once more, and refused again.
  const lists = exchange.requests.filter((r) => r.method === 'GET' && r.path === `${P}/api_keys`);
  expect(lists.at(-1)).toMatchObject({ keyId: spare.keyId, status: 200 });
  const signedByDead = exchange.requests.slice(deletedAt).filter((r) => r.keyId === sandbox.keyId);
  expect(signedByDead.length).toBeGreaterThan(0);
  expect(signedByDead.every((r) => r.status === 401)).toBe(true);

  await popup.getByRole('button', { name: 'Forget in this browser sandbox' }).click();
  const dialog = popup.getByRole('alertdialog');
  await expect(dialog).toContainText('Kalshi no longer accepts this key.');
  await expect(dialog).not.toContainText('keeps working');
  await dialog.getByRole('button', { name: 'Forget' }).click();
  await expect(popup.getByRole('status')).toContainText('This browser no longer holds “sandbox”, a key Kalshi had already deleted.');
  await expect(dead).toHaveCount(0);
  await expect(popup.getByRole('listitem')).toHaveCount(1);
  expect(exchange.keys('demo').map((k) => k.api_key_id)).toEqual([spare.keyId]);
});

test('forgetting the refused signing key while it still signs hands signing to the key that works', async ({ exchange, openPage }) => {
  const { spare, sandbox } = await twoHeldKeys(exchange, openPage);
  exchange.deleteKeyOutOfBand('demo', sandbox.keyId);
  const popup = await openPage('popup');
  await popup.getByRole('button', { name: 'Forget in this browser sandbox' }).click();
  const dialog = popup.getByRole('alertdialog');
  // Another held key works: no lock-out, so no second confirmation.
  await expect(dialog).not.toContainText('locks');
  await dialog.getByRole('button', { name: 'Forget' }).click();
  await expect(popup.getByRole('status')).toContainText('no longer holds “sandbox”');
  await expect(popup.getByRole('listitem').filter({ hasText: spare.keyId })).toContainText('signs requests');
  await expect(popup.getByText('Kalshi refused the key')).toHaveCount(0);
  expect(exchange.requests.at(-1)).toMatchObject({ keyId: spare.keyId, status: 200 });
});

test('the other key dies after the list was read: the worker’s lock-out answer reopens the confirmation with the warning', async ({
  exchange,
  openPage,
}) => {
  const { spare, sandbox } = await twoHeldKeys(exchange, openPage);
  const popup = await openPage('popup');
  await expect(popup.getByRole('listitem').filter({ hasText: spare.keyId })).toContainText('held here');
  exchange.deleteKeyOutOfBand('demo', spare.keyId); // the list on screen still shows it working

  await popup.getByRole('button', { name: 'Delete sandbox' }).click();
  const dialog = popup.getByRole('alertdialog');
  await expect(dialog).not.toContainText('locks');
  await dialog.getByRole('button', { name: 'Delete' }).click();
  // The worker proved the spare key dead: asked again, this time with the lock-out warning.
  await expect(dialog).toContainText('This is the only key this extension signs with for Demo.');
  await expect(dialog.getByRole('button', { name: 'Delete' })).toBeDisabled();
  expect(exchange.keys('demo').map((k) => k.api_key_id)).toEqual([sandbox.keyId]);
  await dialog.getByLabel('I understand this locks the extension out').check();
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(popup.getByText('No key for Demo in this browser yet.')).toBeVisible();
  expect(exchange.keys('demo')).toHaveLength(0);
});

test('Kalshi out of reach: the held keys are still shown, unconfirmed, with the error; never "no API keys"', async ({
  exchange,
  openPage,
}) => {
  const { spare, sandbox } = await twoHeldKeys(exchange, openPage);
  exchange.faultMode({ method: 'GET', path: `${P}/*` }, { reset: 'before' });
  const popup = await openPage('popup');
  const status = popup.getByRole('status');
  await expect(status).toContainText('Could not reach Kalshi', { timeout: 20_000 });
  await expect(popup.getByText('Kalshi’s list could not be read: these are the keys held in this browser.')).toBeVisible();
  for (const key of [sandbox, spare]) {
    await expect(popup.getByRole('listitem').filter({ hasText: key.keyId })).toContainText('not confirmed by Kalshi');
  }
  await expect(popup.getByRole('listitem').filter({ hasText: sandbox.keyId })).toContainText('signs requests');
  await expect(popup.getByText('This account has no API keys.')).toHaveCount(0);
  // Nothing was changed on Kalshi or here.
  expect(exchange.keys('demo')).toHaveLength(2);

  // Back in reach: the list is Kalshi's again.
  exchange.faultMode({ method: 'GET', path: `${P}/*` }, null);
  await popup.reload();
  await expect(popup.getByRole('listitem').filter({ hasText: sandbox.keyId })).toContainText('signs requests');
  await expect(popup.getByText('not confirmed by Kalshi')).toHaveCount(0);
  await expect(popup.getByText('Kalshi’s list could not be read')).toHaveCount(0);
});
