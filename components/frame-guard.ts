/**
 * The extension's pages refuse to work inside a frame: a page that framed them could overlay and
 * steer clicks (clickjacking). The manifest's CSP (frame-ancestors 'none') and the absence of
 * web_accessible_resources already stop the browser from framing them; this is the second lock.
 */

/** True when the page is not the top-level window (or the browser will not say). */
export function isFramed(win: { top: unknown; self: unknown }): boolean {
  try {
    return win.top !== win.self;
  } catch {
    return true;
  }
}
