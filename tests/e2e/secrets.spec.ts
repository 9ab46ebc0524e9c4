/**
 * Where key material must never show up: extension storage, web storage, caches, IndexedDB beyond
 * the non-extractable CryptoKey, the console of the worker and the pages, and the pages' DOM.
 * The flow: import a key, create one here, have Kalshi generate one kept here, test, list.
 */
import type { ConsoleMessage, Page, Worker } from '@playwright/test';
import { expect, importThroughOptions, test } from './fixtures';

/** Everything the extension keeps outside IndexedDB's CryptoKeys, as text. */
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
    // Every IndexedDB record, with CryptoKeys shown by their public properties only.
    const idb = await new Promise<unknown>((resolve, reject) => {
      const open = indexedDB.open('kalshi-key-manager');
      open.onsuccess = () => {
        const db = open.result;
        const names = [...db.objectStoreNames];
        const tx = db.transaction(names);
        const out: Record<string, unknown> = {};
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
    const text = JSON.stringify(idb, (_, v: unknown) =>
      v instanceof CryptoKey
        ? { cryptoKey: v.type, extractable: v.extractable, algorithm: v.algorithm, usages: v.usages }
        : v instanceof ArrayBuffer || ArrayBuffer.isView(v)
          ? '[bytes]'
          : v,
    );
    return { storage: JSON.stringify(storage), cacheNames, idb: text };
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

test('no PEM text, private key bytes or signature reaches storage, the console or the pages', async ({
  context,
  exchange,
  openPage,
  worker,
}) => {
  const consoleLines: string[] = [];
  const collect = (where: string) => (m: ConsoleMessage) => consoleLines.push(`${where} ${m.type()}: ${m.text()}`);
  context.on('console', collect('context'));
  worker.on('console', collect('worker'));
  context.on('page', (p) => p.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`)));

  const account = exchange.seedAccount('demo', { name: 'sandbox', usageTier: 'premier' });
  const pemBody = account.privateKeyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const bodyPieces = [pemBody, ...pemBody.match(/.{40}/g)!.slice(1, 4)];

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
  // A key Kalshi generates and this browser keeps: its PEM crossed the worker once.
  exchange.setUsageTier('demo', 'basic');
  const popup2 = await openPage('popup');
  await popup2.getByLabel('Key name').fill('generated');
  await popup2.getByRole('button', { name: 'Generate on Kalshi' }).click();
  await expect(popup2.getByRole('status')).toContainText('Created “generated”');

  // The console collector works: a line from each side is seen.
  await worker.evaluate(() => console.log('probe from the worker'));
  await popup2.evaluate(() => console.log('probe from the popup'));
  await expect.poll(() => consoleLines.join('\n')).toContain('probe from the worker');
  await expect.poll(() => consoleLines.join('\n')).toContain('probe from the popup');

  const signatures = [...exchange.signatures];
  expect(signatures.length).toBeGreaterThan(5);
  // The pages name the format ("-----BEGIN RSA PRIVATE KEY-----\n…" as a placeholder), so there a key
  // is a BEGIN line followed by key text; everywhere else the words alone are already too much.
  const keyText = /-----BEGIN [A-Z ]*PRIVATE KEY-----\s*[A-Za-z0-9+/=]{16}/;
  const secrets = [...bodyPieces, ...signatures];
  const places: Array<[place: string, text: string, strict: boolean]> = [
    ['console', consoleLines.join('\n'), true],
    ...Object.entries(await storageDump(worker)).map(([k, v]): [string, string, boolean] => [`worker ${k}`, flat(v), true]),
    ...Object.entries(optionsAfterImport).map(([k, v]): [string, string, boolean] => [
      `options after import: ${k}`,
      flat(v),
      k === 'webStorage',
    ]),
    ...Object.entries(await pageDump(popup)).map(([k, v]): [string, string, boolean] => [`popup: ${k}`, flat(v), k === 'webStorage']),
    ...Object.entries(await pageDump(popup2)).map(([k, v]): [string, string, boolean] => [`popup 2: ${k}`, flat(v), k === 'webStorage']),
  ];
  for (const [place, text, strict] of places) {
    for (const secret of secrets) expect(text.includes(secret), `${place} holds ${secret.slice(0, 24)}…`).toBe(false);
    expect(text, `${place} holds key text`).not.toMatch(keyText);
    if (strict) expect(text, `${place} mentions a private key`).not.toContain('PRIVATE KEY');
  }

  // The key store holds CryptoKeys only, none extractable, and three of them.
  const { idb, cacheNames, storage } = await storageDump(worker);
  expect(storage).toBe(JSON.stringify('chrome.storage is not available (no "storage" permission)'));
  expect(cacheNames).toEqual([]);
  const keys = (JSON.parse(idb) as { keys: Array<{ privateKey: { cryptoKey: string; extractable: boolean } }> }).keys;
  expect(keys.map((k) => k.privateKey)).toEqual(Array(3).fill(expect.objectContaining({ cryptoKey: 'private', extractable: false })));
});
