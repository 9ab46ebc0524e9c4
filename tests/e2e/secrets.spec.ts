/**
 * Where key material must never show up: extension storage, web storage, caches, IndexedDB beyond
 * the non-extractable CryptoKey, the console of the worker and the pages, the pages' DOM, and the
 * browser profile on disk. The flow: import a key, create one here, test it, hand a key made here
 * out once (Download once), have Kalshi generate one kept here, and have Kalshi generate one handed
 * out once. Every private key that passed through the extension is looked for: the imported PEM,
 * the PEM Kalshi's generate answer carried, and both Download-once PEMs.
 */
import type { BrowserContext, ConsoleMessage, Page, Worker } from '@playwright/test';
import { createPrivateKey } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { ServerResponse } from 'node:http';
import { dirname, join, relative } from 'node:path';
import { SCREEN_SLOT } from '../../lib/popup-shell/session-store';
import { expect, importThroughOptions, test } from './fixtures';

/**
 * Every private key the sandbox exchange hands out in an answer (POST /api_keys/generate), as it
 * went on the wire. The exchange runs in this process, and each answer leaves through
 * ServerResponse.end: what Kalshi returned is known here, not guessed from what the extension shows.
 */
function recordHandedOutKeys(): { pems: Map<string, string>; stop: () => void } {
  const proto = ServerResponse.prototype;
  const end = proto.end;
  const pems = new Map<string, string>(); // key id → the private key PEM Kalshi's answer carried
  proto.end = function (this: ServerResponse, ...args: unknown[]) {
    const chunk = args[0];
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
    if (text.includes('"private_key"')) {
      const body = JSON.parse(text) as { api_key_id: string; private_key: string };
      pems.set(body.api_key_id, body.private_key);
    }
    return (end as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as typeof end;
  return { pems, stop: () => void (proto.end = end) };
}

/** Pieces of a PEM to look for: each whole base64 line of its body (as stored with line breaks), and the body in one run. */
function pemPieces(pem: string): string[] {
  const lines = pem
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length >= 40 && !l.startsWith('-----'));
  expect(lines.length, 'a PEM with a body').toBeGreaterThan(4);
  return [lines.join(''), ...lines.slice(1, 5)];
}

/** Byte windows of a key's DER (inside its private part), to look for on disk. */
function derWindows(pem: string): Buffer[] {
  const der = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
  const at = [0.4, 0.55, 0.7, 0.85].map((f) => Math.floor(der.length * f));
  return at.map((i) => der.subarray(i, i + 24));
}

/**
 * Everything the extension keeps outside IndexedDB's CryptoKeys, as text, and every binary value
 * found in an IndexedDB record (anything but a CryptoKey that holds bytes is a failure).
 */
async function storageDump(worker: Worker) {
  return worker.evaluate(async () => {
    const chromeApi = (
      globalThis as unknown as { chrome: { storage?: Record<'local' | 'session' | 'sync', { get(k: null): Promise<unknown> }> } }
    ).chrome;
    const storage = chromeApi.storage
      ? {
          local: await chromeApi.storage.local.get(null),
          session: await chromeApi.storage.session.get(null),
          sync: await chromeApi.storage.sync.get(null),
        }
      : 'chrome.storage is not available (no "storage" permission)';
    const cacheNames = await caches.keys();
    const idb = await new Promise<Record<string, unknown[]>>((resolve, reject) => {
      const open = indexedDB.open('kalshi-key-manager');
      open.onsuccess = () => {
        const db = open.result;
        const names = [...db.objectStoreNames];
        const tx = db.transaction(names);
        const out: Record<string, unknown[]> = {};
        for (const name of names) {
          const all = tx.objectStore(name).getAll();
          all.onsuccess = () => {
            out[name] = all.result;
          };
        }
        tx.oncomplete = () => {
          db.close();
          resolve(out);
        };
        tx.onerror = () => reject(tx.error);
      };
      open.onerror = () => reject(open.error);
    });
    // Every record, walked whole: CryptoKeys by their public properties, bytes of any kind noted.
    const binary: string[] = [];
    const show = (v: unknown, path: string): unknown => {
      if (v instanceof CryptoKey) return { cryptoKey: v.type, extractable: v.extractable, algorithm: v.algorithm, usages: v.usages };
      if (v instanceof ArrayBuffer || ArrayBuffer.isView(v) || v instanceof Blob) {
        const size = v instanceof Blob ? v.size : v.byteLength;
        binary.push(`${path}: ${Object.prototype.toString.call(v)} of ${size} bytes`);
        return `[${size} bytes]`;
      }
      if (v instanceof Map) return [...v].map(([k, x], i) => [show(k, `${path}<key ${i}>`), show(x, `${path}<${String(k)}>`)]);
      if (v instanceof Set) return [...v].map((x, i) => show(x, `${path}<${i}>`));
      if (Array.isArray(v)) return v.map((x, i) => show(x, `${path}[${i}]`));
      if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, show(x, `${path}.${k}`)]));
      return v;
    };
    const records = Object.fromEntries(Object.entries(idb).map(([name, rows]) => [name, show(rows, name)]));
    return { storage: JSON.stringify(storage), cacheNames, idb: JSON.stringify(records), binary };
  });
}

async function pageDump(page: Page) {
  return {
    dom: await page.content(),
    text: await page.evaluate(() => document.body.innerText),
    inputs: await page.evaluate(() => [...document.querySelectorAll('input, textarea')].map((e) => (e as HTMLInputElement).value)),
    webStorage: await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } })),
  };
}

/** A dumped value as plain text (strings as they are, so line breaks stay line breaks). */
const flat = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) ? v.map(flat).join('\n') : JSON.stringify(v));

/** The profile's user-data directory, as Chromium itself reports it. */
async function userDataDir(context: BrowserContext): Promise<string> {
  const page = await context.newPage();
  await page.goto('chrome://version');
  const profile = (await page.locator('#profile_path').textContent())?.trim() ?? '';
  await page.close();
  expect(profile, 'chrome://version names the profile').toMatch(/kkm-profile-/);
  return dirname(profile);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** Fills the form for a Download-once key and submits it with the button this account has. */
async function createDownloadOnce(popup: Page, name: string, button: 'Create key' | 'Generate on Kalshi') {
  await popup.getByLabel('Key name').fill(name);
  await popup.getByLabel('Download once, for a bot or server').check();
  await popup.getByRole('button', { name: button }).click();
}

/** The dialog of a Download-once key: shows the PEM (so the DOM holds it), downloads it, confirms it saved, closes. */
async function saveOnce(popup: Page, name: string, whileWaiting: (shownPem: string) => Promise<void>): Promise<string> {
  const dialog = popup.getByRole('alertdialog');
  await expect(dialog).toContainText(`Save the private key for “${name}” now`);
  await dialog.getByRole('button', { name: 'Show key' }).click();
  const shown = (await dialog.getByLabel('Private key').textContent()) ?? '';
  expect(shown).toContain('PRIVATE KEY-----');
  // While shown, the page holds it where the checks below look: they can see a key that stays.
  expect((await popup.content()).includes(pemPieces(shown)[1]!), 'the shown key is in the DOM').toBe(true);
  await whileWaiting(shown);
  const [file] = await Promise.all([popup.waitForEvent('download'), dialog.getByRole('button', { name: 'Download' }).click()]);
  const pem = readFileSync((await file.path())!, 'utf8');
  expect(pem.trim()).toBe(shown.trim());
  await dialog.getByRole('button', { name: 'Done — forget it' }).click();
  await expect(dialog).toHaveCount(0);
  // The page's DOM after the dialog closed is searched below, with everything else.
  return pem;
}

test('no PEM text, private key bytes or signature reaches storage, the console, the pages or the profile on disk', async ({
  context,
  exchange,
  openPage,
  worker,
}) => {
  const handedOut = recordHandedOutKeys();
  try {
    const profileDir = await userDataDir(context);
    const consoleLines: string[] = [];
    const collect = (where: string) => (m: ConsoleMessage) => consoleLines.push(`${where} ${m.type()}: ${m.text()}`);
    context.on('console', collect('context'));
    worker.on('console', collect('worker'));
    context.on('page', (p) => p.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`)));

    const account = exchange.seedAccount('demo', { name: 'sandbox', usageTier: 'premier' });

    const options = await openPage('options');
    await importThroughOptions(options, 'Demo', account.keyId, account.privateKeyPem);
    await expect(options.getByRole('status')).toContainText('Imported');
    const optionsAfterImport = await pageDump(options);

    const popup = await openPage('popup');
    await popup.getByLabel('Key name').fill('laptop');
    await popup.getByRole('button', { name: 'Create key' }).click();
    await expect(popup.getByRole('status')).toContainText('Created “laptop”');
    await popup.getByRole('button', { name: 'Test laptop' }).click();
    await expect(popup.getByRole('status')).toContainText('“laptop” works');

    /** While a one-time key waits to be saved, its pending record says so, and holds no key. */
    const pendingHoldsNoKey = (name: string) => async (pem: string) => {
      const keyId = exchange.keys('demo').find((k) => k.name === name)!.api_key_id;
      const dump = await storageDump(worker);
      const pending = (JSON.parse(dump.idb) as { pending: Array<Record<string, unknown>> }).pending;
      const record = pending.find((r) => r.resultKeyId === keyId);
      expect(record, `a pending record for ${name}`).toEqual(
        expect.objectContaining({ operation: 'create', awaitingSaveUntil: expect.any(Number) }),
      );
      expect(record).not.toHaveProperty('privateKey');
      expect(dump.binary, 'IndexedDB records hold no bytes but CryptoKeys').toEqual([]);
      expect(dump.idb.includes('PRIVATE KEY'), `IndexedDB holds PEM text while ${name} waits to be saved`).toBe(false);
      for (const piece of pemPieces(pem)) expect(dump.idb.includes(piece), `IndexedDB holds ${name}'s PEM`).toBe(false);
    };

    // A pair made here, handed out once: its PEM was made in the worker and crossed to this popup.
    await createDownloadOnce(popup, 'bot here', 'Create key');
    const localBotPem = await saveOnce(popup, 'bot here', pendingHoldsNoKey('bot here'));

    // Kalshi generates the next keys: one kept here (its PEM crossed the worker once), one handed out once.
    exchange.setUsageTier('demo', 'basic');
    const popup2 = await openPage('popup');
    await popup2.getByLabel('Key name').fill('generated');
    await popup2.getByText('Key type, scopes, subaccount').click();
    await popup2.getByLabel('Key type').selectOption('RSA-PSS'); // not the Ed25519 default: a PEM of many lines to search for
    await popup2.getByRole('button', { name: 'Generate on Kalshi' }).click();
    await expect(popup2.getByRole('status')).toContainText('Created “generated”');
    /** The PEM Kalshi's generate answer carried for this account's key of that name. */
    const handedOutPem = (name: string) => handedOut.pems.get(exchange.keys('demo').find((k) => k.name === name)?.api_key_id ?? '');
    const generatedPem = handedOutPem('generated')!;
    expect(generatedPem, 'the PEM Kalshi generated for “generated”').toContain('PRIVATE KEY-----');

    await createDownloadOnce(popup2, 'bot from Kalshi', 'Generate on Kalshi');
    await expect.poll(() => handedOutPem('bot from Kalshi')).toContain('PRIVATE KEY-----');
    const kalshiBotPem = handedOutPem('bot from Kalshi')!;
    const savedKalshiBot = await saveOnce(popup2, 'bot from Kalshi', pendingHoldsNoKey('bot from Kalshi'));
    expect(savedKalshiBot).toBe(kalshiBotPem); // the user got exactly what Kalshi sent

    // The console collector works: a line from each side is seen.
    await worker.evaluate(() => console.log('probe from the worker'));
    await popup2.evaluate(() => console.log('probe from the popup'));
    await expect.poll(() => consoleLines.join('\n')).toContain('probe from the worker');
    await expect.poll(() => consoleLines.join('\n')).toContain('probe from the popup');

    const signatures = [...exchange.signatures];
    expect(signatures.length).toBeGreaterThan(5);
    const pems = { imported: account.privateKeyPem, generated: generatedPem, 'bot here': localBotPem, 'bot from Kalshi': kalshiBotPem };
    const secrets = [...Object.values(pems).flatMap(pemPieces), ...signatures];
    // The pages name the format ("-----BEGIN RSA PRIVATE KEY-----\n…" as a placeholder), so there a key
    // is a BEGIN line followed by key text; everywhere else the words alone are already too much.
    const keyText = /-----BEGIN [A-Z ]*PRIVATE KEY-----\s*[A-Za-z0-9+/=]{16}/;
    const dump = await storageDump(worker);
    const places: Array<[place: string, text: string, strict: boolean]> = [
      ['console', consoleLines.join('\n'), true],
      ...Object.entries(dump).map(([k, v]): [string, string, boolean] => [`worker ${k}`, flat(v), true]),
      ...Object.entries(optionsAfterImport).map(([k, v]): [string, string, boolean] => [
        `options after import: ${k}`,
        flat(v),
        k === 'webStorage',
      ]),
      ...Object.entries(await pageDump(popup)).map(([k, v]): [string, string, boolean] => [
        `popup after its Download-once dialog closed: ${k}`,
        flat(v),
        k === 'webStorage',
      ]),
      ...Object.entries(await pageDump(popup2)).map(([k, v]): [string, string, boolean] => [
        `popup 2 after its Download-once dialog closed: ${k}`,
        flat(v),
        k === 'webStorage',
      ]),
    ];
    for (const [place, text, strict] of places) {
      for (const secret of secrets) expect(text.includes(secret), `${place} holds ${secret.slice(0, 24)}…`).toBe(false);
      expect(text, `${place} holds key text`).not.toMatch(keyText);
      if (strict) expect(text, `${place} mentions a private key`).not.toContain('PRIVATE KEY');
    }

    // The key store holds CryptoKeys only, none extractable, and three of them (imported, laptop,
    // generated); no record holds bytes of any other kind; nothing is left waiting to be saved.
    expect(dump.binary, 'IndexedDB records hold no bytes but CryptoKeys').toEqual([]);
    // Extension storage holds one thing: the popup's screen copy, in storage.session (lib/popup-shell),
    // searched above with everything else.
    const extensionStorage = JSON.parse(dump.storage) as Record<'local' | 'session' | 'sync', Record<string, unknown>>;
    expect([extensionStorage.local, extensionStorage.sync]).toEqual([{}, {}]);
    expect(Object.keys(extensionStorage.session)).toEqual([SCREEN_SLOT]);
    expect(dump.cacheNames).toEqual([]);
    const store = JSON.parse(dump.idb) as {
      keys: Array<{ name: string; privateKey: { cryptoKey: string; extractable: boolean } }>;
      pending: Array<{ awaitingSaveUntil?: number }>;
    };
    expect(store.keys.map((k) => k.name).sort()).toEqual(['generated', 'laptop', 'sandbox']);
    expect(store.keys.map((k) => k.privateKey)).toEqual(
      Array(3).fill(expect.objectContaining({ cryptoKey: 'private', extractable: false })),
    );
    expect(store.pending.filter((p) => p.awaitingSaveUntil !== undefined)).toEqual([]);

    // The profile on disk, once the browser has closed and written everything: no PEM text, no
    // signature, and not a byte of the Download-once keys (they are never stored, not even as a
    // CryptoKey). Chromium stores a CryptoKey's key material in IndexedDB's files, so the imported
    // key's bytes must be found there: that shows the scan reads what IndexedDB wrote.
    await context.close();
    const files = filesUnder(profileDir).map((file) => ({ file: relative(profileDir, file), bytes: readFileSync(file) }));
    const onDisk = (needle: Buffer) => files.filter(({ bytes }) => bytes.includes(needle)).map(({ file }) => file);
    const asText = (s: string) => [Buffer.from(s, 'latin1'), Buffer.from(s, 'utf16le')];
    expect(onDisk(derWindows(account.privateKeyPem)[1]!).some((f) => f.startsWith('Default/IndexedDB/'))).toBe(true);
    expect(
      asText(account.keyId)
        .flatMap(onDisk)
        .some((f) => f.startsWith('Default/IndexedDB/')),
    ).toBe(true);
    for (const secret of secrets)
      for (const needle of asText(secret)) expect(onDisk(needle), `on disk: ${secret.slice(0, 24)}…`).toEqual([]);
    for (const name of ['bot here', 'bot from Kalshi'] as const) {
      for (const window of derWindows(pems[name])) expect(onDisk(window), `bytes of ${name}'s private key on disk`).toEqual([]);
    }
    for (const needle of asText('PRIVATE KEY-----')) expect(onDisk(needle), 'a PEM marker on disk').toEqual([]);
  } finally {
    handedOut.stop();
  }
});
