/**
 * What the worker does about a new version of itself (docs/updates.md).
 *
 * Installed as an update (`runtime.onInstalled`, reason 'update'): nothing of the key store is
 * touched — every key, account, name, pending record and activity entry stays as it was, and the
 * schema's own upgrade runs when the store is next opened, as at any start. Only the popup's screen
 * copy is dropped (background.ts): its shape may have changed, and one of another shape lies under
 * another name anyway (SCREEN_SLOT), never read.
 *
 * An update ready to install (`runtime.onUpdateAvailable`): applying it reloads the extension, which
 * empties storage.session, where a one-time private key is sealed until the user has saved it, and
 * cuts short whatever the worker is doing. So it waits while a one-time key waits or a message is
 * being handled, and is applied (`runtime.reload()`) once neither: after the message that saved the
 * last key has finished, or when the alarm wipes it at its promised time. That an update waits is
 * kept in a session slot, so a worker stopped and started again still knows; the update itself, or
 * a browser restart, empties it.
 */
import type { SessionSlot } from './secrets';

/**
 * The decision: an update waiting is applied unless something would be lost or cut short by it —
 * a one-time private key waiting to be saved, or a message being handled.
 */
export function applyUpdateNow(updateWaiting: boolean, oneTimeKeys: number, busy: number): boolean {
  return updateWaiting && !oneTimeKeys && !busy;
}

export interface UpdateDeps {
  /** Where "a new version waits" outlives a stopped worker (storage.session). */
  slot: SessionSlot;
  /** How many one-time private keys wait to be saved now (secrets.ts). */
  oneTimeKeys: () => Promise<number>;
  /** Installs the waiting version now (runtime.reload). */
  apply: () => void;
}

export type Updates = ReturnType<typeof createUpdates>;

export function createUpdates({ slot, oneTimeKeys, apply }: UpdateDeps) {
  let busy = 0;
  // Read once per worker (only available() changes it): not a storage read after every message.
  let known: Promise<boolean> | undefined;

  /** Applies a waiting update if nothing would be lost by it; true when it did. */
  async function settle(): Promise<boolean> {
    const updateWaiting = await (known ??= slot.get().then(
      (v) => v !== undefined,
      () => false,
    ));
    // Not known (the store would not open): taken as waiting, so nothing is lost.
    const keys = updateWaiting && !busy ? await oneTimeKeys().catch(() => 1) : 0;
    // busy read after the count: a message may have started meanwhile.
    const now = applyUpdateNow(updateWaiting, keys, busy);
    if (now) apply();
    return now;
  }

  return {
    /** runtime.onUpdateAvailable: remembered, then applied now unless that would lose something. */
    available(version: string): Promise<boolean> {
      known = Promise.resolve(true);
      return slot.set(version).then(settle, settle); // not kept: this worker still knows
    },
    /** Runs one message's work; when the last running one ends, a waiting update may go. */
    async during<T>(work: () => Promise<T>): Promise<T> {
      busy++;
      try {
        return await work();
      } finally {
        if (!--busy) void settle();
      }
    },
    /** After the alarm wiped what expired: a waiting update may go. */
    settle,
  };
}
