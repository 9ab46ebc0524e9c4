import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import type { Exchange, Tier } from '../../exchange/server';
import { expect, importThroughOptions, test } from './fixtures';

/** Seeds a demo account, imports its key through the options page, and opens the popup. */
async function setUp(exchange: Exchange, openPage: (p: 'popup' | 'options') => Promise<Page>, usageTier: Tier = 'premier') {
  const account = exchange.seedAccount('demo', { name: 'sandbox', usageTier });
  const options = await openPage('options');
  await importThroughOptions(options, 'Demo', account.keyId, account.privateKeyPem);
  await expect(options.getByRole('status')).toContainText('Imported');
  const popup = await openPage('popup');
  await expect(popup.getByRole('listitem')).toHaveCount(1);
  return { account, popup };
}

const spkiOf = (privatePem: string) => createPublicKey(createPrivateKey(privatePem)).export({ type: 'spki', format: 'pem' });

async function saveSecret(popup: Page) {
  const dialog = popup.getByRole('alertdialog');
  await expect(dialog).toContainText('only time it can be shown');
  const [download] = await Promise.all([popup.waitForEvent('download'), dialog.getByRole('button', { name: 'Download' }).click()]);
  const pem = readFileSync((await download.path())!, 'utf8');
  await dialog.getByRole('button', { name: 'Done — forget it' }).click();
  await expect(dialog).toHaveCount(0);
  expect(await popup.content()).not.toContain('-----BEGIN');
  return { pem, fileName: download.suggestedFilename() };
}

test('a bot key made locally: only the public half goes to Kalshi, the private half is handed over once as PKCS#1', async ({
  exchange,
  openPage,
}) => {
  const { popup } = await setUp(exchange, openPage);
  await popup.getByLabel('Key name').fill('Market Bot');
  await popup.getByLabel('Download once, for a bot or server').check();
  await popup.getByText('Key type, scopes, subaccount').click();
  await popup.getByLabel('File format (keys made in this browser)').selectOption('pkcs1');
  await popup.getByRole('button', { name: 'Create key' }).click();

  const { pem, fileName } = await saveSecret(popup);
  const created = exchange.keys('demo').find((k) => k.name === 'Market Bot')!;
  expect(fileName).toBe(`kalshi-demo-market-bot-${created.api_key_id.slice(0, 8)}.key`);
  expect(pem).toContain('-----BEGIN RSA PRIVATE KEY-----');
  expect(spkiOf(pem)).toBe(createPublicKey(created.public_key).export({ type: 'spki', format: 'pem' }));
  expect(exchange.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual(['/trade-api/v2/api_keys']);
  // The extension keeps nothing of it.
  await expect(popup.getByRole('listitem').filter({ hasText: created.api_key_id })).not.toContainText('held here');
  await expect(popup.getByRole('button', { name: 'Test Market Bot' })).toHaveCount(0);
});

test('a server-generated Ed25519 bot key is shown once with a warning, then wiped', async ({ exchange, openPage }) => {
  const { popup } = await setUp(exchange, openPage, 'basic');
  await popup.getByLabel('Key name').fill('server');
  await popup.getByLabel('Download once, for a bot or server').check();
  await popup.getByText('Key type, scopes, subaccount').click();
  await popup.getByLabel('Key type').selectOption('Ed25519');
  await popup.getByRole('button', { name: 'Generate on Kalshi' }).click();

  const dialog = popup.getByRole('alertdialog');
  await dialog.getByRole('button', { name: 'Show key' }).click();
  await expect(dialog.getByLabel('Private key')).toContainText('-----BEGIN PRIVATE KEY-----');
  const { pem } = await saveSecret(popup);
  const created = exchange.keys('demo').find((k) => k.name === 'server')!;
  expect(created.key_type).toBe('ed25519');
  expect(createPrivateKey(pem).asymmetricKeyType).toBe('ed25519');
  expect(spkiOf(pem)).toBe(createPublicKey(created.public_key).export({ type: 'spki', format: 'pem' }));
});

test('a key name over 100 characters is warned about, never refused: Kalshi gets the whole name', async ({ exchange, openPage }) => {
  const { popup } = await setUp(exchange, openPage, 'basic');
  const field = popup.getByLabel('Key name');
  const warning = 'Kalshi publishes no limit on key names, but very long names may be refused.';
  await field.fill('n'.repeat(100));
  await expect(popup.getByText(warning)).toHaveCount(0);
  const long = `${'n'.repeat(100)} and then some`;
  await field.fill(long);
  await expect(field).toHaveValue(long);
  await expect(field).toHaveAccessibleDescription(warning);
  await popup.getByRole('button', { name: 'Generate on Kalshi' }).click();
  await expect(popup.getByRole('status')).not.toContainText('too long');
  await expect.poll(() => exchange.keys('demo').map((k) => k.name)).toContain(long);
});

test('scopes and subaccount: presets, a bad subaccount and write without read are refused before any request', async ({
  exchange,
  openPage,
}) => {
  const { popup } = await setUp(exchange, openPage);
  await popup.getByLabel('Key name').fill('reader');
  await popup.getByText('Key type, scopes, subaccount').click();
  await expect(popup.getByText('including moving money and creating or deleting API keys')).toBeVisible();

  const before = exchange.requests.length;
  await popup.getByLabel('Subaccount (0–63, optional)').fill('64');
  await popup.getByRole('button', { name: 'Create key' }).click();
  await expect(popup.getByRole('status')).toContainText('subaccount must be a whole number from 0 to 63');

  await popup.getByLabel('Subaccount (0–63, optional)').fill('');
  await popup.getByLabel('Custom').check();
  await popup.getByRole('checkbox', { name: /Read everything/ }).uncheck();
  await popup.getByRole('checkbox', { name: /Write everything/ }).check();
  await popup.getByRole('button', { name: 'Create key' }).click();
  await expect(popup.getByRole('status')).toContainText('The “write” scope needs “read” as well.');
  expect(exchange.requests.length).toBe(before);

  await popup.getByLabel('Read only').check();
  await popup.getByLabel('Subaccount (0–63, optional)').fill('5');
  await popup.getByRole('button', { name: 'Create key' }).click();
  await expect(popup.getByRole('status')).toContainText('Created “reader”');
  expect(exchange.keys('demo').find((k) => k.name === 'reader')).toMatchObject({ scopes: ['read'], subaccount: 5 });
  await expect(popup.getByRole('listitem').filter({ hasText: 'reader' })).toContainText('read · subaccount 5');

  await popup.getByLabel('Key name').fill('trader');
  await popup.getByLabel('Trade', { exact: true }).check();
  await popup.getByLabel('Subaccount (0–63, optional)').fill('');
  await popup.getByRole('button', { name: 'Create key' }).click();
  await expect(popup.getByRole('status')).toContainText('Created “trader”');
  expect(exchange.keys('demo').find((k) => k.name === 'trader')?.scopes).toEqual(['read', 'write::trade']);
});

test('rotate the signing key: new key made, tested, switched to, old key deleted', async ({ exchange, openPage }) => {
  const { account, popup } = await setUp(exchange, openPage);
  await popup.getByRole('button', { name: 'Rotate sandbox' }).click();
  await popup.getByRole('alertdialog').getByRole('button', { name: 'Rotate' }).click();
  await expect(popup.getByRole('status')).toContainText('Rotated: the new key');

  const keys = exchange.keys('demo');
  expect(keys).toHaveLength(1);
  expect(keys[0]!.api_key_id).not.toBe(account.keyId);
  expect(keys[0]!.scopes).toEqual(['read', 'write']);
  const item = popup.getByRole('listitem').filter({ hasText: keys[0]!.api_key_id });
  await expect(item).toContainText('signs requests');
  await expect(item).toContainText('verified just now');
  // The new key really signs: the exchange accepted the list that followed.
  expect(exchange.requests.at(-1)).toMatchObject({ keyId: keys[0]!.api_key_id, status: 200 });
});

test('rotation that fails its test stops there and says where each key stands', async ({ exchange, openPage }) => {
  const { account, popup } = await setUp(exchange, openPage);
  exchange.failNext({ method: 'GET', path: '/trade-api/v2/portfolio/balance' }, { status: 500, times: 3 });
  await popup.getByRole('button', { name: 'Rotate sandbox' }).click();
  await popup.getByRole('alertdialog').getByRole('button', { name: 'Rotate' }).click();
  const status = popup.getByRole('status');
  await expect(status).toContainText('Kalshi had a problem answering');
  await expect(status).toContainText(`The old key ${account.keyId.slice(0, 8)} is unchanged and still works.`);
  await expect(status).toContainText('did not pass its test: you may delete it');
  expect(exchange.keys('demo')).toHaveLength(2);
  await expect(popup.getByRole('listitem').filter({ hasText: account.keyId })).toContainText('signs requests');
});

test('test a key, switch the signing key, and forget a key in this browser only', async ({ exchange, openPage }) => {
  const { account, popup } = await setUp(exchange, openPage);
  await popup.getByLabel('Key name').fill('spare');
  await popup.getByRole('button', { name: 'Create key' }).click();
  await expect(popup.getByRole('status')).toContainText('Created “spare”');
  const spare = popup.getByRole('listitem').filter({ hasText: 'spare' });
  await expect(spare).toContainText('not verified yet');

  await popup.getByRole('button', { name: 'Test spare' }).click();
  await expect(popup.getByRole('status')).toContainText('“spare” works: Kalshi accepted a signed request (balance $1,000.00)');
  await expect(spare).toContainText('verified just now');

  await popup.getByRole('button', { name: 'Use for signing spare' }).click();
  await expect(popup.getByRole('status')).toContainText('now signs with “spare”');
  await expect(spare).toContainText('signs requests');
  expect(exchange.requests.at(-1)?.keyId).not.toBe(account.keyId);

  await popup.getByRole('button', { name: 'Forget in this browser sandbox' }).click();
  await popup.getByRole('alertdialog').getByRole('button', { name: 'Forget' }).click();
  await expect(popup.getByRole('status')).toContainText('no longer holds “sandbox”');
  const old = popup.getByRole('listitem').filter({ hasText: account.keyId });
  await expect(old).not.toContainText('held here');
  expect(exchange.keys('demo').map((k) => k.api_key_id)).toContain(account.keyId);
});

test('an encrypted PKCS#8 key asks for its passphrase, refuses a wrong one, and imports with the right one', async ({
  exchange,
  openPage,
}) => {
  const account = exchange.seedAccount('demo', { name: 'locked' });
  const encrypted = createPrivateKey(account.privateKeyPem).export({
    type: 'pkcs8',
    format: 'pem',
    cipher: 'aes-256-cbc',
    passphrase: 'correct horse',
  });
  const options = await openPage('options');
  await importThroughOptions(options, 'Demo', account.keyId, String(encrypted));
  await expect(options.getByRole('status')).toContainText('protected by a passphrase');
  await expect(options.getByLabel('Passphrase')).toBeFocused();
  expect(exchange.requests).toHaveLength(0);

  await options.getByLabel('Passphrase').fill('wrong');
  await options.getByRole('button', { name: 'Import key' }).click();
  await expect(options.getByRole('status')).toContainText('does not unlock');
  await options.getByLabel('Passphrase').fill('correct horse');
  await options.getByRole('button', { name: 'Import key' }).click();
  await expect(options.getByRole('status')).toContainText('Imported “locked”');
  await expect(options.getByLabel('Passphrase')).toHaveCount(0);
});

test('copy a key id', async ({ context, exchange, openPage }) => {
  const { account, popup } = await setUp(exchange, openPage);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await popup.getByRole('button', { name: 'Copy ID sandbox' }).click();
  await expect(popup.getByRole('status')).toContainText('Copied the key ID of “sandbox”');
  expect(await popup.evaluate(() => navigator.clipboard.readText())).toBe(account.keyId);
});

test('the popup paints the last known list at once and refreshes it behind', async ({ exchange, openPage }) => {
  const { account } = await setUp(exchange, openPage);
  const listed = () => exchange.requests.filter((r) => r.path === '/trade-api/v2/api_keys' && r.method === 'GET').length;
  const before = listed();
  exchange.failNext({ method: 'GET', path: '/trade-api/v2/api_keys' }, { delayMs: 2_000 });
  const again = await openPage('popup');
  await expect(again.getByRole('listitem').filter({ hasText: account.keyId })).toBeVisible();
  // Painted from the worker's last list: the exchange has not answered the new list request yet.
  expect(listed()).toBe(before);
  await expect.poll(listed).toBe(before + 1);
});
