import { browser } from 'wxt/browser';
import { toErrorInfo } from '../lib/shared/errors';
import { createBadge } from '../lib/key-manager/badge';
import { createKeyService } from '../lib/key-manager/service';
import { createOpening, type Opening } from '../lib/key-manager/opening';
import { createSecretKeeper, type SecretKeeper } from '../lib/key-manager/secrets';
import { createBots, type Bots } from '../lib/key-manager/bots';
import { AGENT_HOST_NAME, createAgentLink } from '../lib/bots/link';
import { openKeyStore } from '../lib/key-store';
import type { Reply } from '../lib/messages/protocol';
import { route } from '../lib/messages/router';
import { createUpdates } from '../lib/key-manager/updates';
import { SCREEN_SLOT, createPopupShell, isPopupNavigation, sessionSlot } from '../lib/popup-shell';

// Signing and every key operation live here only; the pages only send messages. This file only
// wires: it builds the pieces (lib/) and registers the listeners.

/** One-time private keys, sealed (lib/key-manager/secrets.ts), are wiped at their promised time by this alarm. */
const SECRETS_ALARM = 'one-time-keys';

/** The fetch event of an extension service worker (none in Firefox's background page). */
interface FetchEventLike extends Event {
  request: Request;
  respondWith(response: Promise<Response>): void;
}

// A classic worker (no `type: 'module'`): WXT then bundles it on its own, so it shares no chunk
// with the pages, and the popup loads only its own two files (scripts/page-chunks.ts).
export default defineBackground({
  main() {
    // Listeners are registered synchronously; the store opens on first use (no top-level await in a worker).
    let handlers: Promise<Opening> | undefined;
    // The toolbar badge: something needs the user (lib/key-manager/attention.ts); its title says what.
    const badge = createBadge(browser.action, (name) => browser.i18n.getMessage(name));
    const self = { id: browser.runtime.id, origin: browser.runtime.getURL('/').replace(/\/$/, '') };
    // storage.session: memory only, trusted contexts only, gone when the browser closes. The popup's
    // last screen outlives the worker there, and so do one-time private keys, sealed, until their
    // promised time.
    const shell = createPopupShell(
      sessionSlot(browser.storage.session, SCREEN_SLOT),
      (request) => fetch(request),
      // The copy is the last screen, not Kalshi's list now: it says so, as the app does.
      () => browser.i18n.getMessage('popup_updating'),
    );
    let secrets: SecretKeeper | undefined;
    let bots: Bots | undefined;
    // The local agent's port (lib/bots/link.ts): bots' requests are signed here, never by the agent.
    // While it is open, Chrome keeps this worker running.
    const agent = createAgentLink({
      connect: () => browser.runtime.connectNative(AGENT_HOST_NAME),
      sign: (request) => bots!.sign(request),
      outcome: (answer, request, status) => bots?.outcome(answer, request, status),
      onStatus: () => {},
      lastError: () => browser.runtime.lastError?.message,
    });
    const getHandlers = () =>
      (handlers ??= openKeyStore().then((store) => {
        secrets = createSecretKeeper({
          now: Date.now,
          slot: sessionSlot(browser.storage.session, 'oneTimeKeys'),
          sealKey: () => store.sealingKey(),
          // The worker may be stopped at the promised time: the alarm starts it to wipe the key then.
          wake: (at) => void browser.alarms.create(SECRETS_ALARM, { when: at }),
        });
        bots = createBots({ store, now: Date.now, agent });
        const service = createKeyService({ store, badge, screen: shell, secrets, bots });
        return createOpening(service, {
          activeEnvironment: () => store.getActiveEnvironment(),
          now: Date.now,
        });
      }));

    // A new version: applied when no one-time key would be lost by it (lib/key-manager/updates.ts).
    const updates = createUpdates({
      slot: sessionSlot(browser.storage.session, 'update'),
      oneTimeKeys: () => getHandlers().then(() => secrets!.count()),
      apply: () => browser.runtime.reload(),
    });
    // Updated: the screen copy goes (its shape may have changed); nothing else is touched (docs/updates.md).
    browser.runtime.onInstalled.addListener(({ reason }) => void (reason === 'update' && shell.clear()));
    browser.runtime.onUpdateAvailable.addListener(({ version }) => void updates.available(version));

    // The agent comes back with the worker, if the user had it on (after a browser restart, too).
    void getHandlers()
      .then(() => bots?.resume())
      .catch(() => undefined);

    browser.alarms.onAlarm.addListener((alarm) => {
      if (alarm.name === SECRETS_ALARM)
        void getHandlers()
          .then(() => secrets?.sweep())
          .then(updates.settle);
    });

    // The popup's navigation, answered with its last screen inside (lib/popup-shell/shell.ts); every
    // other request goes on to the packaged file untouched.
    addEventListener('fetch', (event) => {
      const fetchEvent = event as FetchEventLike;
      if (!isPopupNavigation(fetchEvent.request, self.origin)) return;
      fetchEvent.respondWith(shell.respond(fetchEvent.request));
      // Kalshi's list is asked for now, while the page loads (lib/key-manager/opening.ts).
      void getHandlers()
        .then((opening) => opening.begin())
        .catch(() => undefined);
    });

    // Only runtime.onMessage: no onMessageExternal or onConnectExternal, and the manifest has no
    // externally_connectable, so web pages and other extensions cannot reach this worker at all.
    // route() still checks every sender (our id, our origin) before anything runs.
    // sendResponse + `return true` keeps the channel open in Chrome and Firefox alike
    // (Chrome does not send back a promise a listener returns).
    browser.runtime.onMessage.addListener((message, sender, sendResponse: (reply: Reply<unknown>) => void) => {
      // The reply is sent inside during(): a waiting update goes only after it (updates.ts).
      void updates.during(() =>
        getHandlers()
          .then(
            (opening) => route(opening.handlers, message, sender, self),
            (error: unknown): Reply<unknown> => {
              handlers = undefined; // let the next message try to open the store again
              return { ok: false, error: toErrorInfo(error) };
            },
          )
          .then(sendResponse),
      );
      return true;
    });
  },
});
