import { expect, importThroughOptions, test } from './fixtures';

test('imports a sandbox key on the options page, proves it, and forgets the PEM', async ({ exchange, openPage }) => {
  const account = exchange.seedAccount('demo', { name: 'sandbox' });
  const options = await openPage('options');
  await importThroughOptions(options, 'Demo', account.keyId, account.privateKeyPem);

  await expect(options.getByRole('status')).toContainText('Imported “sandbox”');
  await expect(options.getByLabel('Private key', { exact: true })).toHaveValue('');
  // The exchange saw a request signed with this key and accepted it.
  expect(exchange.requests.some((r) => r.keyId === account.keyId && r.status === 200 && r.env === 'demo')).toBe(true);
  // No PEM text is left in the page.
  expect(await options.content()).not.toContain('PRIVATE KEY-----\nMII');

  const popup = await openPage('popup');
  await expect(popup.getByLabel('Environment')).toHaveValue('demo');
  const item = popup.getByRole('listitem').filter({ hasText: account.keyId });
  await expect(item).toContainText('sandbox');
  await expect(item).toContainText('signs requests');
});

test('creates a key in the popup: only the public half goes to Kalshi', async ({ exchange, openPage }) => {
  const account = exchange.seedAccount('demo', { name: 'sandbox', usageTier: 'premier' });
  const options = await openPage('options');
  await importThroughOptions(options, 'Demo', account.keyId, account.privateKeyPem);
  await expect(options.getByRole('status')).toContainText('Imported');

  const popup = await openPage('popup');
  await popup.getByLabel('Key name').fill('trading bot');
  await popup.getByRole('button', { name: 'Create key' }).click();
  await expect(popup.getByRole('status')).toContainText('Created “trading bot”');

  const created = exchange.keys('demo').find((k) => k.name === 'trading bot');
  expect(created).toBeDefined();
  expect(created!.scopes).toEqual(['read', 'write']);
  const item = popup.getByRole('listitem').filter({ hasText: created!.api_key_id });
  await expect(item).toContainText('held here');
});

test('a usage tier that may not upload keys is told why, and Generate on Kalshi adopts the key unseen', async ({ exchange, openPage }) => {
  const account = exchange.seedAccount('demo', { usageTier: 'basic' });
  const options = await openPage('options');
  await importThroughOptions(options, 'Demo', account.keyId, account.privateKeyPem);
  await expect(options.getByRole('status')).toContainText('Imported');

  const popup = await openPage('popup');
  await expect(popup.getByText('Usage level Basic')).toBeVisible();
  await expect(popup.getByText('may not upload its own public key')).toBeVisible();
  await expect(popup.getByRole('button', { name: 'Create key' })).toHaveCount(0);
  await popup.getByLabel('Key name').fill('laptop');
  await popup.getByRole('button', { name: 'Generate on Kalshi' }).click();
  await expect(popup.getByRole('status')).toContainText('Created “laptop”. Its private key is kept in this browser');

  const created = exchange.keys('demo').find((k) => k.name === 'laptop')!;
  expect(exchange.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual(['/trade-api/v2/api_keys/generate']);
  await expect(popup.getByRole('listitem').filter({ hasText: created.api_key_id })).toContainText('held here');
  // The adopted key works: Test signs GET /portfolio/balance with it.
  await popup.getByRole('button', { name: 'Test laptop' }).click();
  await expect(popup.getByRole('status')).toContainText('“laptop” works');
  expect(exchange.requests).toContainEqual(
    expect.objectContaining({ path: '/trade-api/v2/portfolio/balance', keyId: created.api_key_id, status: 200 }),
  );
});

test('an unknown tier tries Create key; a 403 says why and offers Generate on Kalshi', async ({ exchange, openPage }) => {
  const account = exchange.seedAccount('demo', { usageTier: 'advanced' });
  const options = await openPage('options');
  await importThroughOptions(options, 'Demo', account.keyId, account.privateKeyPem);
  await expect(options.getByRole('status')).toContainText('Imported');

  // Every read of the usage level fails (the popup's, with its retries, and the health's beside it).
  const limits = { method: 'GET', path: '/trade-api/v2/account/limits' };
  exchange.faultMode(limits, { status: 500 });
  const popup = await openPage('popup');
  await expect(popup.getByText('Usage level unknown: Create key tries to make the pair here first.')).toBeVisible();
  exchange.faultMode(limits, null);
  await popup.getByLabel('Key name').fill('laptop');
  await popup.getByRole('button', { name: 'Create key' }).click();
  await expect(popup.getByRole('status')).toContainText('may not upload its own public key (403)');
  await expect(popup.getByRole('status')).toContainText('Kalshi can generate the key');
  expect(exchange.keys('demo')).toHaveLength(1);
  await expect(popup.getByRole('button', { name: 'Create key' })).toHaveCount(0);
  await popup.getByRole('button', { name: 'Generate on Kalshi' }).click();
  await expect(popup.getByRole('status')).toContainText('Created “laptop”');
  expect(exchange.keys('demo')).toHaveLength(2);
});

test('deletes a key after confirmation; the list and the exchange agree', async ({ exchange, openPage }) => {
  const account = exchange.seedAccount('demo', { usageTier: 'premier' });
  const options = await openPage('options');
  await importThroughOptions(options, 'Demo', account.keyId, account.privateKeyPem);
  await expect(options.getByRole('status')).toContainText('Imported');

  const popup = await openPage('popup');
  await popup.getByLabel('Key name').fill('old key');
  await popup.getByRole('button', { name: 'Create key' }).click();
  await expect(popup.getByRole('status')).toContainText('Created');
  expect(exchange.keys('demo')).toHaveLength(2);

  await popup.getByRole('button', { name: 'Delete old key' }).click();
  const dialog = popup.getByRole('alertdialog');
  await expect(dialog).toContainText('cannot be undone');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  expect(exchange.keys('demo')).toHaveLength(2);

  await popup.getByRole('button', { name: 'Delete old key' }).click();
  await popup.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
  await expect(popup.getByRole('status')).toContainText('Deleted “old key”');
  await expect(popup.getByRole('button', { name: 'Delete old key' })).toHaveCount(0);
  expect(exchange.keys('demo').map((k) => k.api_key_id)).toEqual([account.keyId]);
});

test('deleting the only signing key needs a second confirmation', async ({ exchange, openPage }) => {
  const account = exchange.seedAccount('demo', { name: 'only key' });
  const options = await openPage('options');
  await importThroughOptions(options, 'Demo', account.keyId, account.privateKeyPem);
  await expect(options.getByRole('status')).toContainText('Imported');

  const popup = await openPage('popup');
  await popup.getByRole('button', { name: 'Delete only key' }).click();
  const dialog = popup.getByRole('alertdialog');
  await expect(dialog).toContainText('locks');
  await expect(dialog.getByRole('button', { name: 'Delete' })).toBeDisabled();
  await dialog.getByLabel('I understand this locks the extension out').check();
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(popup.getByText('No key for Demo in this browser yet.')).toBeVisible();
  expect(exchange.keys('demo')).toHaveLength(0);
});

test('bad input on the options page gets a clear message and stores nothing', async ({ exchange, openPage, worker }) => {
  const demo = exchange.seedAccount('demo');
  const other = exchange.seedAccount('demo');
  const options = await openPage('options');
  const status = options.getByRole('status');

  await importThroughOptions(options, 'Demo', demo.keyId, 'hello world');
  await expect(status).toContainText('not a PEM private key');

  await importThroughOptions(options, 'Demo', '', demo.privateKeyPem);
  await expect(status).toContainText('empty');

  await importThroughOptions(options, 'Demo', 'not-a-key-id', demo.privateKeyPem);
  await expect(status).toContainText('does not look like a Kalshi key ID');

  // A key id that does not belong to this private key: Kalshi answers 401.
  await importThroughOptions(options, 'Demo', other.keyId, demo.privateKeyPem);
  await expect(status).toContainText('401');
  await expect(status).toContainText(`with key ${other.keyId}`);

  // A demo key imported as production.
  await importThroughOptions(options, 'Production', demo.keyId, demo.privateKeyPem);
  await expect(status).toContainText('other environment');
  await expect(status).toContainText('works on Demo, not Production');

  const stored = await worker.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('kalshi-key-manager');
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('keys')) return resolve(0);
          const count = db.transaction('keys').objectStore('keys').count();
          count.onsuccess = () => resolve(count.result);
          count.onerror = () => reject(count.error);
        };
        open.onerror = () => reject(open.error);
      }),
  );
  expect(stored).toBe(0);
});

test('the stored private key is non-extractable inside the service worker', async ({ exchange, openPage, worker }) => {
  const account = exchange.seedAccount('demo');
  const options = await openPage('options');
  await importThroughOptions(options, 'Demo', account.keyId, account.privateKeyPem);
  await expect(options.getByRole('status')).toContainText('Imported');

  const result = await worker.evaluate(
    () =>
      new Promise<{ extractable: boolean; exportError: string }>((resolve, reject) => {
        const open = indexedDB.open('kalshi-key-manager');
        open.onsuccess = () => {
          const all = open.result.transaction('keys').objectStore('keys').getAll();
          all.onsuccess = async () => {
            const key = all.result[0].privateKey as CryptoKey;
            const exportError = await crypto.subtle.exportKey('pkcs8', key).then(
              () => 'exported',
              (e: Error) => e.name,
            );
            resolve({ extractable: key.extractable, exportError });
          };
          all.onerror = () => reject(all.error);
        };
      }),
  );
  expect(result).toEqual({ extractable: false, exportError: 'InvalidAccessError' });
});
