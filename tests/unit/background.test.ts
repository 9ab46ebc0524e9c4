/**
 * The worker's wiring (entrypoints/background.ts), run as the browser runs it: the real file's
 * main() with WXT's fake browser and IndexedDB from fake-indexeddb; a message delivered the way
 * Chrome delivers it (the onMessage listener called with the browser's sender and a sendResponse);
 * and the popup's navigation as the worker's fetch event. What the pieces do is tested with each
 * piece (popup-shell*, hostile-messages, opening, one-time-key); here, that they are wired.
 */
import 'fake-indexeddb/auto';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createBadge } from '../../lib/key-manager/badge';
import type { Opening } from '../../lib/key-manager/opening';
import type { SecretKeeperDeps } from '../../lib/key-manager/secrets';
import type { KeyServiceDeps } from '../../lib/key-manager/service';
import { openKeyStore } from '../../lib/key-store';
import { SCREEN_SLOT, type CopiedElement } from '../../lib/popup-shell';
import { english } from '../helpers/english';

vi.mock('wxt/browser', async () => ({ browser: (await import('wxt/testing/fake-browser')).fakeBrowser }));

/** Every opening the worker builds, its begin() counted (the fetch event must call it). */
const begun = vi.hoisted(() => ({ count: 0 }));
/** What the worker hands the key service and the secret keeper: the ports into the browser. */
const ports = vi.hoisted(() => ({}) as { service?: KeyServiceDeps; secrets?: SecretKeeperDeps });
vi.mock('../../lib/key-manager/service', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../lib/key-manager/service')>();
  return { ...original, createKeyService: (deps: KeyServiceDeps) => original.createKeyService((ports.service = deps)) };
});
vi.mock('../../lib/key-manager/secrets', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../lib/key-manager/secrets')>();
  return { ...original, createSecretKeeper: (deps: SecretKeeperDeps) => original.createSecretKeeper((ports.secrets = deps)) };
});
vi.mock('../../lib/key-manager/opening', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../lib/key-manager/opening')>();
  return {
    ...original,
    createOpening: (...args: Parameters<typeof original.createOpening>): Opening => {
      const opening = original.createOpening(...args);
      return {
        handlers: opening.handlers,
        begin: () => {
          begun.count++;
          return opening.begin();
        },
      };
    },
  };
});

const ID = fakeBrowser.runtime.id;
const ORIGIN = `chrome-extension://${ID}`;
const POPUP = `${ORIGIN}/popup.html`;
/** The packaged popup.html, as the stubbed fetch gives it (it must hold the empty root the copy fills). */
const PAGE = '<!doctype html><html><head></head><body><div id="app"></div></body></html>';

/** The worker's global scope: where `addEventListener('fetch', …)` lands. */
const scope = new EventTarget();
/** The network: the packaged popup.html; anything else (Kalshi included) fails. */
const fetchStub = vi.fn(async (input: RequestInfo | URL) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (url === POPUP) return new Response(PAGE, { status: 200, headers: { 'content-type': 'text/html' } });
  throw new TypeError(`no network in this test: ${url}`);
});

type Sender = { id?: string; url?: string; origin?: string };
/** The onMessage listeners main() registered, as the browser holds them. */
const messageListeners: ((message: unknown, sender: Sender, sendResponse: (reply: unknown) => void) => unknown)[] = [];

/** A message as Chrome delivers it: every onMessage listener called with the browser's sender and a sendResponse. */
async function deliver(message: unknown, sender: Sender) {
  const sendResponse = vi.fn();
  const returned = messageListeners.map((listener) => listener(message, sender, sendResponse));
  await vi.waitFor(() => expect(sendResponse).toHaveBeenCalledTimes(1));
  return { returned, reply: sendResponse.mock.calls[0]![0] as unknown };
}

/** A request as the fetch event carries it: Node cannot construct `mode: 'navigate'`, so a plain object. */
const request = (url: string, mode: RequestMode = 'navigate', method = 'GET') => ({ url, mode, method }) as unknown as Request;

/** Dispatches the worker's fetch event; returns its respondWith spy. */
function dispatchFetch(req: Request) {
  const respondWith = vi.fn<(response: Promise<Response>) => void>();
  scope.dispatchEvent(Object.assign(new Event('fetch'), { request: req, respondWith }));
  return respondWith;
}

beforeAll(async () => {
  fakeBrowser.reset();
  // fakeBrowser has no i18n; the badge's words come from the English file, as in the browser.
  fakeBrowser.i18n.getMessage = english as typeof fakeBrowser.i18n.getMessage;
  vi.stubGlobal('defineBackground', <T>(definition: T) => definition);
  vi.stubGlobal('addEventListener', scope.addEventListener.bind(scope));
  vi.stubGlobal('fetch', fetchStub);
  vi.spyOn(fakeBrowser.runtime.onMessage, 'addListener').mockImplementation((listener) => {
    messageListeners.push(listener as (typeof messageListeners)[number]);
  });
  const { default: background } = await import('../../entrypoints/background');
  void background.main();
});

afterAll(() => {
  vi.unstubAllGlobals();
  fakeBrowser.reset();
});

/** A one-time key's entry as an earlier worker sealed it in storage.session, already past its time. */
async function expiredSealedEntry(): Promise<unknown> {
  // The real keeper, not the worker's (whose ports are caught above).
  const { createSecretKeeper } = await vi.importActual<typeof import('../../lib/key-manager/secrets')>('../../lib/key-manager/secrets');
  const store = await openKeyStore(); // the worker's database: it finds the same sealing key there
  let kept: unknown;
  const keeper = createSecretKeeper({
    now: Date.now,
    slot: { get: async () => kept, set: async (value) => void (kept = value), remove: async () => void (kept = undefined) },
    sealKey: () => store.sealingKey(),
  });
  const pem = '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n';
  await keeper.keep({
    environment: 'demo',
    keyId: 'k-expired',
    keyName: 'bot',
    secret: { pem, fileName: 'bot.pem' },
    expiresAt: Date.now() + 60_000,
  });
  const sealed = kept as Array<{ expiresAt: number }>;
  await keeper.drop('k-expired'); // its timer goes; `sealed` stays as it was written
  store.close();
  return sealed.map((entry) => ({ ...entry, expiresAt: Date.now() - 1 }));
}

const alarm = (name: string) => fakeBrowser.alarms.onAlarm.trigger({ name, scheduledTime: Date.now() });

// In this order: the alarm's sweep must be the worker's first look at the slot (a worker reads it once).
describe('background.ts: the one-time keys alarm', () => {
  it("wipes what is past its time from storage.session's oneTimeKeys on its own alarm only", async () => {
    const entries = await expiredSealedEntry();
    await fakeBrowser.storage.session.set({ oneTimeKeys: entries });
    await alarm('another-alarm');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await fakeBrowser.storage.session.get('oneTimeKeys')).oneTimeKeys).toEqual(entries);
    await alarm('one-time-keys');
    await vi.waitFor(async () => expect(await fakeBrowser.storage.session.get('oneTimeKeys')).toEqual({ oneTimeKeys: undefined }));
  });
});

describe('background.ts: messages', () => {
  it('registers one onMessage listener, which keeps the channel open and answers our own page', async () => {
    const { returned, reply } = await deliver({ type: 'getOverview', data: {} }, { id: ID, url: POPUP, origin: ORIGIN });
    expect(returned).toEqual([true]);
    expect(reply).toEqual({
      ok: true,
      value: { environment: expect.any(String), signingKey: null, heldKeys: [], accounts: [], secretWaiting: false },
    });
  });

  it('refuses a web page before anything runs', async () => {
    const { returned, reply } = await deliver({ type: 'getOverview', data: {} }, { url: 'https://evil.example/' });
    expect(returned).toEqual([true]);
    expect(reply).toMatchObject({ ok: false, error: { code: 'sender_refused' } });
  });

  it("refuses a page claiming our id from another origin, and another extension's page", async () => {
    for (const sender of [
      { id: ID, url: 'https://evil.example/popup.html' },
      { id: 'another-extension', url: `chrome-extension://another-extension/popup.html` },
    ])
      expect((await deliver({ type: 'getOverview', data: {} }, sender)).reply).toMatchObject({
        ok: false,
        error: { code: 'sender_refused' },
      });
  });
});

describe("background.ts: the popup's navigation", () => {
  it('answers the navigation to popup.html with the packaged page, and asks Kalshi early', async () => {
    fetchStub.mockClear();
    const before = begun.count;
    const req = request(POPUP);
    const respondWith = dispatchFetch(req);
    expect(respondWith).toHaveBeenCalledTimes(1);
    const answer = respondWith.mock.calls[0]![0];
    expect(answer).toBeInstanceOf(Promise);
    const response = await answer;
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(PAGE);
    expect(fetchStub).toHaveBeenCalledWith(req);
    await vi.waitFor(() => expect(begun.count).toBe(before + 1));
  });

  it("serves the popup's last screen once the popup kept it (in storage.session's popupScreen)", async () => {
    const copy: CopiedElement = ['main', { class: 'popup' }, [['p', {}, ['bot <b>&amp;</b>']]]];
    const { reply } = await deliver({ type: 'keepScreen', data: { screen: copy } }, { id: ID, url: POPUP, origin: ORIGIN });
    expect(reply).toEqual({ ok: true, value: { kept: true } });
    // Under a name that carries its shape: a copy of another shape (an older version's) is never read.
    expect(await fakeBrowser.storage.session.get(SCREEN_SLOT)).toEqual({ [SCREEN_SLOT]: copy });
    const respondWith = dispatchFetch(request(POPUP));
    expect(respondWith).toHaveBeenCalledTimes(1);
    const text = await (await respondWith.mock.calls[0]![0]).text();
    // The copy fills the page's root (the shell may write more after it, inside <main>).
    expect(text).toContain('<div id="app"><main class="popup" inert=""><p>bot &lt;b&gt;&amp;amp;&lt;/b&gt;</p>');
  });

  it.each([
    ['the options page', request(`${ORIGIN}/options.html`)],
    ['an image', request(`${ORIGIN}/icon/16.png`, 'no-cors')],
    ['popup.html fetched, not navigated to', request(POPUP, 'cors')],
    ["another extension's popup.html", request('chrome-extension://another-extension/popup.html')],
  ])('leaves %s to the browser', async (_, req) => {
    fetchStub.mockClear();
    const before = begun.count;
    expect(dispatchFetch(req)).not.toHaveBeenCalled();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fetchStub).not.toHaveBeenCalled();
    expect(begun.count).toBe(before);
  });
});

describe('background.ts: the ports it hands the key manager', () => {
  it("draws the service's badge on browser.action, in the browser's words", async () => {
    ports.service!.badge!(['signing_key_failing']);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('!');
    expect(await fakeBrowser.action.getTitle({})).toBe('Kalshi Key Manager: Kalshi refused the signing key in its last test');
    ports.service!.badge!([]);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('');
  });

  it('asks browser.alarms to wake the worker when a one-time key is due', async () => {
    const at = Date.now() + 600_000;
    ports.secrets!.wake!(at);
    expect(await fakeBrowser.alarms.get('one-time-keys')).toMatchObject({ name: 'one-time-keys', scheduledTime: at });
  });
});

describe('the toolbar badge (lib/key-manager/badge.ts), drawn on browser.action', () => {
  it("shows '!' in red, each reason a line of the title after the extension's name; none clears it", async () => {
    const badge = createBadge(fakeBrowser.action, english);
    badge(['attestation_expiring', 'signing_key_failing']);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('!');
    expect(await fakeBrowser.action.getBadgeBackgroundColor({})).toEqual([0xb4, 0x23, 0x18, 255]);
    expect(await fakeBrowser.action.getTitle({})).toBe(
      'Kalshi Key Manager: the location check expires within 7 days\nKalshi refused the signing key in its last test',
    );
    badge([]);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('');
    expect(await fakeBrowser.action.getTitle({})).toBe('');
  });
});

// Last in the file: an update offered here is remembered for the rest of this worker's life.
describe('a new version of the extension', () => {
  it('installed as an update, the screen copy goes; an update offered with no one-time key waiting is applied', async () => {
    const kept: CopiedElement = ['main', {}, ['the last screen']];
    await fakeBrowser.storage.session.set({ [SCREEN_SLOT]: kept });
    await fakeBrowser.runtime.onInstalled.trigger({ reason: 'chrome_update' } as never);
    expect(await fakeBrowser.storage.session.get(SCREEN_SLOT)).toEqual({ [SCREEN_SLOT]: kept }); // the browser's update: kept
    await fakeBrowser.runtime.onInstalled.trigger({ reason: 'update', previousVersion: '0.1.0' } as never);
    await vi.waitFor(async () => expect(await fakeBrowser.storage.session.get(SCREEN_SLOT)).toEqual({}));

    const reload = vi.spyOn(fakeBrowser.runtime, 'reload').mockImplementation(() => undefined);
    await fakeBrowser.runtime.onUpdateAvailable.trigger({ version: '9.9.9' });
    await vi.waitFor(() => expect(reload).toHaveBeenCalledTimes(1));
    expect(await fakeBrowser.storage.session.get('update')).toEqual({ update: '9.9.9' });
  });
});
