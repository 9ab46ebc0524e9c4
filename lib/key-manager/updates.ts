/**
 * What the worker does about a new version of itself (docs/updates.md).
 *
 * Installed as an update (`runtime.onInstalled`, reason 'update'): nothing of the key store is
 * touched — every key, account, name, pending record and activity entry stays as it was, and the
 * schema's own upgrade runs when the store is next opened, as at any start. Only the popup's screen
 * copy is dropped when it is of another shape than this version paints.
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

export type UpdateStep = 'apply' | 'wait' | 'none';

export interface UpdateState {
  /** A new version is ready to install. */
  updateWaiting: boolean;
  /** One-time private keys waiting to be saved (lost if applied now). */
  oneTimeKeys: number;
  /** Messages being handled (cut short if applied now). */
  busy: number;
}

/** The decision: an update waiting is applied unless something would be lost or cut short by it. */
export function nextUpdateStep({ updateWaiting, oneTimeKeys, busy }: UpdateState): UpdateStep {
  if (!updateWaiting) return 'none';
  return oneTimeKeys > 0 || busy > 0 ? 'wait' : 'apply';
}

export interface UpdateDeps {
  /** Where "a new version waits" outlives a stopped worker (storage.session). */
  slot: SessionSlot;
  /** How many one-time private keys wait to be saved now (secrets.ts). */
  oneTimeKeys: () => Promise<number>;
  /** Installs the waiting version now (runtime.reload). */
  apply: () => void;
  /** Drops the popup's screen copy if it is of another shape than this version's. */
  dropStaleScreen: () => Promise<unknown>;
}

export type Updates = ReturnType<typeof createUpdates>;

export function createUpdates({ slot, oneTimeKeys, apply, dropStaleScreen }: UpdateDeps) {
  let busy = 0;
  // Read once per worker (only available() changes it): not a storage read after every message.
  let known: Promise<boolean> | undefined;
  const waitingUpdate = () =>
    (known ??= slot.get().then(
      (v) => v !== undefined,
      () => false,
    ));

  /** Applies a waiting update if nothing would be lost by it; returns what was decided. */
  async function settle(): Promise<UpdateStep> {
    const updateWaiting = await waitingUpdate();
    if (!updateWaiting || busy > 0) return nextUpdateStep({ updateWaiting, oneTimeKeys: 0, busy });
    const step = nextUpdateStep({ updateWaiting, oneTimeKeys: await oneTimeKeys(), busy });
    // Asked again: a message may have started while the keys were counted.
    if (step === 'apply' && busy === 0) apply();
    return busy > 0 ? 'wait' : step;
  }

  return {
    /** runtime.onInstalled: after an update, only a screen copy of another shape goes. */
    async installed(reason: string): Promise<void> {
      if (reason === 'update') await dropStaleScreen().catch(() => undefined);
    },
    /** runtime.onUpdateAvailable: remembered, then applied now unless that would lose something. */
    async available(version: string): Promise<UpdateStep> {
      known = Promise.resolve(true);
      await slot.set({ version }).catch(() => undefined); // not kept: this worker still knows
      return settle();
    },
    /** Runs one message's work; when the last running one ends, a waiting update may go. */
    async during<T>(work: () => Promise<T>): Promise<T> {
      busy++;
      try {
        return await work();
      } finally {
        busy--;
        if (busy === 0) void settle().catch(() => undefined);
      }
    },
    /** After the alarm wiped what expired: a waiting update may go. */
    settle,
  };
}
