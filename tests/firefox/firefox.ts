/**
 * Drives the production Firefox build (.output/firefox-mv3) in Debian's firefox-esr over WebDriver
 * BiDi with puppeteer-core, against the local exchange. What it takes on Firefox ESR 140 and later:
 *
 * - Kalshi's host names: Firefox has no --host-resolver-rules, so every connection goes through
 *   a local HTTP proxy (prefs network.proxy.*) that tunnels CONNECTs for the four Kalshi hosts to
 *   the exchange (connect-proxy.ts). The extension keeps its real URLs, TLS and permissions.
 * - The self-signed certificate: the BiDi session's acceptInsecureCerts, which Firefox applies to
 *   the extension's background requests too.
 * - Extension pages, the viewport and waits (the page CSP blocks puppeteer's eval): see
 *   scripts/firefox-bidi.ts, shared with `npm run start:firefox`.
 * - Privileged script: Firefox 140's BiDi lists no chrome windows (getTree ignores 'moz:scope'), so
 *   chromeEval runs in an about:addons tab (parent process, system principal).
 * - The add-on: installed temporarily with browser.installExtension (BiDi webExtension.install).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { FIREFOX, FIREFOX_BUILD, GECKO_ID } from '../../scripts/firefox';
import { OPTIONS_VIEWPORT, POPUP_VIEWPORT, bidiConnection, firefoxLaunchSettings, openExtensionPage } from '../../scripts/firefox-bidi';

/** Pinned through extensions.webextensions.uuids, so pages have a known address. */
export const EXTENSION_UUID = '6b1e7c2a-4f0d-4b8e-9c53-5a1d2e3f4a5b';

export interface Firefox {
  browser: Browser;
  /** Opens popup.html (at the popup's size) or options.html in a new tab. */
  openPage(name: 'popup' | 'options'): Promise<Page>;
  /** Runs privileged JavaScript (an expression; a promise is awaited) in about:addons. */
  chromeEval<T>(expression: string): Promise<T>;
  /** Installs another build of the add-on (same gecko id: an upgrade in place, as an update arrives). */
  install(build: string): Promise<void>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  proxyPort: number;
  /** Firefox set to "Never remember history" (browser.privatebrowsing.autostart). */
  privateBrowsing?: boolean;
  /** More environment for Firefox (and the native hosts it starts): HOME, the agent's settings. */
  env?: NodeJS.ProcessEnv;
  /** The unpacked build installed first (this tree's Firefox build unless given). */
  build?: string;
}

export async function launchFirefox({
  proxyPort,
  privateBrowsing = false,
  env = {},
  build = FIREFOX_BUILD,
}: LaunchOptions): Promise<Firefox> {
  if (!existsSync(FIREFOX)) throw new Error(`Firefox is not at ${FIREFOX}: apt-get install firefox-esr`);
  if (!existsSync(resolve(build, 'manifest.json'))) throw new Error(`no build at ${build}: run npx wxt build -b firefox`);

  const settings = firefoxLaunchSettings(EXTENSION_UUID, proxyPort, {
    // permissions.request() answers at once instead of showing a prompt nobody can click.
    'extensions.webextOptionalPermissionPrompts': false,
    ...(privateBrowsing && { 'browser.privatebrowsing.autostart': true }),
  });
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    acceptInsecureCerts: true,
    ...settings,
    env: { ...settings.env, ...env },
  });
  const connection = bidiConnection(browser);

  const install = async (dir: string) => {
    const id = await browser.installExtension(dir);
    if (id !== GECKO_ID) throw new Error(`installed ${id}, expected ${GECKO_ID}`);
  };
  try {
    await install(build);
  } catch (error) {
    await browser.close();
    throw error;
  }

  const chromeEval = async <T>(expression: string): Promise<T> => {
    const { result: tab } = await connection.send<{ context: string }>('browsingContext.create', { type: 'tab' });
    const context = tab.context;
    try {
      await connection.send('browsingContext.navigate', { context, url: 'about:addons', wait: 'complete' });
      const { result } = await connection.send<any>('script.evaluate', {
        expression: `(async () => {
          if (!document.nodePrincipal?.isSystemPrincipal) throw new Error('about:addons is not privileged here');
          return ${expression};
        })()`,
        target: { context },
        awaitPromise: true,
      });
      if (result.type === 'exception') throw new Error(`chrome script failed: ${JSON.stringify(result.exceptionDetails?.text)}`);
      return result.result?.value as T;
    } finally {
      await connection.send('browsingContext.close', { context });
    }
  };

  return {
    browser,
    chromeEval,
    install,
    openPage: (name) => openExtensionPage(browser, EXTENSION_UUID, name, name === 'popup' ? POPUP_VIEWPORT : OPTIONS_VIEWPORT),
    close: () => browser.close(),
  };
}

/**
 * What a person does in about:addons → the add-on → "Run in Private Windows": with Firefox set
 * to always use private browsing, an add-on without it gets no extension APIs in its own pages.
 */
export function allowInPrivateBrowsing(firefox: Firefox): Promise<string> {
  return firefox.chromeEval<string>(`(async () => {
    const { ExtensionPermissions } = ChromeUtils.importESModule('resource://gre/modules/ExtensionPermissions.sys.mjs');
    const { AddonManager } = ChromeUtils.importESModule('resource://gre/modules/AddonManager.sys.mjs');
    await ExtensionPermissions.add(${JSON.stringify(GECKO_ID)}, { permissions: ['internal:privateBrowsingAllowed'], origins: [] });
    await (await AddonManager.getAddonByID(${JSON.stringify(GECKO_ID)})).reload();
    return 'allowed';
  })()`);
}

// ---- page helpers (ARIA selectors, like Playwright's getByRole / getByLabel) ----

/** A selector for the element with this role and exact accessible name. */
export const role = (r: string, name: string) => `::-p-aria([name=${JSON.stringify(name)}][role=${JSON.stringify(r)}])`;

/** Waits until the page's live status region contains `text`; returns the region's text. */
export async function waitForStatus(page: Page, text: string, timeout = 20_000): Promise<string> {
  try {
    await page.waitForFunction(
      (t) => [...document.querySelectorAll('[role=status]')].some((el) => el.textContent?.includes(t)),
      { timeout },
      text,
    );
  } catch {
    throw new Error(`status never said “${text}”; it says “${await statusText(page)}”`);
  }
  return statusText(page);
}

export function statusText(page: Page): Promise<string> {
  return page.evaluate(() => [...document.querySelectorAll('[role=status]')].map((el) => el.textContent ?? '').join(' | '));
}

/** The text of the list item mentioning `text`, once there is one. */
export async function listItem(page: Page, text: string, timeout = 15_000): Promise<string> {
  const find = (t: string) => [...document.querySelectorAll('li')].find((li) => li.textContent?.includes(t))?.textContent ?? '';
  try {
    await page.waitForFunction(find, { timeout }, text);
  } catch {
    throw new Error(`no list item mentions ${text}`);
  }
  return page.evaluate(find, text);
}

/** Imports a key through the options page, as a person would. */
export async function importThroughOptions(options: Page, environment: 'production' | 'demo', keyId: string, pem: string) {
  await options.locator(role('combobox', 'Environment')).fill(environment);
  await options.locator(role('textbox', 'API key ID')).fill(keyId);
  await options.locator(role('textbox', 'Private key')).fill(pem);
  await options.locator(role('button', 'Import key')).click();
}
