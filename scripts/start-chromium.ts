/**
 * Starts a Chromium-family browser (puppeteer-core over the DevTools pipe) on a temporary profile
 * with the sandbox's flags, and gets the built extension into it by the first way that works:
 *
 * 1. `--load-extension`: honoured by Chromium, Chrome for Testing, Edge and Brave; branded Google
 *    Chrome ignores it since version 137 (its build turns the switch off), so it skips this step.
 * 2. `Extensions.loadUnpacked` over the DevTools protocol (needs --enable-unsafe-extension-debugging
 *    and --remote-debugging-pipe), as Puppeteer's browser.installExtension does.
 * 3. By hand: chrome://extensions opens in the window and the steps are printed; it carries on as
 *    soon as the extension's service worker appears.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page, type Target } from 'puppeteer-core';
import { EXTENSION_DIR, chromiumArgs } from './chromium';
import type { BrowserKind, FoundBrowser } from './start-discovery';
import { firstLine, stopWithUs, type OpenPage } from './start-common';
import { isCi } from './start-headless';

export type LoadMethod = 'flag' | 'devtools' | 'by-hand';

export function loadingPlan(kind: BrowserKind): LoadMethod[] {
  return kind === 'chrome' ? ['devtools', 'by-hand'] : ['flag', 'devtools', 'by-hand'];
}

export interface ArgsContext {
  kind: BrowserKind;
  headless: boolean;
  platform: NodeJS.Platform;
  /** Running as root (containers): Chromium then refuses to start with its sandbox on. */
  root: boolean;
  ci: boolean;
}

/**
 * The sandbox's flags, minus --no-sandbox on a person's computer, --disable-gpu when there is a window,
 * and the extension switches where the browser ignores them anyway.
 */
export function launchArgs(exchangePort: number, { kind, headless, platform, root, ci }: ArgsContext): string[] {
  const noSandbox = platform === 'linux' && (root || ci);
  const bySwitch = loadingPlan(kind).includes('flag');
  return chromiumArgs(EXTENSION_DIR, exchangePort).filter(
    (arg) =>
      (arg !== '--no-sandbox' || noSandbox) &&
      (arg !== '--disable-gpu' || headless) &&
      (bySwitch || !/^--(load-extension|disable-extensions-except)=/.test(arg)),
  );
}

export interface ChromiumSession {
  browser: Browser;
  /** chrome-extension://<id> */
  origin: string;
  method: LoadMethod;
  open: OpenPage;
  /** Closes the browser and waits until its processes are gone. */
  close(): Promise<void>;
}

type Manifest = { version?: string; host_permissions?: string[] };
function sameManifest(m: Manifest): boolean {
  const built = JSON.parse(readFileSync(join(EXTENSION_DIR, 'manifest.json'), 'utf8')) as Manifest;
  return m.version === built.version && JSON.stringify(m.host_permissions) === JSON.stringify(built.host_permissions);
}

/** Our worker, recognised by its manifest (Edge and Brave may run extensions of their own). */
async function isOurs(target: Target): Promise<boolean> {
  const worker = await target.worker();
  if (!worker) return false;
  type Runtime = { chrome: { runtime: { getManifest(): Manifest } } };
  const manifest = await worker.evaluate(() => (globalThis as unknown as Runtime).chrome.runtime.getManifest());
  return sameManifest(manifest);
}

const extensionHost = (url: string) => /^chrome-extension:\/\/([a-p]{32})\//.exec(url)?.[1];

/** The extension's origin once its service worker runs; `timeout` 0 waits until the browser closes. */
async function waitForWorker(browser: Browser, timeout: number, id?: string): Promise<string> {
  const seen = new Set<Target>();
  const deadline = Date.now() + timeout;
  for (;;) {
    const target = await browser.waitForTarget(
      (t) => t.type() === 'service_worker' && !seen.has(t) && (id ? extensionHost(t.url()) === id : !!extensionHost(t.url())),
      { timeout: timeout === 0 ? 0 : Math.max(1, deadline - Date.now()) },
    );
    seen.add(target);
    if (id || (await isOurs(target).catch(() => false))) return `chrome-extension://${extensionHost(target.url())}`;
  }
}

const closed = (browser: Browser) =>
  new Promise<never>((_, reject) => browser.once('disconnected', () => reject(new Error('the browser was closed'))));

const BY_HAND = (name: string) =>
  [
    `Load the extension by hand in the ${name} window that just opened on its extensions page:`,
    '  1. Turn on “Developer mode” (top right).',
    '  2. Click “Load unpacked”.',
    `  3. Choose the folder ${EXTENSION_DIR}`,
    'This carries on by itself as soon as the extension is loaded.',
  ].join('\n');

async function loadExtension(browser: Browser, found: FoundBrowser, headless: boolean): Promise<[string, LoadMethod]> {
  for (const method of loadingPlan(found.kind)) {
    if (method === 'flag') {
      try {
        return [await waitForWorker(browser, 10_000), method];
      } catch {
        console.log(
          `${found.name} has not started the extension from --load-extension within 10 s; loading it over the DevTools protocol.`,
        );
      }
    } else if (method === 'devtools') {
      if (found.kind === 'chrome')
        console.log('Google Chrome ignores --load-extension since version 137: loading over the DevTools protocol.');
      try {
        const id = await browser.installExtension(EXTENSION_DIR);
        return [await waitForWorker(browser, 15_000, id), method];
      } catch (error) {
        console.log(`${found.name} would not load it over the DevTools protocol either (${firstLine(error)}).`);
      }
    } else {
      if (headless) throw new Error(`${found.name} would not load the extension, and without a window it cannot be loaded by hand`);
      const [page] = await browser.pages();
      await (page ?? (await browser.newPage())).goto('chrome://extensions');
      console.log(`\n${BY_HAND(found.name)}\n`);
      return [await Promise.race([waitForWorker(browser, 0), closed(browser)]), method];
    }
  }
  throw new Error('no way to load the extension is left');
}

export async function launchChromium(
  found: FoundBrowser,
  { headless, profile, exchangePort }: { headless: boolean; profile: string; exchangePort: number },
): Promise<ChromiumSession> {
  const root = process.getuid?.() === 0;
  const browser = await puppeteer.launch({
    executablePath: found.path,
    headless,
    pipe: true, // Extensions.loadUnpacked is only offered over the pipe
    enableExtensions: true, // --enable-unsafe-extension-debugging, and no --disable-extensions
    userDataDir: profile,
    args: launchArgs(exchangePort, { kind: found.kind, headless, platform: process.platform, root, ci: isCi(process.env) }),
    defaultViewport: headless ? { width: 800, height: 900 } : null,
    // Ctrl+C is handled in start-common.ts: browser first, then the profile, then the sandbox.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  // Registered at once: Ctrl+C while waiting for the extension must close the browser too.
  const close = stopWithUs(browser, profile);
  try {
    const [origin, method] = await loadExtension(browser, found, headless);
    let blank: Page | undefined = (await browser.pages()).find((p) => p.url() === 'about:blank');
    const open: OpenPage = async (name) => {
      const page = blank ?? (await browser.newPage());
      blank = undefined;
      await page.goto(`${origin}/${name}.html`);
      return page;
    };
    return { browser, origin, method, open, close };
  } catch (error) {
    await close();
    throw error;
  }
}
