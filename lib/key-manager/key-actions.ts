/** What the user does to one key: make it the signing key, test it, forget it here, delete it on Kalshi. */
import type { StoredKey } from '../key-store';
import type { Environment } from '../shared/environments';
import { AppError } from '../shared/errors';
import type { Handlers } from './api';
import { describe, isCode, randomId, wasRefused, type Context } from './context';
import type { Listing } from './listing';

export function createKeyActions(
  ctx: Context,
  { overview, settleNow }: Listing,
): Pick<Handlers, 'setSigningKey' | 'testKey' | 'forgetKey' | 'deleteApiKey'> {
  const { store, client, now, inFlight } = ctx;

  /**
   * Forgetting or deleting the key this browser signs with hands signing to another held key that
   * Kalshi accepts now (proved by a signed request); a dead key never takes over. With none, only the
   * user's explicit consent goes on. `signer` signs the delete; `next` is the signing key afterwards.
   */
  async function guardLockout(environment: Environment, keyId: string, confirmLockout: boolean) {
    const signing = await store.getSigningKey(environment);
    if (signing?.keyId !== keyId) return { signer: signing, next: undefined };
    let working: StoredKey | undefined;
    // Only a key of the same account keeps the extension managing this account's keys.
    for (const key of await store.listKeys(environment, signing.account)) {
      if (key.keyId !== keyId && (await ctx.proveWorks(environment, key)) === 'works') {
        working = key;
        break;
      }
    }
    if (!working && !confirmLockout) throw new AppError('lockout_unconfirmed');
    return { signer: working ?? signing, next: working?.keyId ?? null };
  }

  /** A 401 to a delete signed by the key being deleted, after a lost answer: is the key gone? Proved by asking again. */
  async function deletedItself(environment: Environment, key: StoredKey, error: unknown): Promise<boolean> {
    return isCode(error, 'unauthorized') && (await ctx.proveWorks(environment, key)) === 'refused';
  }

  return {
    async setSigningKey({ environment, keyId }) {
      await store.setSigningKey(environment, keyId);
      return overview(environment);
    },

    async testKey({ environment, keyId }) {
      const key = await ctx.heldKey(environment, keyId);
      const signing = (await store.getSigningKey(environment))?.keyId === keyId;
      // A key restricted to a subaccount acts for it: its balance is asked for with ?subaccount=N.
      const { balance } = await client(environment, key)
        .getPortfolioBalance(key.subaccount ?? undefined)
        .catch((error: unknown) => {
          // Kalshi refused the signing key's signature (401; a 429 or no answer says nothing of the key):
          // the badge says so until a test passes.
          if (signing && isCode(error, 'unauthorized')) ctx.attention.signingKeyTested(environment, false);
          return ctx.explainUnauthorized(error, environment, key);
        });
      if (signing) ctx.attention.signingKeyTested(environment, true);
      const verifiedAt = now();
      await store.markVerified(environment, keyId, verifiedAt);
      return { balanceCents: balance, verifiedAt };
    },

    async forgetKey({ environment, keyId, confirmLockout }) {
      // A damaged record can be forgotten too: that is the way out of it.
      if (!(await store.hasKey(environment, keyId))) throw new AppError('not_held');
      const { next } = await guardLockout(environment, keyId, confirmLockout);
      await store.removeKey(environment, keyId, { nextSigning: next });
      return overview(environment);
    },

    async deleteApiKey({ environment, keyId, confirmLockout }) {
      await ctx.managingKeyFor(environment);
      // Sign with another held key when deleting the signing key, so the extension keeps working.
      const { signer, next } = await guardLockout(environment, keyId, confirmLockout);
      if (!signer) throw new AppError('no_signing_key');
      const pending = { id: randomId(), environment, operation: 'delete' as const, keyId, startedAt: now() };
      await store.addPending(pending);
      inFlight.add(pending.id);
      try {
        try {
          // Retried when the answer is lost; a 404 then means the first attempt went through.
          await client(environment, signer).deleteApiKey(keyId);
        } catch (error) {
          // Deleting the key that signs: if its answer was lost, the retry is refused — by a key that is gone.
          const gone = isCode(error, 'not_found') || (signer.keyId === keyId && (await deletedItself(environment, signer, error)));
          if (!gone) {
            if (wasRefused(error)) {
              await store.removePending(pending.id);
              throw error;
            }
            inFlight.delete(pending.id);
            const settled = await settleNow(environment);
            if (!settled?.confirmedDeleted.includes(keyId)) {
              throw new AppError('outcome_unknown', `DELETE /api_keys/${keyId}: ${describe(error)}`, { cause: error });
            }
            return { deletedKeyId: keyId };
          }
        }
        // Already gone on the exchange (404) counts as done: the user's intent holds.
        await store.completeDelete(pending.id, environment, keyId, next);
        return { deletedKeyId: keyId };
      } finally {
        inFlight.delete(pending.id);
      }
    },
  };
}
