/**
 * popup.html served by the worker with the last screen already in it. A running worker answers
 * the popup's navigation (its fetch event) with the packaged page plus the copy of the screen the
 * popup last showed: the browser parses the list with the page and no script runs before it is on
 * screen (npm run bench, 4a). The page's scripts, preloaded from its head, run after it is parsed,
 * and the app takes the copy's place.
 *
 * The copy is not secret (names, ids, scopes, from our own DOM through screen-copy.ts's allow-list)
 * and never holds key material; it is kept in memory and in `storage.session` (memory only, gone
 * when the browser closes), dropped before a key is forgotten or deleted. Without a copy, or on any
 * failure, the packaged page is served unchanged and the app paints the last list from its snapshot.
 */
import { toHtml } from './html';
import { isCopied, type CopiedElement } from './screen-copy';

/** Where the copy outlives the worker (storage.session in the extension). */
export interface ScreenStore {
  get(): Promise<unknown>;
  set(screen: CopiedElement): Promise<void>;
  remove(): Promise<void>;
}

export interface ScreenKeeper {
  keep(screen: CopiedElement): Promise<void>;
  clear(): Promise<void>;
}

/** The packaged page's empty root, which the copy fills. */
const ROOT = '<div id="app"></div>';
/** The packaged page's headers (its CSP above all) go with the served copy; these describe other bytes. */
const STALE_HEADERS = ['etag', 'last-modified', 'content-length'];

interface Page {
  text: string;
  headers: Headers;
}

export interface PopupShell extends ScreenKeeper {
  /** The answer to a navigation to popup.html: with the copy when there is one, else the packaged page. */
  respond(request: Request): Promise<Response>;
}

/**
 * `cachedNote`: the words that mark the copy as the last screen, not Kalshi's list now (the popup's
 * own "updating" line, in the user's language); written after the copy, below the list.
 */
export function createPopupShell(
  store: ScreenStore,
  fetchPage: (request: Request) => Promise<Response>,
  cachedNote: () => string = () => '',
): PopupShell {
  let screen: Promise<CopiedElement | null> | undefined; // read once per worker, then kept here
  let page: Promise<Page | null> | undefined; // the packaged page never changes while the worker runs
  let served: Promise<Page | null> | undefined; // the page with the copy in it, made once per copy

  const readScreen = () =>
    (screen ??= store.get().then(
      (value) => (isCopied(value) ? value : null),
      () => null,
    ));
  const readPage = (request: Request) =>
    (page ??= fetchPage(request).then(async (response) => {
      const text = await response.text();
      if (!response.ok || !text.includes(ROOT)) return null;
      const headers = new Headers(response.headers);
      for (const name of STALE_HEADERS) headers.delete(name);
      return { text, headers };
    }));
  const withScreen = (request: Request) =>
    (served ??= Promise.all([readScreen(), readPage(request)]).then(([copy, packaged]) => {
      if (!packaged || !copy) return packaged;
      const note = cachedNote();
      const [tag, attributes, children] = copy;
      const marked: CopiedElement = note ? [tag, attributes, [...children, ['p', { class: 'hint' }, [note]]]] : copy;
      // A function, not a string: `$&` in a key's name must stay text, not a replacement pattern.
      const text = packaged.text.replace(ROOT, () => `<div id="app">${toHtml(marked, { inert: '' })}</div>`);
      return { text, headers: packaged.headers };
    }));
  const forget = () => {
    served = undefined;
  };

  return {
    async keep(copy) {
      screen = Promise.resolve(copy);
      forget();
      await store.set(copy);
    },

    async clear() {
      screen = Promise.resolve(null);
      forget();
      await store.remove();
    },

    async respond(request) {
      try {
        const found = await withScreen(request);
        if (found) return new Response(found.text, { status: 200, headers: found.headers });
      } catch {
        page = undefined; // try the packaged page again next time
        forget();
      }
      return fetchPage(request);
    },
  };
}

/** Whether a request is the navigation to the popup (the only one the worker answers itself). */
export function isPopupNavigation(request: Pick<Request, 'mode' | 'url' | 'method'>, origin: string): boolean {
  if (request.mode !== 'navigate' || request.method !== 'GET') return false;
  const url = new URL(request.url);
  return `${url.protocol}//${url.host}` === origin && url.pathname === '/popup.html';
}
