/**
 * What `npm run start:firefox` and tests/firefox share to drive Firefox (ESR 140 and later) over
 * WebDriver BiDi with puppeteer-core:
 *
 * - Extension pages: their moz-extension:// UUID is random per install, so the pref
 *   extensions.webextensions.uuids pins it. Firefox's remote agent refuses to navigate a tab to
 *   moz-extension:// unless MOZ_REMOTE_ALLOW_SYSTEM_ACCESS is set, and then reports no load events
 *   for extension documents: pages are opened with the raw browsingContext.navigate command (which
 *   does answer when the page is complete), not page.goto.
 * - Kalshi's host names: Firefox has no --host-resolver-rules, so every connection goes through a
 *   local HTTP proxy (tests/firefox/connect-proxy.ts) that tunnels only Kalshi's four hosts.
 * - The viewport: page.setViewport also sends emulation.setScreenOrientationOverride, which Firefox
 *   140 does not know, so launch with `defaultViewport: null` and use setViewport below.
 * - Waits: Firefox 140 applies the pages' CSP (script-src 'self') to eval in code run over BiDi, so
 *   puppeteer's waitForFunction (behind every locator action) fails in the page's realm; it runs in
 *   puppeteer's sandbox realm instead (the same DOM, no page CSP).
 */
import type { Browser, Frame, Page, Realm, Viewport } from 'puppeteer-core';
import { GECKO_ID } from './firefox';

/** The few raw BiDi commands puppeteer has no public method for. */
export interface BidiConnection {
  send<R = unknown>(method: string, params: object): Promise<{ result: R }>;
}

export const bidiConnection = (browser: Browser) => (browser as unknown as { connection: BidiConnection }).connection;

export const POPUP_VIEWPORT = { width: 380, height: 600 } as const;
export const OPTIONS_VIEWPORT = { width: 800, height: 900 } as const;

/** Launch options for puppeteer.launch: a known extension address, every connection through the proxy, and `prefs`. */
export function firefoxLaunchSettings(uuid: string, proxyPort: number, prefs: Record<string, unknown> = {}) {
  return {
    defaultViewport: null, // puppeteer's own setViewport fails on Firefox 140
    env: { ...process.env, MOZ_REMOTE_ALLOW_SYSTEM_ACCESS: '1' },
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: uuid }),
      'network.proxy.type': 1,
      'network.proxy.ssl': '127.0.0.1',
      'network.proxy.ssl_port': proxyPort,
      'network.proxy.http': '127.0.0.1',
      'network.proxy.http_port': proxyPort,
      'network.proxy.no_proxies_on': '',
      'network.proxy.allow_hijacking_localhost': true,
      ...prefs,
    },
  };
}

/** The BiDi browsing context id of a page's main frame. */
const contextOf = (page: Page) => (page.mainFrame() as unknown as { _id: string })._id;

/** page.setViewport without the screen orientation command Firefox 140 rejects. */
export async function setViewport(browser: Browser, page: Page, viewport: Viewport): Promise<void> {
  const { width, height } = viewport;
  await bidiConnection(browser).send('browsingContext.setViewport', { context: contextOf(page), viewport: { width, height } });
}

/**
 * Opens moz-extension://<uuid>/<name>.html in a new tab (at `viewport`, if given), with
 * waitForFunction and locator actions running in puppeteer's sandbox realm.
 */
export async function openExtensionPage(browser: Browser, uuid: string, name: string, viewport?: Viewport): Promise<Page> {
  const page = await browser.newPage();
  if (viewport) await setViewport(browser, page, viewport);
  await bidiConnection(browser).send('browsingContext.navigate', {
    context: contextOf(page),
    url: `moz-extension://${uuid}/${name}.html`,
    wait: 'complete',
  });
  const frame = page.mainFrame();
  const sandbox = () => (frame as unknown as { isolatedRealm(): Realm }).isolatedRealm();
  frame.waitForFunction = ((...args: Parameters<Frame['waitForFunction']>) =>
    sandbox().waitForFunction(...args)) as Frame['waitForFunction'];
  return page;
}
