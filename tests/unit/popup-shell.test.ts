/**
 * popup.html served by the worker with the last screen in it (lib/popup-shell): the copy as HTML
 * text, where a key's name can only ever be text, and the worker's answer to the popup's navigation
 * — the packaged page with the copy inside and the packaged page's CSP, or the packaged page alone.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml, toHtml } from '../../lib/popup-shell/html';
import type { CopiedElement } from '../../lib/popup-shell/screen-copy';
import { createPopupShell, isPopupNavigation, type PopupShell } from '../../lib/popup-shell/shell';
import { memoryScreenStore } from '../helpers/screen-store';

const ORIGIN = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
const CSP = "script-src 'self'; object-src 'none'; frame-ancestors 'none'";
const PACKAGED =
  '<!doctype html><html><head><style>p{}</style></head><body><div id="app"></div><script type="module" src="/chunks/popup.js"></script></body></html>';
const screen = (name: string): CopiedElement => [
  'main',
  { class: 'popup' },
  [['ul', { class: 'key-list', 'aria-label': 'API keys' }, [['li', { class: 'key' }, [['span', { class: 'key-name' }, [name]]]]]]],
];

const unescape = (text: string) => text.replace(/&(amp|lt|gt|quot);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"' })[e]!);

describe('the screen copy as HTML', () => {
  it('writes allowed tags and attributes; input has no end tag; extra attributes go on the root only', () => {
    const copy: CopiedElement = [
      'div',
      { class: 'a', id: 'b' },
      ['x', ['input', { type: 'search', placeholder: 'Filter' }, []], ['p', {}, ['y']]],
    ];
    expect(toHtml(copy, { inert: '' })).toBe('<div class="a" id="b" inert="">x<input type="search" placeholder="Filter"><p>y</p></div>');
  });

  it('leaves out what the allow-list does not admit, whoever wrote the copy', () => {
    const copy = [
      'div',
      { onclick: 'x()', style: 'color:red', href: 'https://evil.example', class: 'k' },
      [['script', {}, ['alert(1)']], ['a', { href: 'x' }, ['link']], 'text'],
    ] as CopiedElement;
    expect(toHtml(copy)).toBe('<div class="k">text</div>');
    expect(toHtml(['iframe', {}, []])).toBe('');
  });

  it('property: any text and any attribute value stay text — every < and " in the output is ours', () => {
    const tag = fc.constantFrom('ul', 'li', 'p', 'span', 'input', 'button', 'label', 'code');
    const attrs = fc.dictionary(fc.constantFrom('class', 'id', 'aria-label', 'title', 'onclick'), fc.string());
    const tree = fc.letrec((tie) => ({
      node: fc.tuple(tag, attrs, fc.array(fc.oneof(fc.string(), tie('node')), { maxLength: 3 })),
    })).node as fc.Arbitrary<CopiedElement>;
    const counts = (node: CopiedElement | string): { tags: number; attrs: number } => {
      if (typeof node === 'string') return { tags: 0, attrs: 0 };
      const [tagName, attributes, children] = node;
      const own = {
        tags: tagName === 'input' ? 1 : 2,
        attrs: Object.keys(attributes).filter((n) => n !== 'onclick' && n !== 'title').length,
      };
      if (tagName === 'input') return own;
      return children.map(counts).reduce((a, b) => ({ tags: a.tags + b.tags, attrs: a.attrs + b.attrs }), own);
    };
    fc.assert(
      fc.property(tree, (copy) => {
        const html = toHtml(copy);
        const { tags, attrs } = counts(copy);
        expect(html.split('<').length - 1).toBe(tags);
        expect(html.split('>').length - 1).toBe(tags);
        expect(html.split('"').length - 1).toBe(2 * attrs);
      }),
    );
  });

  it('property: escaping loses nothing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(unescape(escapeHtml(text))).toBe(text);
      }),
    );
  });
});

/** The packaged popup.html as the extension's protocol answers it; counts the reads. */
function packagedPage(text = PACKAGED) {
  const page = {
    reads: 0,
    fetch: async (_request: Request) => {
      page.reads++;
      return new Response(text, {
        headers: { 'content-type': 'text/html', 'content-security-policy': CSP, etag: '"abc"', 'last-modified': 'x' },
      });
    },
  };
  return page;
}

const navigation = () => new Request(`${ORIGIN}/popup.html`);
/** The page the shell serves for the popup's navigation, as text. */
const served = async (shell: PopupShell) => (await shell.respond(navigation())).text();

/** The body served with a copy naming `sandbox`, read with timers faked: the scripts' frame is a timer. */
describe('the worker’s answer to the popup', () => {
  it('puts the last screen inside the packaged page, inert, with the packaged page’s CSP', async () => {
    const page = packagedPage();
    const shell = createPopupShell(memoryScreenStore(), page.fetch);
    await shell.keep(screen('sandbox'));
    const response = await shell.respond(navigation());
    const html = await response.text();
    expect(html).toContain('<div id="app"><main class="popup" inert=""><ul class="key-list" aria-label="API keys"><li class="key">');
    expect(html).toContain('<span class="key-name">sandbox</span>');
    expect(html.replace(/<div id="app">.*<\/div><script/, '<div id="app"></div><script')).toBe(PACKAGED);
    expect(response.headers.get('content-security-policy')).toBe(CSP);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(response.headers.get('etag')).toBeNull(); // other bytes than the packaged file's
    // The packaged page is read once per worker; the next answers are made from memory.
    await shell.respond(navigation());
    expect(page.reads).toBe(1);
  });

  it('marks the copy as the last screen, below the list, in the words given (escaped)', async () => {
    const shell = createPopupShell(memoryScreenStore(), packagedPage().fetch, () => 'The list you saw last: <updating>…');
    await shell.keep(screen('sandbox'));
    const html = await served(shell);
    expect(html).toMatch(/<\/ul><p class="hint">The list you saw last: &lt;updating&gt;…<\/p><\/main>/);
  });

  it('a name holding markup or a replacement pattern stays text', async () => {
    const shell = createPopupShell(memoryScreenStore(), packagedPage().fetch);
    await shell.keep(screen('<img src=x onerror=alert(1)> $& $` "quoted"'));
    const html = await served(shell);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; $&amp; $` &quot;quoted&quot;');
    expect(html).not.toContain('<img');
  });

  it('a worker started again reads the copy back from storage; a new copy replaces it', async () => {
    const store = memoryScreenStore();
    await createPopupShell(store, packagedPage().fetch).keep(screen('first'));
    const restarted = createPopupShell(store, packagedPage().fetch);
    expect(await served(restarted)).toContain('first');
    await restarted.keep(screen('second'));
    const html = await served(restarted);
    expect(html).toContain('second');
    expect(html).not.toContain('first');
  });

  it('serves the packaged page unchanged without a copy, after clear(), or when storage fails or holds something else', async () => {
    const store = memoryScreenStore();
    const shell = createPopupShell(store, packagedPage().fetch);
    expect(await served(shell)).toBe(PACKAGED);
    await shell.keep(screen('gone'));
    await shell.clear();
    expect(store.value).toBeUndefined();
    expect(await served(shell)).toBe(PACKAGED);
    expect(await served(createPopupShell(memoryScreenStore(true), packagedPage().fetch))).toBe(PACKAGED);
    const tampered = memoryScreenStore();
    tampered.value = ['script', {}, ['alert(1)']];
    expect(await served(createPopupShell(tampered, packagedPage().fetch))).toBe(PACKAGED);
  });

  it('a packaged page without the empty root, or one that fails to load, is passed through as it is', async () => {
    const store = memoryScreenStore();
    store.value = screen('sandbox');
    const other = '<!doctype html><body><div id="app">changed</div></body>';
    expect(await served(createPopupShell(store, packagedPage(other).fetch))).toBe(other);

    let calls = 0;
    const flaky = async (request: Request) => {
      if (++calls === 1) throw new Error('read failed');
      return packagedPage().fetch(request);
    };
    const shell = createPopupShell(store, flaky);
    expect(await served(shell)).toBe(PACKAGED); // the fallback read
    expect(await served(shell)).toContain('sandbox'); // tried again
  });
});

describe('which requests the worker answers', () => {
  const request = (url: string, mode: RequestMode = 'navigate', method = 'GET') => ({ url, mode, method });
  it('only the navigation to our own popup.html', () => {
    expect(isPopupNavigation(request(`${ORIGIN}/popup.html`), ORIGIN)).toBe(true);
    expect(isPopupNavigation(request(`${ORIGIN}/popup.html?x=1`), ORIGIN)).toBe(true);
    expect(isPopupNavigation(request(`${ORIGIN}/popup.html`, 'cors'), ORIGIN)).toBe(false);
    expect(isPopupNavigation(request(`${ORIGIN}/popup.html`, 'navigate', 'POST'), ORIGIN)).toBe(false);
    expect(isPopupNavigation(request(`${ORIGIN}/options.html`), ORIGIN)).toBe(false);
    expect(isPopupNavigation(request(`${ORIGIN}/chunks/popup.js`), ORIGIN)).toBe(false);
    expect(isPopupNavigation(request('chrome-extension://zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz/popup.html'), ORIGIN)).toBe(false);
    expect(isPopupNavigation(request('https://evil.example/popup.html'), ORIGIN)).toBe(false);
  });
});
