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

  /** Forgetting or deleting the last key this browser signs with needs the user's explicit consent. */
  async function guardLockout(environment: Environment, keyId: string, confirmLockout: boolean): Promise<StoredKey | undefined> {
    const signing = await store.getSigningKey(environment);
    if (signing?.keyId !== keyId) return signing;
    const other = (await store.listKeys(environment)).find((k) => k.keyId !== keyId);
    if (!other && !confirmLockout) throw new AppError('lockout_unconfirmed');
    return other ?? signing;
  }

  return {
    async setSigningKey({ environment, keyId }) {
      await store.setSigningKey(environment, keyId);
      return overview(environment);
    },

    async testKey({ environment, keyId }) {
      const key = await ctx.heldKey(environment, keyId);
      const { balance } = await client(environment, key)
        .getPortfolioBalance()
        .catch((error: unknown) => ctx.explainUnauthorized(error, environment, key));
      const verifiedAt = now();
      await store.markVerified(environment, keyId, verifiedAt);
      return { balanceCents: balance, verifiedAt };
    },

    async forgetKey({ environment, keyId, confirmLockout }) {
      // A damaged record can be forgotten too: that is the way out of it.
      if (!(await store.hasKey(environment, keyId))) throw new AppError('not_held');
      await guardLockout(environment, keyId, confirmLockout);
      await store.removeKey(environment, keyId);
      return overview(environment);
    },

    async deleteApiKey({ environment, keyId, confirmLockout }) {
      await ctx.managingKeyFor(environment);
      // Sign with another held key when deleting the signing key, so the extension keeps working.
      const signer = (await guardLockout(environment, keyId, confirmLockout))!;
      const pending = { id: randomId(), environment, operation: 'delete' as const, keyId, startedAt: now() };
      await store.addPending(pending);
      inFlight.add(pending.id);
      try {
        try {
          // Retried when the answer is lost; a 404 then means the first attempt went through.
          await client(environment, signer).deleteApiKey(keyId);
        } catch (error) {
          if (!isCode(error, 'not_found')) {
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
        await store.completeDelete(pending.id, environment, keyId);
        return { deletedKeyId: keyId };
      } finally {
        inFlight.delete(pending.id);
      }
    },
  };
}
