import { expect, importThroughOptions, SHOTS, test } from './fixtures';

const B = { env: 'demo', account: 'b' } as const;

test('two Kalshi accounts end to end: import A, import B, name them, switch, create on B — only B’s keys listed, A untouched', async ({
  exchange,
  openPage,
}) => {
  const a = exchange.seedAccount('demo', { name: 'desk A', usageTier: 'premier' });
  const b = exchange.seedAccount(B, { name: 'desk B', usageTier: 'premier' });

  const options = await openPage('options');
  await importThroughOptions(options, 'Demo', a.keyId, a.privateKeyPem);
  await expect(options.getByRole('status')).toContainText('Imported');
  await importThroughOptions(options, 'Demo', b.keyId, b.privateKeyPem);
  await expect(options.getByRole('status')).toContainText('Imported');

  // Each account under its own heading, with its keys; named from the keyboard.
  const held = options.getByRole('region', { name: 'Keys held in this browser' });
  const idA = exchange.communicationsId('demo');
  const idB = exchange.communicationsId(B);
  await expect(held.getByRole('heading', { level: 3 })).toHaveText([
    `Demo · Account ${idA.slice(0, 8)}…`,
    `Demo · Account ${idB.slice(0, 8)}…`,
  ]);
  const names = held.getByLabel('Name of this account');
  await names.nth(0).fill('personal');
  await names.nth(0).press('Enter');
  await expect(options.getByRole('status')).toContainText('The account is now called personal.');
  await names.nth(1).fill('fund');
  await names.nth(1).press('Enter');
  await expect(options.getByRole('status')).toContainText('The account is now called fund.');
  await expect(held.getByRole('heading', { level: 3 })).toHaveText(['Demo · personal', 'Demo · fund']);
  for (const colorScheme of ['light', 'dark'] as const) {
    await options.emulateMedia({ colorScheme });
    await options.screenshot({ path: `${SHOTS}/options-accounts-${colorScheme}.png`, fullPage: true });
  }

  // The popup opens on the account of the key imported last, its list only.
  const popup = await openPage('popup');
  const account = popup.getByLabel('Account', { exact: true });
  await expect(account).toHaveValue(idB);
  await expect(account.locator('option')).toHaveText(['personal', 'fund']);
  await expect(popup.getByRole('listitem')).toHaveCount(1);
  await expect(popup.getByRole('listitem')).toContainText('desk B');

  // Switch to A from the keyboard: A's key signs, A's list shown.
  await account.focus();
  await popup.keyboard.press('ArrowUp');
  await expect(account).toHaveValue(idA);
  await expect(popup.getByRole('listitem')).toHaveCount(1);
  await expect(popup.getByRole('listitem')).toContainText('desk A');
  await expect(popup.locator('.signing-line')).toContainText('desk A');

  // Back to B, and create a key there.
  await account.selectOption({ label: 'fund' });
  await expect(popup.getByRole('listitem')).toContainText('desk B');
  const aBefore = exchange.keys('demo').map((k) => k.api_key_id);
  await popup.getByLabel('Key name').fill('bot on B');
  await popup.getByRole('button', { name: 'Create key' }).click();
  await expect(popup.getByRole('status')).toContainText('Created “bot on B”');
  await expect(popup.getByRole('listitem')).toHaveCount(2);
  expect(exchange.keys(B).map((k) => k.name)).toEqual(['desk B', 'bot on B']);
  expect(exchange.keys('demo').map((k) => k.api_key_id)).toEqual(aBefore);
  for (const colorScheme of ['light', 'dark'] as const) {
    await popup.emulateMedia({ colorScheme });
    await popup.screenshot({ path: `${SHOTS}/popup-accounts-${colorScheme}.png` });
  }

  // A's list is untouched: reopened on A, only A's key.
  await account.selectOption({ label: 'personal' });
  await expect(popup.getByRole('listitem')).toHaveCount(1);
  await expect(popup.getByRole('listitem')).toContainText('desk A');
  // And the choice is remembered: the next popup opens on A.
  await popup.close();
  const again = await openPage('popup');
  await expect(again.getByLabel('Account', { exact: true })).toHaveValue(idA);
  await expect(again.getByRole('listitem')).toHaveCount(1);
  await expect(again.getByRole('listitem')).toContainText('desk A');
});
