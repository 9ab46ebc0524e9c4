/**
 * One value of `storage.session` (memory only, trusted contexts only, gone when the browser
 * closes), as a `{ get, set, remove }` over one key. The area is passed in (browser.storage.session
 * in the worker), so nothing here touches a browser global. The worker keeps the popup's last screen
 * in one (a ScreenStore, shell.ts) and the sealed one-time private keys in another (the key
 * manager's SessionSlot, which has the same shape).
 */

/** What a slot needs of a `storage.session`-like area. */
export interface SessionArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(key: string): Promise<void>;
}

/** One JSON value kept under one key of the area. */
export interface SessionSlot {
  get(): Promise<unknown>;
  set(value: unknown): Promise<void>;
  remove(): Promise<void>;
}

export function sessionSlot(area: SessionArea, key: string): SessionSlot {
  return {
    get: async () => (await area.get(key))[key],
    set: (value) => area.set({ [key]: value }),
    remove: () => area.remove(key),
  };
}

/**
 * The slot of the screen copy, named with the copy's shape. Raise the version whenever what a copy
 * holds or means changes (CopiedElement, the allow-list, the popup's markup): a copy of another shape
 * lies under another name — 0.1.0's under `popupScreen` — so it is never read, never painted.
 */
export const SCREEN_SLOT = 'popupScreen.v2';
