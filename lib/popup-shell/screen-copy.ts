/**
 * A copy of the popup's last screen, which the worker serves inside popup.html so that it paints
 * before any of the app's code has loaded. The copy is plain data — tags, a few attributes and
 * text, taken from our own DOM — written out as escaped HTML (html.ts) from an allow-list: no
 * script, no links, no event handlers, no input's value. Only the header,
 * the signing line and the first screen of the key list are kept (fewer elements, a faster
 * paint; what follows the list, marked data-no-copy, comes with the app); dialogs (where a
 * one-time private key shows) and the status region never are. It is inert until the app replaces it.
 * It is taken by capture.ts: a picture, with no control in it (a select is drawn as a span).
 */

/** [tag, attributes, children]; a string child is text. */
export type CopiedElement = [tag: string, attributes: Record<string, string>, children: Array<CopiedElement | string>];

export const TAGS = new Set([
  'main',
  'header',
  'h1',
  'h2',
  'section',
  'div',
  'p',
  'span',
  'strong',
  'em',
  'code',
  'small',
  'ul',
  'li',
  'button',
  'label',
  'input',
  'fieldset',
  'legend',
  'details',
  'summary',
]);
export const ATTRIBUTES = /^(class|id|type|role|hidden|disabled|checked|for|name|placeholder|lang|aria-[a-z]+)$/;
/**
 * Enough rows to fill the list's 300 px box, which then scrolls: a row is at least 75 px (four lines
 * when it has no actions), so five always fill it and the copy's box is the app's. Each row more
 * costs the first paint (an experiment on a copy of the build: eight rows against one, about 1.5 ms
 * more of a 21–25 ms open).
 */
export const FIRST_SCREEN_ROWS = 5;
export function isCopied(value: unknown): value is CopiedElement {
  if (!Array.isArray(value) || value.length !== 3) return false;
  const [tag, attributes, children] = value as unknown[];
  return (
    typeof tag === 'string' &&
    TAGS.has(tag) &&
    typeof attributes === 'object' &&
    attributes !== null &&
    Object.entries(attributes).every(([name, v]) => ATTRIBUTES.test(name) && typeof v === 'string') &&
    Array.isArray(children) &&
    children.every((c) => typeof c === 'string' || isCopied(c))
  );
}
