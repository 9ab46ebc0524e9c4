/** Who may talk to the background: only the extension's own pages, as the browser says. */

/** What the browser stamps on a message: only these are trusted, never anything the message says of itself. */
export interface SenderInfo {
  id?: string;
  url?: string;
  origin?: string;
  tab?: unknown;
}

/**
 * Accept only our own extension pages (popup, options): our extension id, and a URL under our own
 * origin (compared as text: URL.origin is opaque for chrome-extension: URLs outside Chromium).
 */
export function isOwnPage(sender: SenderInfo, extensionId: string, extensionOrigin: string): boolean {
  const base = extensionOrigin.replace(/\/$/, '');
  if (sender.id !== extensionId || typeof sender.url !== 'string') return false;
  if (!sender.url.startsWith(`${base}/`)) return false;
  return sender.origin === undefined || sender.origin === base;
}
