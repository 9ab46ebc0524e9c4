import { browser } from 'wxt/browser';
import { toErrorInfo } from '../lib/shared/errors';
import { createKeyService, type Handlers } from '../lib/key-manager/service';
import { openKeyStore } from '../lib/key-store';
import type { Reply } from '../lib/messages/protocol';
import { route } from '../lib/messages/router';

// Signing and every key operation live here only; the pages only send messages.
// A classic worker (no `type: 'module'`): WXT then bundles it on its own, so it shares no chunk
// with the pages, and the popup loads only its own two files (scripts/page-chunks.ts).
export default defineBackground({
  main() {
    // Listeners are registered synchronously; the store opens on first use (no top-level await in a worker).
    let handlers: Promise<Handlers> | undefined;
    const getHandlers = () => (handlers ??= openKeyStore().then((store) => createKeyService({ store })));
    const self = { id: browser.runtime.id, origin: browser.runtime.getURL('/').replace(/\/$/, '') };

    // Only runtime.onMessage: no onMessageExternal or onConnectExternal, and the manifest has no
    // externally_connectable, so web pages and other extensions cannot reach this worker at all.
    // route() still checks every sender (our id, our origin) before anything runs.
    // sendResponse + `return true` keeps the channel open in Chrome and Firefox alike
    // (Chrome does not send back a promise a listener returns).
    browser.runtime.onMessage.addListener((message, sender, sendResponse: (reply: Reply<unknown>) => void) => {
      void getHandlers()
        .then(
          (h) => route(h, message, sender, self),
          (error: unknown): Reply<unknown> => {
            handlers = undefined; // let the next message try to open the store again
            return { ok: false, error: toErrorInfo(error) };
          },
        )
        .then(sendResponse);
      return true;
    });
  },
});
