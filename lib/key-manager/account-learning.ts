/**
 * Which Kalshi account each held key belongs to: Kalshi tells accounts apart only by the
 * communications id a key's signed `GET /communications/id` returns, so each key is asked once.
 */
import type { KalshiClient } from '../kalshi/client';
import type { SigningKey } from '../kalshi/signer';
import type { AccountId, KeyStore } from '../key-store';
import type { Environment } from '../shared/environments';

/** Resolves true when it learned an account (a key record changed). */
export type LearnAccounts = (environment: Environment, options?: { again?: boolean }) => Promise<boolean>;

/** Asks Kalshi for the account of each held key whose account is unknown; one key at a time (a few, once). */
export function createAccountLearning(store: KeyStore, client: (environment: Environment, key: SigningKey) => KalshiClient): LearnAccounts {
  // Keys Kalshi would not name an account for, in this worker's life: asked again after a restart,
  // or at once when the user acts on one (`again`).
  const unanswered = new Set<string>();
  return async function learnAccounts(environment, { again = false } = {}) {
    const unknown = (await store.listKeys(environment)).filter((k) => k.account === undefined && (again || !unanswered.has(k.keyId)));
    if (unknown.length === 0) return false;
    const found = new Map<string, AccountId>();
    for (const key of unknown) {
      const id = await client(environment, key)
        .getCommunicationsId()
        .catch(() => undefined);
      if (id === undefined) unanswered.add(key.keyId);
      else {
        unanswered.delete(key.keyId);
        found.set(key.keyId, id);
      }
    }
    if (found.size > 0) await store.learnAccounts(environment, found);
    return found.size > 0;
  };
}
