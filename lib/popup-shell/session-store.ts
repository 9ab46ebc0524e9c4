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
 * The shape of the screen copy as kept in its slot. Raise it whenever what a copy holds or means
 * changes (CopiedElement, the allow-list, the popup's markup): a copy of any other shape — 0.1.0
 * kept the bare copy, shape 1 — is then never painted, and an update drops it (updates.ts).
 */
export const SCREEN_SHAPE = 2;

/** A slot whose value is kept as `{ shape, value }`: a value written under another shape reads as none. */
export function shapedSlot(slot: SessionSlot, shape: number): SessionSlot & { dropOtherShape(): Promise<boolean> } {
  const ofShape = (kept: unknown): kept is { shape: number; value: unknown } =>
    typeof kept === 'object' && kept !== null && (kept as { shape?: unknown }).shape === shape;
  return {
    get: async () => {
      const kept = await slot.get();
      return ofShape(kept) ? kept.value : undefined;
    },
    set: (value) => slot.set({ shape, value }),
    remove: () => slot.remove(),
    /** Removes a value of another shape; true when one was there. */
    async dropOtherShape() {
      const kept = await slot.get();
      if (kept === undefined || ofShape(kept)) return false;
      await slot.remove();
      return true;
    },
  };
}
