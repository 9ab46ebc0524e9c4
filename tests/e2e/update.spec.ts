/**
 * An update loses nothing. The previous release (tests/update/previous-release.json) is built from
 * its own sources, loaded under a fixed id, and filled through its UI the way a user would: two
 * named accounts, an imported RSA key and an Ed25519 key made here, a pending record (an answer
 * lost), a one-time key waiting to be saved, and the activity all that wrote. Then the files of the
 * loaded extension are replaced with this build (same manifest key, so the same id) and the
 * extension is reloaded in the same running browser.
 *
 * Why a reload and not a browser restart: that is how Chrome applies an update while it runs (the
 * new files are installed, the extension is reloaded in place once idle or when it calls
 * runtime.reload(), onInstalled says 'update'). A restart would add what a browser restart does on
 * its own, and would hide whether the update itself empties storage.session.
 */
import { chromium, type BrowserContext, type Page, type Worker } from '@playwright/test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, EXTENSION_DIR, chromiumArgs } from '../../scripts/chromium';
import { copyWithKey, makeManifestKey } from '../helpers/fixed-id';
import { previousBuild } from '../helpers/previous-build';
import { expect, importThroughOptions, test } from './fixtures';

const P = '/trade-api/v2';
const CURRENT_VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

/** A message to the background, as our own pages send it. */
async function ask<T>(page: Page, type: string, data: unknown): Promise<T> {
  const reply = await page.evaluate(
    ([type, data]) =>
      (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }).chrome.runtime.sendMessage({
        type,
        data,
      }),
    [type, data] as const,
  );
  expect(reply, `${type} answered`).toMatchObject({ ok: true });
  return (reply as { value: T }).value;
}

/**
 * Everything the extension keeps, read in its worker: every IndexedDB database and store, record by
 * record (a CryptoKey by what it says of itself: type, algorithm, extractable, usages), and
 * storage.session and storage.local.
 */
function storedData(worker: Worker) {
  return worker.evaluate(async () => {
    const describe = (v: unknown): unknown => {
      if (v instanceof CryptoKey) return { cryptoKey: v.type, algorithm: v.algorithm, extractable: v.extractable, usages: v.usages };
      if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) return { bytes: [...new Uint8Array(v as ArrayBuffer)] };
      if (Array.isArray(v)) return v.map(describe);
      if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, describe(x)]));
      return v;
    };
    const databases: Record<string, unknown> = {};
    for (const { name, version } of await indexedDB.databases()) {
      databases[name!] = await new Promise((resolve, reject) => {
        const open = indexedDB.open(name!);
        open.onsuccess = () => {
          const db = open.result;
          const names = [...db.objectStoreNames];
          const out: Record<string, unknown> = { version };
          const tx = db.transaction(names);
          for (const store of names) {
            const keys = tx.objectStore(store).getAllKeys();
            const values = tx.objectStore(store).getAll();
            values.onsuccess = () => (out[store] = keys.result.map((k, i) => [k, describe(values.result[i])]));
          }
          tx.oncomplete = () => {
            db.close();
            resolve(out);
          };
          tx.onerror = () => reject(tx.error);
        };
        open.onerror = () => reject(open.error);
      });
    }
    const storage = (globalThis as unknown as { chrome: { storage: Record<'session' | 'local', { get(k: null): Promise<object> }> } })
      .chrome.storage;
    return { databases, session: await storage.session.get(null), local: await storage.local.get(null) };
  });
}

const manifestVersion = (worker: Worker) =>
  worker.evaluate(
    () => (globalThis as unknown as { chrome: { runtime: { getManifest(): { version: string } } } }).chrome.runtime.getManifest().version,
  );

/** The extension's service worker once it runs `version`; fails after `timeoutMs` without one. */
async function workerOfVersion(context: BrowserContext, version: string, timeoutMs = 30_000): Promise<Worker> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    for (const worker of context.serviceWorkers()) {
      if ((await manifestVersion(worker).catch(() => undefined)) === version) return worker;
    }
  }
  throw new Error(`no service worker of version ${version} within ${timeoutMs} ms`);
}

test('an update from the previous release keeps every key signing, and every account, name, pending record and activity entry', async ({
  exchange,
}) => {
  test.setTimeout(240_000); // the previous release is built once per commit (cached), a minute at most
  exchange.reset();
  const previous = previousBuild('chrome');
  const manifestKey = makeManifestKey(); // one test key for both builds: the same extension id
  const root = mkdtempSync(join(tmpdir(), 'kkm-update-'));
  const extensionDir = join(root, 'extension');
  const profile = join(root, 'profile');
  copyWithKey(previous.dir, extensionDir, manifestKey);
  // Developer mode, as for anyone who loads an extension unpacked: without it Chromium disables an
  // unpacked extension when it reloads (DISABLE_UNSUPPORTED_DEVELOPER_EXTENSION in chrome://extensions-internals).
  mkdirSync(join(profile, 'Default'), { recursive: true });
  writeFileSync(join(profile, 'Default', 'Preferences'), JSON.stringify({ extensions: { ui: { developer_mode: true } } }));

  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: chromiumArgs(extensionDir, exchange.port),
    viewport: { width: 380, height: 600 },
  });
  try {
    const oldWorker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    expect(new URL(oldWorker.url()).host).toBe(manifestKey.id);
    expect(await manifestVersion(oldWorker)).toBe(previous.release.version);
    const openPage = async (name: 'popup' | 'options') => {
      const page = await context.newPage();
      if (name === 'options') await page.setViewportSize({ width: 800, height: 900 });
      await page.goto(`chrome-extension://${manifestKey.id}/${name}.html`);
      return page;
    };

    // ---- The previous release, filled through its UI ----
    const a = exchange.seedAccount('demo', { name: 'desk A', usageTier: 'premier' });
    const b = exchange.seedAccount({ env: 'demo', account: 'b' }, { name: 'desk B', usageTier: 'basic' });
    const options = await openPage('options');
    await importThroughOptions(options, 'Demo', a.keyId, a.privateKeyPem);
    await expect(options.getByRole('status')).toContainText('Imported');
    await importThroughOptions(options, 'Demo', b.keyId, b.privateKeyPem);
    await expect(options.getByRole('status')).toContainText('Imported');
    const held = options.getByRole('region', { name: 'Keys held in this browser' });
    const names = held.getByLabel('Name of this account');
    await names.nth(0).fill('personal');
    await names.nth(0).press('Enter');
    await expect(options.getByRole('status')).toContainText('The account is now called personal.');
    await names.nth(1).fill('fund');
    await names.nth(1).press('Enter');
    await expect(options.getByRole('status')).toContainText('The account is now called fund.');
    await options.close();

    const popup = await openPage('popup');
    const account = popup.getByLabel('Account', { exact: true });
    // On A (premier): an Ed25519 key made here, kept here.
    await account.selectOption({ label: 'personal' });
    await expect(popup.getByRole('listitem')).toHaveCount(1);
    await expect(popup.getByRole('listitem')).toContainText('desk A');
    await popup.getByLabel('Key name').fill('laptop');
    await popup.getByRole('button', { name: 'Create key' }).click();
    await expect(popup.getByRole('status')).toContainText('Created “laptop”');
    // On B (basic): Kalshi generates a key and its answer breaks off: a pending record, the user to decide.
    await account.selectOption({ label: 'fund' });
    await expect(popup.getByRole('listitem')).toHaveCount(1);
    await expect(popup.getByRole('listitem')).toContainText('desk B');
    exchange.failNext({ method: 'POST', path: `${P}/api_keys/generate` }, { reset: 'mid-answer' });
    await popup.getByLabel('Key name').fill('maybe lost');
    await popup.getByRole('button', { name: 'Generate on Kalshi' }).click();
    await expect(popup.getByRole('status')).toContainText('POST /api_keys/generate');
    // And a one-time key Kalshi generated for a bot, shown once, left waiting to be saved.
    await popup.getByLabel('Key name').fill('bot');
    await popup.getByLabel('Download once, for a bot or server').check();
    await popup.getByRole('button', { name: 'Generate on Kalshi' }).click();
    await expect(popup.getByRole('alertdialog')).toContainText('Save the private key for “bot” now');
    await popup.close();

    const onKalshi = (name: string) => exchange.keys({ env: 'demo', account: 'b' }).find((k) => k.name === name)!.api_key_id;
    const [laptop, maybeLost, bot] = [
      exchange.keys('demo').find((k) => k.name === 'laptop')!.api_key_id,
      onKalshi('maybe lost'),
      onKalshi('bot'),
    ];

    // What the previous release reports, through its own pages' messages.
    const look = await openPage('options');
    const accountsBefore = await ask<{ accounts: unknown[]; heldKeys: Array<{ keyId: string; algorithm: string }> }>(look, 'getAccounts', {
      environment: 'demo',
    });
    expect(accountsBefore.heldKeys.map((k) => [k.keyId, k.algorithm])).toEqual([
      [a.keyId, 'RSA-PSS'],
      [b.keyId, 'RSA-PSS'],
      [laptop, 'Ed25519'],
    ]);
    const activityBefore = await ask<{ entries: unknown[] }>(look, 'getActivity', {});
    expect(activityBefore.entries.length).toBeGreaterThanOrEqual(5);
    const listBefore = await ask<{ keys: Array<{ keyId: string; maybeLostAnswer?: true; awaitingSave?: true }> }>(look, 'listApiKeys', {
      environment: 'demo',
    });
    expect(listBefore.keys.find((k) => k.keyId === maybeLost)).toMatchObject({ maybeLostAnswer: true });
    expect(listBefore.keys.find((k) => k.keyId === bot)).toMatchObject({ awaitingSave: true });
    await look.close();
    const before = await storedData(await workerOfVersion(context, previous.release.version)); // running now, whichever start it is
    expect(Object.keys(before.session), 'the one-time key sealed in storage.session').toContain('oneTimeKeys');
    expect(before.databases['kalshi-key-manager'], 'the key store').toBeDefined();

    // ---- The update: this build's files in place of the old ones, then the extension reloaded ----
    copyWithKey(EXTENSION_DIR, extensionDir, manifestKey);
    const requestsAtUpdate = exchange.requests.length;
    const reloader = await openPage('options');
    await reloader
      .evaluate(() => (globalThis as unknown as { chrome: { runtime: { reload(): void } } }).chrome.runtime.reload())
      .catch(() => undefined); // the page goes with the extension it belongs to
    // The worker of this version: the old one may start again before the reload (the page above wakes
    // it), and only its version tells the two apart.
    const worker = await workerOfVersion(context, CURRENT_VERSION);
    expect(new URL(worker.url()).host).toBe(manifestKey.id);
    expect(CURRENT_VERSION).not.toBe(previous.release.version);

    // The worker's first start changed nothing: the key store is the same, record for record...
    const after = await storedData(worker);
    expect(after.databases).toEqual(before.databases);
    expect(after.local).toEqual(before.local);
    // ...and the update emptied storage.session (verified, not assumed): the one-time key sealed there is gone.
    expect(after.session).toEqual({});
    // Nothing went to Kalshi between the reload and the user's first action (below).
    expect(exchange.requests.slice(requestsAtUpdate)).toEqual([]);

    // ---- The user's first action: the options page ----
    const optionsAfter = await openPage('options');
    await expect(optionsAfter.getByRole('region', { name: 'Keys held in this browser' }).getByRole('heading', { level: 3 })).toHaveText([
      'Demo · personal',
      'Demo · fund',
    ]);
    expect(await ask(optionsAfter, 'getAccounts', { environment: 'demo' })).toEqual(accountsBefore);
    expect(await ask(optionsAfter, 'getActivity', {})).toEqual(activityBefore);

    // Every key still signs: a balance request per key, which the sandbox verifies on its own.
    const fromTests = exchange.requests.length;
    for (const { keyId } of accountsBefore.heldKeys) await ask(optionsAfter, 'testKey', { environment: 'demo', keyId });
    const balances = exchange.requests.slice(fromTests).filter((r) => r.path === `${P}/portfolio/balance`);
    expect(balances.map((r) => [r.keyId, r.status])).toEqual(accountsBefore.heldKeys.map((k) => [k.keyId, 200]));

    // The popup, on B as the user left it: the pending record still offers its choice, and the
    // one-time key, whose private key went with storage.session as in a browser restart, is said to
    // be lost for certain, with Delete: never shown as waiting, never as usable.
    const popupAfter = await openPage('popup');
    await expect(popupAfter.getByLabel('Account', { exact: true })).toHaveValue(exchange.communicationsId({ env: 'demo', account: 'b' }));
    await expect(popupAfter.getByRole('listitem').filter({ hasText: maybeLost })).toContainText(
      'May come from a request whose answer was lost',
    );
    const botRow = popupAfter.getByRole('listitem').filter({ hasText: bot });
    await expect(botRow).toContainText('private key never saved');
    await expect(botRow).toContainText('Its private key was never saved, so the key cannot be used anywhere. Delete it.');
    await expect(popupAfter.getByRole('button', { name: 'Delete bot' })).toBeVisible();
    await expect(popupAfter.getByRole('alertdialog')).toHaveCount(0);
    await expect(popupAfter.getByRole('listitem').filter({ hasText: b.keyId })).toContainText('signs requests');
  } finally {
    await context.close();
    rmSync(root, { recursive: true, force: true });
  }
});
