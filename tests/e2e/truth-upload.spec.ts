/**
 * Kalshi's 403 on an upload is the authority, not the usage level it reports: an account whose
 * limits say Prime but whose uploads are refused is told so, offered Generate on Kalshi at once, and
 * from then on every new key — rotation included — is made on Kalshi.
 */
import { expect, importThroughOptions, test } from './fixtures';

const P = '/trade-api/v2';

test('uploads refused at Prime: Generate on Kalshi from the status, then every create and a rotation go that way', async ({
  exchange,
  openPage,
}) => {
  const account = exchange.seedAccount('demo', { name: 'sandbox', usageTier: 'prime' });
  exchange.setUploadAllowed('demo', false); // a lapsed grant: the limits still say Prime
  const options = await openPage('options');
  await importThroughOptions(options, 'Demo', account.keyId, account.privateKeyPem);
  await expect(options.getByRole('status')).toContainText('Imported');
  await options.close();

  const popup = await openPage('popup');
  const status = popup.getByRole('status');
  await expect(popup.getByText('Usage level Prime')).toBeVisible();
  // The level says uploads are allowed, so Create key is tried first.
  await popup.getByLabel('Key name').fill('laptop');
  await popup.getByRole('button', { name: 'Create key' }).click();
  await expect(status).toContainText('may not upload its own public key (403)');
  expect(exchange.keys('demo')).toHaveLength(1);
  const posts = () => exchange.requests.filter((r) => r.method === 'POST').map((r) => `${r.path} ${r.status}`);
  expect(posts()).toEqual([`${P}/api_keys 403`]);

  // Offered right there, for the same request.
  const offer = popup.getByRole('button', { name: 'Generate “laptop” on Kalshi' });
  await expect(offer).toBeVisible();
  await expect(popup.getByRole('button', { name: 'Create key' })).toHaveCount(0);
  await expect(popup.getByText('Kalshi refused to take a public key from this account')).toBeVisible();
  await offer.click();
  await expect(status).toContainText('Created “laptop”. Its private key is kept in this browser');
  await expect(offer).toHaveCount(0);
  const laptop = exchange.keys('demo').find((k) => k.name === 'laptop');
  expect(laptop).toBeDefined();
  expect(laptop!.scopes).toEqual(['read', 'write']);
  expect(posts()).toEqual([`${P}/api_keys 403`, `${P}/api_keys/generate 201`]);
  await expect(popup.getByRole('listitem').filter({ hasText: laptop!.api_key_id })).toContainText('held here');

  // The next create goes the Kalshi way at once: Enter submits Generate on Kalshi.
  await popup.getByLabel('Key name').fill('desk');
  await popup.getByLabel('Key name').press('Enter');
  await expect(status).toContainText('Created “desk”');
  expect(posts()).toEqual([`${P}/api_keys 403`, `${P}/api_keys/generate 201`, `${P}/api_keys/generate 201`]);
  expect(exchange.keys('demo').map((k) => k.name)).toEqual(expect.arrayContaining(['sandbox', 'laptop', 'desk']));

  // The worker remembers Kalshi's refusal: a reopened popup starts with Generate on Kalshi.
  await popup.close();
  const again = await openPage('popup');
  await expect(again.getByText('Usage level Prime')).toBeVisible();
  await expect(again.getByText('Kalshi refused to take a public key from this account')).toBeVisible();
  await expect(again.getByRole('button', { name: 'Create key' })).toHaveCount(0);
  await expect(again.getByRole('button', { name: 'Generate on Kalshi' })).toBeVisible();

  // Rotating the signing key generates the replacement on Kalshi; the old key is deleted there.
  await again.getByRole('button', { name: 'Rotate sandbox' }).click();
  await again.getByRole('alertdialog').getByRole('button', { name: 'Rotate' }).click();
  await expect(again.getByRole('status')).toContainText('Rotated: the new key');
  const keys = exchange.keys('demo');
  expect(keys.map((k) => k.api_key_id)).not.toContain(account.keyId);
  const replacement = keys.find((k) => k.name === 'sandbox');
  expect(replacement).toBeDefined();
  expect(posts().at(-1)).toBe(`${P}/api_keys/generate 201`);
  expect(posts().filter((p) => p.startsWith(`${P}/api_keys 403`))).toHaveLength(1); // no second upload tried
  const item = again.getByRole('listitem').filter({ hasText: replacement!.api_key_id });
  await expect(item).toContainText('signs requests');
  await expect(again.getByRole('listitem').filter({ hasText: account.keyId })).toHaveCount(0);
  // The new key really signs: Kalshi accepted the list that followed.
  expect(exchange.requests.at(-1)).toMatchObject({ keyId: replacement!.api_key_id, status: 200 });
});

test('Kalshi’s warning about a new key is shown after the create, in its words', async ({ exchange, openPage }) => {
  const account = exchange.seedAccount('demo', { name: 'sandbox', usageTier: 'premier' });
  exchange.setFcmMember('demo', true);
  const options = await openPage('options');
  await importThroughOptions(options, 'Demo', account.keyId, account.privateKeyPem);
  await expect(options.getByRole('status')).toContainText('Imported');
  await options.close();
  const popup = await openPage('popup');
  await popup.getByLabel('Key name').fill('subtrader');
  await popup.getByText('Key type, scopes, subaccount').click();
  await popup.getByLabel('FCM subtrader ID (FCM members only)').fill(`${exchange.userId('demo')}_bot1`);
  await popup.getByLabel('Download once, for a bot or server').check(); // Kalshi's rule: subtrader keys work over FIX only
  await popup.getByRole('button', { name: 'Create key' }).click();
  await expect(popup.getByRole('alertdialog')).toContainText('Save the private key for “subtrader” now');
  const status = popup.locator('div.status'); // the page's status region, behind the dialog
  await expect(status).toContainText('Created “subtrader”');
  await expect(status).toContainText('Kalshi warns: subtrader has no risk caps configured');
  expect(exchange.keys('demo').find((k) => k.name === 'subtrader')?.fcm_subtrader_id).toBe(`${exchange.userId('demo')}_bot1`);
});
