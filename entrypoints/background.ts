import { browser } from 'wxt/browser';
import { toErrorInfo } from '../lib/errors';
import { createKeyService, type Handlers } from '../lib/key-service';
import { openKeyStore } from '../lib/key-store';
import type { Reply } from '../lib/protocol';
import { route } from '../lib/router';

// Signing and every key operation live here only; the pages only send messages.
export default defineBackground({
  type: 'module',
  main() {
    // Listeners are registered synchronously; the store opens on first use (no top-level await in a worker).
    let handlers: Promise<Handlers> | undefined;
    const getHandlers = () => (handlers ??= openKeyStore().then((store) => createKeyService({ store })));
    const self = { id: browser.runtime.id, origin: browser.runtime.getURL('/').replace(/\/$/, '') };

    // webextension-polyfill sends back whatever the returned promise resolves to.
    browser.runtime.onMessage.addListener((message, sender): Promise<Reply<unknown>> =>
      getHandlers().then(
        (h) => route(h, message, sender, self),
        (error: unknown) => {
          handlers = undefined; // let the next message try to open the store again
          return { ok: false, error: toErrorInfo(error) };
        },
      ),
    );
  },
});
