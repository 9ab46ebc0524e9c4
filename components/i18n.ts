import type { ComponentChildren } from 'preact';
import { browser } from 'wxt/browser';
import type { ErrorInfo } from '../lib/shared/errors';

/**
 * Every word the pages show comes from public/_locales/<locale>/messages.json through t().
 * To add a string: add `"my_key": { "message": "…", "description": "…" }` to the English file
 * (placeholders as `$NAME$`, declared `"placeholders": { "name": { "content": "$1" } }`), then use t('my_key', value).
 * tests/unit/i18n-*.test.ts fail on words written into the pages directly, unknown keys and unused messages.
 * The JSON is read by the browser, never bundled: only its key names are used here, as a type.
 */
export type MessageKey = keyof typeof import('../public/_locales/en/messages.json');

/**
 * An error as the page shows it: what happened and what to do next, in words; `detail` and `said`
 * (Kalshi's own words, shown on a line of their own) stay as sent.
 */
export type ShownError = ErrorInfo & { message: string; hint: string };

export type GetMessage = (name: string, substitutions?: string[]) => string;

/** Translation functions over a getMessage (the browser's; a test passes one reading the English file). */
export function createTranslator(getMessage: GetMessage) {
  // A page's language does not change while it is open, and a long key list asks for the same words
  // thousands of times (each lookup crosses into the browser; README, Performance).
  const plain = new Map<string, string>();
  /** The text for `key` in the user's language, its placeholders filled with `substitutions` in order ($1, $2, …). */
  const t = (key: MessageKey, ...substitutions: (string | number)[]): string => {
    if (substitutions.length > 0) return getMessage(key, substitutions.map(String)) || key;
    let text = plain.get(key);
    if (text === undefined) plain.set(key, (text = getMessage(key) || key));
    return text;
  };

  /** Like t(), but a substitution may be an element (`<code>…</code>`): returns text and elements in the message's order. */
  const tNodes = (key: MessageKey, ...parts: ComponentChildren[]): ComponentChildren[] => {
    const text = t(key, ...parts.map((part, i) => (typeof part === 'string' || typeof part === 'number' ? part : `\uE000${i}\uE001`)));
    return text.split(/\uE000(\d)\uE001/).map((piece, i) => (i % 2 === 1 ? parts[Number(piece)] : piece));
  };

  /** An error in the user's language, chosen by its code; `detail` and Kalshi's words (`said`) stay as sent. */
  const localizeError = (info: ErrorInfo): ShownError => ({
    code: info.code,
    ...(info.detail === undefined ? {} : { detail: info.detail }),
    ...(info.said === undefined || info.said === '' ? {} : { said: info.said }),
    message: getMessage(`error_${info.code}`) || info.code,
    hint: getMessage(`error_${info.code}_hint`),
  });

  return { t, tNodes, localizeError };
}

// Typed loosely: the key list WXT generates into .wxt/ may lag behind messages.json.
// Looked up per call, so importing this module needs no extension APIs (unit tests).
export const { t, tNodes, localizeError } = createTranslator((name, substitutions) =>
  (browser.i18n as { getMessage: GetMessage }).getMessage(name, substitutions),
);
