/**
 * Nobody else gets in: a web page and a second extension try to talk to our background, fetch our
 * files, or frame our pages. None gets an answer, and the key store and the exchange see nothing.
 */
import { chromium, type BrowserContext, type Page, type Worker } from '@playwright/test';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, EXTENSION_DIR, chromiumArgs } from '../../scripts/chromium';
import { expect, importThroughOptions, test } from './fixtures';

type Chrome = {
  runtime?: {
    sendMessage?: (id: string, message: unknown) => Promise<unknown>;
    connect?: (id: string) => {
      onDisconnect: { addListener(f: () => void): void };
      onMessage: { addListener(f: (m: unknown) => void): void };
      postMessage(m: unknown): void;
    };
    lastError?: { message?: string };
  };
};

/** What any other party may try, run inside that party; resolves to what it got back. */
async function tryEverything(ourId: string) {
  const chrome = (globalThis as unknown as { chrome?: Chrome }).chrome;
  const results: Record<string, string> = {};
  const messages = [
    { type: 'getOverview', data: {} },
    { type: 'listApiKeys', data: { environment: 'demo' } },
    { type: 'importKey', data: { environment: 'demo', keyId: '00000000-0000-4000-8000-000000000000', pem: 'x' } },
    { type: 'deleteApiKey', data: { environment: 'demo', keyId: '00000000-0000-4000-8000-000000000000', confirmLockout: true } },
  ];
  if (typeof chrome?.runtime?.sendMessage !== 'function') {
    results.sendMessage = 'no chrome.runtime.sendMessage here';
  } else {
    for (const m of messages) {
      results[`sendMessage ${m.type}`] = await chrome.runtime.sendMessage(ourId, m).then(
        (reply) => `ANSWERED ${JSON.stringify(reply)}`,
        (e: Error) => `refused: ${e.message}`,
      );
    }
  }
  if (typeof chrome?.runtime?.connect !== 'function') {
    results.connect = 'no chrome.runtime.connect here';
  } else {
    results.connect = await new Promise<string>((resolve) => {
      try {
        const port = chrome.runtime!.connect!(ourId);
        port.onMessage.addListener((m) => resolve(`ANSWERED ${JSON.stringify(m)}`));
        port.onDisconnect.addListener(() => resolve(`disconnected: ${chrome.runtime?.lastError?.message ?? ''}`));
        port.postMessage(messages[0]);
      } catch (e) {
        resolve(`refused: ${(e as Error).message}`);
      }
      setTimeout(() => resolve('no answer in 3 s'), 3_000);
    });
  }
  results.fetchManifest = await fetch(`chrome-extension://${ourId}/manifest.json`).then(
    async (r) => `ANSWERED ${r.status} ${(await r.text()).slice(0, 40)}`,
    (e: Error) => `refused: ${e.name}`,
  );
  results.fetchPopup = await fetch(`chrome-extension://${ourId}/popup.html`).then(
    (r) => `ANSWERED ${r.status}`,
    (e: Error) => `refused: ${e.name}`,
  );
  return results;
}

const answered = (results: Record<string, string>) => Object.entries(results).filter(([, v]) => v.startsWith('ANSWERED'));

/** Held keys, read inside our own extension. */
function heldKeyCount(where: Page | Worker) {
  return (where as Page).evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('kalshi-key-manager');
        open.onsuccess = () => {
          const db = open.result;
          const count = db.transaction('keys').objectStore('keys').count();
          count.onsuccess = () => {
            db.close();
            resolve(count.result);
          };
          count.onerror = () => reject(count.error);
        };
        open.onerror = () => reject(open.error);
      }),
  );
}

let web: Server;
let webOrigin: string;
test.beforeAll(async () => {
  web = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>Some web page</title><p>Nothing to see here.</p>');
  });
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  webOrigin = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
});
test.afterAll(() => new Promise<void>((resolve) => web.close(() => resolve())));

test('a web page cannot message, fetch or frame the extension', async ({ context, exchange, extensionId, openPage, worker }) => {
  const account = exchange.seedAccount('demo');
  const options = await openPage('options');
  await importThroughOptions(options, 'Demo', account.keyId, account.privateKeyPem);
  await expect(options.getByRole('status')).toContainText('Imported');
  const before = exchange.requests.length;

  const page = await context.newPage();
  await page.goto(`${webOrigin}/`);
  const results = await page.evaluate(tryEverything, extensionId);
  expect(results.sendMessage).toBe('no chrome.runtime.sendMessage here');
  expect(results.connect).toBe('no chrome.runtime.connect here');
  expect(answered(results)).toEqual([]);

  // Framing: no web_accessible_resources and frame-ancestors 'none', so each frame is Chromium's
  // error page. Both frames must exist and be read: a missing frame or a failed read is a failure.
  const pages = ['popup', 'options'] as const;
  await page.setContent(
    pages.map((name) => `<iframe id="${name}" src="chrome-extension://${extensionId}/${name}.html"></iframe>`).join(''),
  );
  await expect(page.locator('iframe'), 'both iframes are in the page').toHaveCount(2);
  for (const name of pages) {
    const frame = await page
      .locator(`iframe#${name}`)
      .elementHandle()
      .then((element) => element?.contentFrame());
    if (!frame) throw new Error(`the ${name} iframe has no frame`);
    await expect.poll(() => frame.url(), { message: `the ${name} frame ends on the error page` }).toBe('chrome-error://chromewebdata/');
    await frame.waitForLoadState('load');
    const seen = await frame.evaluate(() => ({
      href: location.href,
      text: document.body?.innerText ?? '',
      app: document.querySelector('#app') !== null,
    }));
    expect(seen.href, `${name} frame`).toBe('chrome-error://chromewebdata/');
    expect(seen.text, `${name} frame shows the browser's refusal`).toMatch(/blocked/i);
    expect(seen.text, `${name} frame`).not.toContain('Kalshi');
    expect(seen.app, `${name} frame has none of our page`).toBe(false);
  }
  const children = page.frames().filter((f) => f.parentFrame() === page.mainFrame());
  expect(children.map((f) => f.url())).toEqual(['chrome-error://chromewebdata/', 'chrome-error://chromewebdata/']);
  expect(page.frames().some((f) => f.url().includes(extensionId))).toBe(false);

  expect(exchange.requests.length).toBe(before);
  expect(await heldKeyCount(worker)).toBe(1);
});

test('a second extension cannot get an answer from our background', async ({ exchange }) => {
  // A tiny extension made now, that knows our id and tries everything.
  const attackerDir = mkdtempSync(join(tmpdir(), 'kkm-attacker-'));
  writeFileSync(
    join(attackerDir, 'manifest.json'),
    JSON.stringify({
      manifest_version: 3,
      name: 'Curious neighbour',
      version: '1.0',
      background: { service_worker: 'bg.js' },
      host_permissions: ['<all_urls>'],
    }),
  );
  writeFileSync(join(attackerDir, 'bg.js'), 'self.addEventListener("install", () => {});\n');
  writeFileSync(join(attackerDir, 'page.html'), '<!doctype html><title>neighbour</title><p>neighbour page</p>');
  const profile = mkdtempSync(join(tmpdir(), 'kkm-profile-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: chromiumArgs(`${EXTENSION_DIR},${attackerDir}`, exchange.port),
    });
    const workers = async () => {
      await expect.poll(() => context!.serviceWorkers().length, { timeout: 15_000 }).toBe(2);
      return context!.serviceWorkers();
    };
    const all = await workers();
    const ours = all.find((w) => w.url().endsWith('/background.js'))!;
    const theirs = all.find((w) => w.url().endsWith('/bg.js'))!;
    const ourId = new URL(ours.url()).host;
    const theirId = new URL(theirs.url()).host;
    expect(ourId).not.toBe(theirId);

    // Our user has a key in this profile.
    const account = exchange.seedAccount('demo');
    const options = await context.newPage();
    await options.goto(`chrome-extension://${ourId}/options.html`);
    await importThroughOptions(options, 'Demo', account.keyId, account.privateKeyPem);
    await expect(options.getByRole('status')).toContainText('Imported');
    // What the import and the page ask of Kalshi after it may still be arriving: wait for a quiet moment.
    let seen = -1;
    await expect
      .poll(() => (seen === (seen = exchange.requests.length) ? 'quiet' : 'busy'), { intervals: [300], timeout: 10_000 })
      .toBe('quiet');
    const before = exchange.requests.length;

    // From its background service worker.
    const fromWorker = await theirs.evaluate(tryEverything, ourId);
    expect(Object.keys(fromWorker).filter((k) => k.startsWith('sendMessage '))).toHaveLength(4);
    expect(answered(fromWorker)).toEqual([]);
    for (const [k, v] of Object.entries(fromWorker))
      if (k.startsWith('sendMessage ')) expect(v).toMatch(/^refused: .*(Receiving end does not exist|Could not establish connection)/);
    expect(fromWorker.connect).toMatch(/^disconnected/);

    // From its own page.
    const page = await context.newPage();
    await page.goto(`chrome-extension://${theirId}/page.html`);
    const fromPage = await page.evaluate(tryEverything, ourId);
    expect(answered(fromPage)).toEqual([]);

    expect(exchange.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(await heldKeyCount(options)).toBe(1);
  } finally {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(attackerDir, { recursive: true, force: true });
  }
});

test('our pages refuse to work inside a frame, even where the browser would allow the frame', async ({ exchange }) => {
  // The real build cannot be framed at all (checked above). To see the second lock, a copy of the
  // build whose CSP lacks frame-ancestors frames its own options page inside its popup.
  const copy = mkdtempSync(join(tmpdir(), 'kkm-framable-'));
  cpSync(EXTENSION_DIR, copy, { recursive: true });
  const manifestPath = join(copy, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { content_security_policy: { extension_pages: string } };
  manifest.content_security_policy.extension_pages = manifest.content_security_policy.extension_pages.replace(
    /;?\s*frame-ancestors[^;]*/,
    '',
  );
  writeFileSync(manifestPath, JSON.stringify(manifest));
  const profile = mkdtempSync(join(tmpdir(), 'kkm-profile-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: chromiumArgs(copy, exchange.port),
    });
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    const id = new URL(worker.url()).host;
    const page = await context.newPage();
    await page.goto(`chrome-extension://${id}/popup.html`);
    for (const name of ['options', 'popup']) {
      await page.evaluate(
        ([id, name]) => {
          const frame = document.createElement('iframe');
          frame.src = `chrome-extension://${id}/${name}.html`;
          document.body.append(frame);
        },
        [id, name],
      );
      const frame = page.frameLocator(`iframe[src$="/${name}.html"]`);
      await expect(frame.locator('#app')).toHaveText('Kalshi Key Manager works only in its own window, not inside another page.');
      await expect(frame.getByRole('button')).toHaveCount(0);
    }
  } finally {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(copy, { recursive: true, force: true });
  }
});
