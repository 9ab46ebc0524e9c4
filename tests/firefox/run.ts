/**
 * `npm run test:firefox`: the production Firefox build (.output/firefox-mv3, unchanged) in
 * Debian's Firefox ESR against the local exchange. A plain script: each test gets a fresh Firefox
 * profile; it prints one line per test, then "N passed, N failed", and exits non-zero on a failure.
 * Filter with `npm run test:firefox -- <words in a test name>`.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { startExchange, type Exchange } from '../../exchange/server';
import { ALL_API_HOSTS } from '../../lib/shared/environments';
import { KALSHI_ORIGINS } from '../../lib/kalshi/host-access';
import { FIREFOX_BUILD, GECKO_ID } from '../../scripts/firefox';
import { AMO_LISTING, CHROME_LISTING, amoListingProblems, type Manifest } from '../../scripts/store-listing';
import { previousBuild } from '../helpers/previous-build';
import { ORDER, agentFor, raw, refusal, sdk } from '../helpers/bot-sdk';
import { startConnectProxy, type ConnectProxy } from './connect-proxy';
import {
  allowInPrivateBrowsing,
  importThroughOptions,
  launchFirefox,
  listItem,
  role,
  statusText,
  waitForStatus,
  type Firefox,
} from './firefox';

const SHOTS = resolve('test-results/firefox');
const TEST_TIMEOUT_MS = 90_000;

interface Context {
  exchange: Exchange;
  proxy: ConnectProxy;
  /** Starts Firefox with the add-on installed; closed after the test. */
  firefox(options?: { privateBrowsing?: boolean; env?: NodeJS.ProcessEnv; build?: string }): Promise<Firefox>;
}

const tests: Array<{ name: string; run: (t: Context) => Promise<void> }> = [];
const test = (name: string, run: (t: Context) => Promise<void>) => tests.push({ name, run });

/** What the extension's pages see in IndexedDB: the stored keys' algorithm and whether they export. */
function inspectStoredKeys(page: Page) {
  return page.evaluate(
    () =>
      new Promise<Array<{ algorithm: string; extractable: boolean; exportError: string }>>((resolve, reject) => {
        const open = indexedDB.open('kalshi-key-manager');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('keys').objectStore('keys').getAll();
          all.onerror = () => reject(all.error);
          all.onsuccess = async () => {
            const out = [];
            for (const record of all.result as Array<{ privateKey: CryptoKey }>) {
              const key = record.privateKey;
              const exportError = await crypto.subtle.exportKey('pkcs8', key).then(
                () => 'exported',
                (e: Error) => e.name,
              );
              out.push({ algorithm: key.algorithm.name, extractable: key.extractable, exportError });
            }
            resolve(out);
          };
        };
      }),
  );
}

test('the Firefox manifest: gecko id, background scripts, only Kalshi’s four hosts', async () => {
  const firefox = JSON.parse(readFileSync(join(FIREFOX_BUILD, 'manifest.json'), 'utf8'));
  assert.equal(firefox.manifest_version, 3);
  assert.equal(firefox.browser_specific_settings.gecko.id, GECKO_ID);
  assert.deepEqual(firefox.background, { scripts: ['background.js'] });
  assert.deepEqual(
    firefox.host_permissions,
    ALL_API_HOSTS.map((h) => `https://${h}/*`),
  );
  assert.deepEqual(firefox.permissions, ['storage', 'alarms', 'nativeMessaging']);
  assert.equal(firefox.content_scripts, undefined);
  assert.equal(firefox.icons['16'], 'icon/16.png');
});

test('imports an RSA key on the options page; the popup lists it; the key does not export', async ({ exchange, proxy, firefox }) => {
  const account = exchange.seedAccount('demo', { name: 'sandbox' });
  const ff = await firefox();
  const options = await ff.openPage('options');
  await importThroughOptions(options, 'demo', account.keyId, account.privateKeyPem);
  await waitForStatus(options, 'Imported “sandbox”');
  assert.equal(await options.$eval(role('textbox', 'Private key'), (el) => (el as HTMLTextAreaElement).value), '');
  assert.ok(!(await options.content()).includes('PRIVATE KEY-----\nMII'), 'PEM text left in the page');
  // The background signed a request with it (RSA-PSS) and the exchange accepted it.
  assert.ok(exchange.requests.some((r) => r.keyId === account.keyId && r.status === 200 && r.env === 'demo'));
  assert.deepEqual(await inspectStoredKeys(options), [{ algorithm: 'RSA-PSS', extractable: false, exportError: 'InvalidAccessError' }]);

  const popup = await ff.openPage('popup');
  const item = await listItem(popup, account.keyId);
  assert.match(item, /sandbox/);
  assert.match(item, /signs requests/);
  mkdirSync(SHOTS, { recursive: true });
  await popup.screenshot({ path: join(SHOTS, 'popup.png') });
  // Only Kalshi's hosts were asked for by name (Firefox's own update traffic is refused, unnamed here).
  assert.ok(proxy.tunnelled.every((t) => ALL_API_HOSTS.some((h) => t === `${h}:443`)));
});

test('imports an Ed25519 key: Firefox signs with Ed25519 in the background', async ({ exchange, firefox }) => {
  const account = exchange.seedAccount('production', { name: 'ed key', keyType: 'ed25519' });
  const ff = await firefox();
  const options = await ff.openPage('options');
  await importThroughOptions(options, 'production', account.keyId, account.privateKeyPem);
  await waitForStatus(options, 'Imported “ed key”');
  assert.ok(exchange.requests.some((r) => r.keyId === account.keyId && r.status === 200 && r.env === 'production'));
  assert.deepEqual(await inspectStoredKeys(options), [{ algorithm: 'Ed25519', extractable: false, exportError: 'InvalidAccessError' }]);
});

test('creates a key in the popup: made in Firefox, only the public half goes to Kalshi', async ({ exchange, firefox }) => {
  const account = exchange.seedAccount('demo', { name: 'sandbox', usageTier: 'premier' });
  const ff = await firefox();
  const options = await ff.openPage('options');
  await importThroughOptions(options, 'demo', account.keyId, account.privateKeyPem);
  await waitForStatus(options, 'Imported');

  const popup = await ff.openPage('popup');
  await listItem(popup, account.keyId);
  await popup.locator(role('textbox', 'Key name')).fill('trading bot');
  await popup.locator(role('button', 'Create key')).click();
  await waitForStatus(popup, 'Created “trading bot”');

  const created = exchange.keys('demo').find((k) => k.name === 'trading bot');
  assert.ok(created, 'the exchange has no key named “trading bot”');
  assert.deepEqual(created.scopes, ['read', 'write']);
  assert.match(created.public_key, /^-----BEGIN PUBLIC KEY-----/);
  assert.deepEqual(
    exchange.requests.filter((r) => r.method === 'POST').map((r) => r.path),
    ['/trade-api/v2/api_keys'],
  );
  assert.match(await listItem(popup, created.api_key_id), /held here/);
  const stored = await inspectStoredKeys(popup);
  assert.equal(stored.length, 2);
  assert.ok(stored.every((k) => !k.extractable && k.exportError === 'InvalidAccessError'));
});

test('deletes a key after confirmation; the list and the exchange agree', async ({ exchange, firefox }) => {
  const account = exchange.seedAccount('demo', { usageTier: 'premier' });
  const ff = await firefox();
  const options = await ff.openPage('options');
  await importThroughOptions(options, 'demo', account.keyId, account.privateKeyPem);
  await waitForStatus(options, 'Imported');

  const popup = await ff.openPage('popup');
  await listItem(popup, account.keyId);
  await popup.locator(role('textbox', 'Key name')).fill('old key');
  await popup.locator(role('button', 'Create key')).click();
  await waitForStatus(popup, 'Created');
  assert.equal(exchange.keys('demo').length, 2);

  await popup.locator(role('button', 'Delete old key')).click();
  await popup.waitForSelector('::-p-aria([role="alertdialog"])');
  assert.match(await popup.$eval('dialog[open]', (d) => d.textContent ?? ''), /cannot be undone/);
  await popup.locator(`dialog[open] ${role('button', 'Cancel')}`).click();
  await popup.waitForFunction(() => !document.querySelector('dialog[open]'));
  assert.equal(exchange.keys('demo').length, 2);

  await popup.locator(role('button', 'Delete old key')).click();
  await popup.locator(`dialog[open] ${role('button', 'Delete')}`).click();
  await waitForStatus(popup, 'Deleted “old key”');
  await popup.waitForFunction(() => !document.querySelector('[aria-label="Delete old key"]'));
  assert.deepEqual(
    exchange.keys('demo').map((k) => k.api_key_id),
    [account.keyId],
  );
});

test('Firefox set to always use private browsing: the import says why keys cannot be kept', async ({ exchange, firefox }) => {
  const account = exchange.seedAccount('demo', { name: 'sandbox' });
  const ff = await firefox({ privateBrowsing: true });
  // Without "Run in Private Windows" the add-on's own pages get no extension APIs at all.
  assert.equal(await allowInPrivateBrowsing(ff), 'allowed');
  const options = await ff.openPage('options');
  const seen = await options.evaluate(
    () =>
      new Promise<{ incognito: boolean; idb: string }>((resolve) => {
        const incognito = (globalThis as unknown as { browser: { extension: { inIncognitoContext: boolean } } }).browser.extension
          .inIncognitoContext;
        const open = indexedDB.open('probe');
        open.onsuccess = () => resolve({ incognito, idb: 'opened' });
        open.onerror = () => resolve({ incognito, idb: open.error?.name ?? 'error' });
      }),
  );
  assert.deepEqual(seen, { incognito: true, idb: 'InvalidStateError' });

  await importThroughOptions(options, 'demo', account.keyId, account.privateKeyPem);
  const status = await waitForStatus(options, 'always use private browsing');
  assert.match(status, /Remember history/);
  assert.doesNotMatch(status, /Imported/);
});

test('host access withdrawn in Firefox: both pages offer “Allow access to Kalshi”; a click gives it back', async ({
  exchange,
  firefox,
}) => {
  const account = exchange.seedAccount('demo', { name: 'sandbox' });
  const ff = await firefox();
  const options = await ff.openPage('options');
  type Perms = { permissions: { contains(p: object): Promise<boolean>; remove(p: object): Promise<boolean> } };
  const perms = (page: Page, op: 'contains' | 'remove', origins: string[]) =>
    page.evaluate((o, which) => (globalThis as unknown as { browser: Perms }).browser.permissions[which]({ origins: o }), origins, op);
  const origins = [...KALSHI_ORIGINS];
  const allow = role('button', 'Allow access to Kalshi');
  const noAllowButton = (page: Page) =>
    page.waitForFunction(() => ![...document.querySelectorAll('button')].some((b) => b.textContent === 'Allow access to Kalshi'));

  // Firefox (140 as well as later ESRs) grants the manifest's host permissions at install: no button.
  assert.equal(await perms(options, 'contains', origins), true);
  assert.equal(await options.$(allow), null);
  // …and lets the user take them back (about:addons → Permissions): the open page notices.
  assert.equal(await perms(options, 'remove', origins), true);
  assert.equal(await perms(options, 'contains', origins), false);
  await options.waitForSelector(allow);

  await importThroughOptions(options, 'demo', account.keyId, account.privateKeyPem);
  await options.waitForFunction(() => document.querySelector('[role=status]')?.classList.contains('status-error'), { timeout: 20_000 });
  assert.doesNotMatch(await statusText(options), /Imported/);
  // Only a CORS preflight reached the exchange: no signed request got through.
  assert.ok(!exchange.requests.some((r) => r.keyId === account.keyId && r.status === 200));
  assert.match(await options.$eval('.host-access', (el) => el.textContent ?? ''), /external-api\.demo\.kalshi\.co/);

  // The page's own button: permissions.request() works only inside a real click (Firefox's prompt is
  // answered at once here, extensions.webextOptionalPermissionPrompts being off).
  await options.locator(allow).click();
  await noAllowButton(options);
  assert.equal(await perms(options, 'contains', ['https://external-api.demo.kalshi.co/*']), true);

  await options.locator(role('textbox', 'API key ID')).fill(account.keyId);
  await options.locator(role('textbox', 'Private key')).fill(account.privateKeyPem);
  await options.locator(role('button', 'Import key')).click();
  await waitForStatus(options, 'Imported “sandbox”');

  // The popup: opened without access it shows the button and no list; the click brings the list.
  assert.equal(await perms(options, 'remove', origins), true);
  const popup = await ff.openPage('popup');
  await popup.waitForSelector(allow);
  await popup.waitForFunction(() => document.querySelector('[role=status]')?.classList.contains('status-error'), { timeout: 20_000 });
  const listedBefore = exchange.requests.filter((r) => r.keyId === account.keyId && r.status === 200).length;
  await popup.locator(allow).click();
  await noAllowButton(popup);
  assert.match(await listItem(popup, account.keyId), /sandbox/);
  assert.ok(exchange.requests.filter((r) => r.keyId === account.keyId && r.status === 200).length > listedBefore);
});

// ---- runner ----

/** Admits a bot in the options page, as a person would; its token, shown once. */
async function admitBot(options: Page, name: string, preset: string): Promise<string> {
  await options.locator(role('textbox', "Bot's name")).fill(name);
  await options.locator(role('radio', preset)).click();
  await options.locator(role('button', 'Admit bot')).click();
  await options.waitForSelector('#bot-token');
  const token = await options.$eval('#bot-token', (el) => el.textContent ?? '');
  await options.locator(role('button', 'I have saved it')).click();
  await options.waitForSelector('#bot-token', { hidden: true });
  return token;
}

test('a bot using Kalshi’s SDK trades through the agent in Firefox with an Ed25519 key; refusals; closed, 503', async ({
  exchange,
  firefox,
}) => {
  // Kalshi's TypeScript SDK cannot sign Ed25519: through the agent, the extension signs for it.
  const seeded = exchange.seedAccount('demo', { name: 'trader', keyType: 'ed25519' });
  // Firefox looks for native hosts under ~/.mozilla: a HOME of the test's own keeps the user's untouched.
  const agent = await agentFor(exchange);
  agent.env.HOME = join(agent.work, 'home');
  try {
    agent.run('install', 'firefox');
    const ff = await firefox({ env: agent.env });
    const options = await ff.openPage('options');
    await importThroughOptions(options, 'demo', seeded.keyId, seeded.privateKeyPem);
    await waitForStatus(options, 'Imported');
    await options.locator(role('checkbox', 'Serve bots through the local agent')).click();
    await options.waitForFunction(
      (t) => document.querySelector('#agent-serving')?.textContent?.includes(t),
      { timeout: 15_000 },
      `:${agent.port}/`,
    );
    const token = await admitBot(options, 'market maker', 'Trade: read, and place or cancel orders');
    const reader = await admitBot(options, 'dashboard', 'Read only: balances, positions, orders, markets');

    const bot = sdk(agent.port, token);
    assert.equal(typeof (await bot.portfolio.getBalance()).data.balance, 'number');
    assert.ok((await bot.keys.getApiKeys()).data.api_keys?.some((k) => k.api_key_id === seeded.keyId));
    const placed = await bot.orders.createOrderV2(ORDER);
    assert.equal(placed.status, 201);
    assert.ok(exchange.requests.some((r) => r.method === 'POST' && r.keyId === seeded.keyId && r.status === 201));

    // Refused before anything is signed: an order outside a Read only grant (it never reaches
    // Kalshi), an unknown token, a web page, another name for the address, a revoked grant.
    const viewer = sdk(agent.port, reader);
    assert.equal((await viewer.portfolio.getBalance()).status, 200);
    const posts = exchange.requests.filter((r) => r.method === 'POST').length;
    assert.deepEqual(pick(await refusal(viewer.orders.createOrderV2(ORDER))), [403, 'outside_grant']);
    assert.equal(exchange.requests.filter((r) => r.method === 'POST').length, posts);
    assert.deepEqual(pick(await refusal(sdk(agent.port, `kkb_${'A'.repeat(43)}`).portfolio.getBalance())), [401, 'unknown_grant']);
    assert.equal((await raw(agent.port, { 'KALSHI-ACCESS-KEY': token, origin: 'https://evil.example' })).status, 403);
    assert.equal((await raw(agent.port, { 'KALSHI-ACCESS-KEY': token, host: `evil.example:${agent.port}` })).status, 421);
    await options.locator(role('button', 'Revoke')).click(); // the newest grant first: dashboard
    await options.locator(role('button', 'Revoke “dashboard” for good')).click();
    await waitForStatus(options, 'revoked');
    assert.deepEqual(pick(await refusal(viewer.portfolio.getBalance())), [401, 'grant_revoked']);

    // The activity log shows them, written within a second.
    await new Promise((done) => setTimeout(done, 1_500));
    await options.locator(role('button', 'Refresh')).click();
    await options.waitForFunction(() => document.querySelector('table.activity')?.textContent?.includes('grant_revoked'), {
      timeout: 10_000,
    });
    const log = await options.$eval('table.activity', (el) => el.textContent ?? '');
    for (const seen of ['Bot “market maker”', 'Kalshi answered 201', 'Not signed: 403 outside_grant', 'Not signed: 401 grant_revoked'])
      assert.ok(log.includes(seen), `the activity log lacks “${seen}”`);

    await ff.close();
    const closed = await refusal(bot.portfolio.getBalance());
    assert.deepEqual(pick(closed), [503, 'browser_closed']);
    assert.match(closed.message, /browser holding your keys is closed/);
  } finally {
    agent.stop();
  }
});

/** A refusal's status and code. */
/** Every record of the key store, as the add-on's pages read it (a CryptoKey by what it says of itself). */
function storedRecords(page: Page) {
  return page.evaluate(
    () =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        // tsx names inner functions with a helper of its own, absent from the page.
        (globalThis as { __name?: unknown }).__name ??= (f: unknown) => f;
        const describe = (v: unknown): unknown => {
          if (v instanceof CryptoKey) return { cryptoKey: v.type, algorithm: v.algorithm, extractable: v.extractable, usages: v.usages };
          if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) return { bytes: [...new Uint8Array(v as ArrayBuffer)] };
          if (Array.isArray(v)) return v.map(describe);
          if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, describe(x)]));
          return v;
        };
        const open = indexedDB.open('kalshi-key-manager');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const names = [...db.objectStoreNames];
          const out: Record<string, unknown> = { version: db.version };
          const tx = db.transaction(names);
          for (const store of names) {
            const keys = tx.objectStore(store).getAllKeys();
            const values = tx.objectStore(store).getAll();
            values.onsuccess = () => (out[store] = keys.result.map((k, i) => [k, describe(values.result[i])]));
          }
          tx.oncomplete = () => (db.close(), resolve(out));
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}

test('the build’s data collection declaration has its reason in the listing, and the reviewer notes their build steps', async () => {
  const manifest = JSON.parse(readFileSync(join(FIREFOX_BUILD, 'manifest.json'), 'utf8')) as Manifest;
  assert.deepEqual(manifest.browser_specific_settings?.gecko?.data_collection_permissions?.required, ['authenticationInfo']);
  const amo = readFileSync(AMO_LISTING, 'utf8');
  const chrome = readFileSync(CHROME_LISTING, 'utf8');
  assert.deepEqual(amoListingProblems(manifest, amo, chrome), []);
  // A data type the listing gives no reason for is named.
  const withLocation = {
    ...manifest,
    browser_specific_settings: { gecko: { data_collection_permissions: { required: ['authenticationInfo', 'locationInfo'] } } },
  };
  const problems = amoListingProblems(withLocation, amo, chrome);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /`locationInfo`/);
});

const pick = ({ status, code }: { status: number; code: string }) => [status, code];

/** A message to the background, as the add-on's own pages send it; its value. */
async function ask<T>(page: Page, type: string, data: unknown): Promise<T> {
  const reply = await page.evaluate(
    (type, data) =>
      (globalThis as unknown as { browser: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }).browser.runtime.sendMessage({
        type,
        data,
      }),
    type,
    data,
  );
  assert.equal((reply as { ok: boolean }).ok, true, `${type}: ${JSON.stringify(reply)}`);
  return (reply as { value: T }).value;
}

const versionOf = (page: Page) =>
  page.evaluate(
    () => (globalThis as unknown as { browser: { runtime: { getManifest(): { version: string } } } }).browser.runtime.getManifest().version,
  );

test('an update from the previous release in place (same gecko id): every key still signs; every record, account, name, pending record and activity entry intact', async ({
  exchange,
  firefox,
}) => {
  const previous = previousBuild('firefox');
  const current = JSON.parse(readFileSync('package.json', 'utf8')).version as string;
  const a = exchange.seedAccount('demo', { name: 'desk A', usageTier: 'premier' });
  const b = exchange.seedAccount({ env: 'demo', account: 'b' }, { name: 'desk B', usageTier: 'premier' });
  const ff = await firefox({ build: previous.dir });

  // The previous release, filled through its pages.
  const options = await ff.openPage('options');
  assert.equal(await versionOf(options), previous.release.version);
  await importThroughOptions(options, 'demo', a.keyId, a.privateKeyPem);
  await waitForStatus(options, 'Imported “desk A”');
  await importThroughOptions(options, 'demo', b.keyId, b.privateKeyPem);
  await waitForStatus(options, 'Imported “desk B”');
  for (const [i, name] of ['personal', 'fund'].entries()) {
    const fields = await options.$$(role('textbox', 'Name of this account'));
    await fields[i]!.type(name);
    await fields[i]!.press('Enter');
    await waitForStatus(options, `The account is now called ${name}.`);
  }
  const popup = await ff.openPage('popup');
  await listItem(popup, b.keyId); // opens on the account imported last
  await popup.locator(role('textbox', 'Key name')).fill('laptop');
  await popup.locator(role('button', 'Create key')).click();
  await waitForStatus(popup, 'Created “laptop”');
  // Kalshi generates a key and its answer breaks off: a pending record, the user to decide.
  exchange.failNext({ method: 'POST', path: '/trade-api/v2/api_keys/generate' }, { reset: 'mid-answer' });
  await popup.locator(role('textbox', 'Key name')).fill('maybe lost');
  await popup.locator(role('button', 'Generate on Kalshi')).click();
  await waitForStatus(popup, 'POST /api_keys/generate');
  await popup.close();
  const maybeLost = exchange.keys({ env: 'demo', account: 'b' }).find((k) => k.name === 'maybe lost')!.api_key_id;

  const accountsBefore = await ask<{ accounts: Array<{ name: string | null }>; heldKeys: Array<{ keyId: string; algorithm: string }> }>(
    options,
    'getAccounts',
    { environment: 'demo' },
  );
  assert.deepEqual(
    accountsBefore.accounts.map((x) => x.name),
    ['personal', 'fund'],
  );
  assert.deepEqual(accountsBefore.heldKeys.map((k) => k.algorithm).sort(), ['Ed25519', 'RSA-PSS', 'RSA-PSS']);
  const activityBefore = await ask<{ entries: unknown[] }>(options, 'getActivity', {});
  assert.ok(activityBefore.entries.length >= 4, 'the imports, the create and the lost generate were recorded');
  const isMaybeLost = (list: { keys: Array<{ keyId: string; maybeLostAnswer?: true }> }) =>
    list.keys.find((k) => k.keyId === maybeLost)?.maybeLostAnswer === true;
  const listBefore = await ask<{ keys: Array<{ keyId: string; maybeLostAnswer?: true }> }>(options, 'listApiKeys', { environment: 'demo' });
  assert.ok(isMaybeLost(listBefore), 'the lost answer is a pending record the list names');
  const recordsBefore = await storedRecords(options);
  await options.close();

  // The update: this build installed over it, as addons.mozilla.org's update does.
  const requestsAtUpdate = exchange.requests.length;
  await ff.install(FIREFOX_BUILD);
  const after = await ff.openPage('options');
  assert.equal(await versionOf(after), current);
  assert.notEqual(current, previous.release.version);
  assert.deepEqual(exchange.requests.slice(requestsAtUpdate), [], 'nothing went to Kalshi before the user did anything');
  // The worker's first start changed nothing: the key store is the same, record for record.
  assert.deepEqual(await storedRecords(after), recordsBefore);
  assert.deepEqual(await ask(after, 'getAccounts', { environment: 'demo' }), accountsBefore);
  assert.deepEqual(await ask(after, 'getActivity', {}), activityBefore);
  // Every key still signs: a balance request per key, which the sandbox verifies on its own.
  const fromTests = exchange.requests.length;
  for (const { keyId } of accountsBefore.heldKeys) await ask(after, 'testKey', { environment: 'demo', keyId });
  assert.deepEqual(
    exchange.requests
      .slice(fromTests)
      .filter((r) => r.path === '/trade-api/v2/portfolio/balance')
      .map((r) => [r.keyId, r.status]),
    accountsBefore.heldKeys.map((k) => [k.keyId, 200]),
  );
  assert.deepEqual(
    (await inspectStoredKeys(after)).map((k) => k.extractable),
    [false, false, false],
  );
  // The pending record still offers its choice.
  assert.ok(isMaybeLost(await ask(after, 'listApiKeys', { environment: 'demo' })), 'the pending record survived the update');
});

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function main(): Promise<number> {
  const filter = process.argv.slice(2).join(' ').toLowerCase();
  const selected = tests.filter((t) => t.name.toLowerCase().includes(filter));
  const exchange = await startExchange({ port: 0 });
  const proxy = await startConnectProxy(ALL_API_HOSTS, exchange.port);
  let passed = 0;
  let failed = 0;
  try {
    for (const { name, run } of selected) {
      exchange.reset();
      proxy.tunnelled.length = 0;
      proxy.refused.length = 0;
      const open: Firefox[] = [];
      const started = Date.now();
      try {
        const context: Context = {
          exchange,
          proxy,
          firefox: async (options = {}) => {
            const ff = await launchFirefox({ proxyPort: proxy.port, ...options });
            open.push(ff);
            return ff;
          },
        };
        await withTimeout(run(context), TEST_TIMEOUT_MS, name);
        passed++;
        console.log(`  ✔ ${name} (${Date.now() - started} ms)`);
      } catch (error) {
        failed++;
        console.log(`  ✘ ${name} (${Date.now() - started} ms)`);
        console.log(`    ${(error instanceof Error ? (error.stack ?? error.message) : String(error)).replace(/\n/g, '\n    ')}`);
      } finally {
        for (const ff of open) await ff.close().catch(() => {});
      }
    }
  } finally {
    await proxy.close();
    await exchange.close();
  }
  console.log(`\n${passed} passed, ${failed} failed`);
  return failed === 0 && selected.length > 0 ? 0 : 1;
}

process.exitCode = await main();
