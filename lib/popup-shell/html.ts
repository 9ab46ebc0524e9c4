/**
 * The screen copy (screen-copy.ts) as HTML text, for the worker to put in popup.html (shell.ts).
 * Only what the allow-list admits is written, every text and attribute value escaped: whatever a
 * key's name holds, it stays text. No raw-text element (script, style, textarea, title) is allowed,
 * so escaping `&`, `<`, `>` and `"` is all HTML's parser needs.
 */
import { ATTRIBUTES, TAGS, type CopiedElement } from './screen-copy';

const VOID = new Set(['input']);
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

export const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => ESCAPES[c]!);

/** `extra` adds attributes to the root only (the worker's `inert`), past the allow-list. */
export function toHtml(copied: CopiedElement, extra: Record<string, string> = {}): string {
  const [tag, attributes, children] = copied;
  if (!TAGS.has(tag)) return '';
  const allowed = Object.entries(attributes).filter(([name]) => ATTRIBUTES.test(name));
  const attrs = [...allowed, ...Object.entries(extra)].map(([name, value]) => ` ${name}="${escapeHtml(value)}"`).join('');
  if (VOID.has(tag)) return `<${tag}${attrs}>`;
  const inner = children.map((child) => (typeof child === 'string' ? escapeHtml(child) : toHtml(child))).join('');
  return `<${tag}${attrs}>${inner}</${tag}>`;
}
