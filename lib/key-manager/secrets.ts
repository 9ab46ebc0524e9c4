/**
 * One-time private keys (Download once) held until the user has them: in this worker's memory
 * only — never in storage — for at most SECRET_TTL_MS, or until the user says it was saved.
 * A reopened popup asks for it again (takeSecret). If the time runs out or the worker stops, the
 * next list marks the key "its private key was never saved" (reconcile.ts).
 */
import type { Environment } from '../shared/environments';
import type { UnsavedSecret } from './api';

export const SECRET_TTL_MS = 10 * 60_000;

export type SecretKeeper = ReturnType<typeof createSecretKeeper>;

export function createSecretKeeper(now: () => number) {
  const held = new Map<string, { value: UnsavedSecret; timer: ReturnType<typeof setTimeout> }>();
  const drop = (keyId: string) => {
    const entry = held.get(keyId);
    if (entry) clearTimeout(entry.timer);
    held.delete(keyId);
  };
  const live = (keyId: string) => {
    const entry = held.get(keyId);
    if (entry && entry.value.expiresAt <= now()) drop(keyId);
    return held.get(keyId)?.value;
  };
  return {
    keep(value: UnsavedSecret): void {
      drop(value.keyId);
      const timer = setTimeout(() => drop(value.keyId), Math.max(0, value.expiresAt - now()));
      // A pending timer must not keep a Node test process alive; in a worker this is a no-op.
      (timer as { unref?: () => void }).unref?.();
      held.set(value.keyId, { value, timer });
    },
    /** The oldest secret of the environment still waiting to be saved. */
    take(environment: Environment): UnsavedSecret | null {
      for (const keyId of [...held.keys()]) {
        const value = live(keyId);
        if (value?.environment === environment) return value;
      }
      return null;
    },
    holds: (keyId: string): boolean => live(keyId) !== undefined,
    /** The name of the key a held secret belongs to (for the activity log). */
    nameOf: (keyId: string): string | undefined => held.get(keyId)?.value.keyName,
    drop,
  };
}
