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
    // Only a key Kalshi named of the same account keeps the extension managing this account's keys.
    const sameAccount = signing.account === undefined ? [] : await store.listKeys(environment, { account: signing.account });
    for (const key of sameAccount) {
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

  /**
   * Forget acts on a key of the signing account only; a key whose account Kalshi never named may go
   * when its own signature is refused (deleted on Kalshi: nothing is lost by forgetting it).
   */
  async function ownOrDead(environment: Environment, keyId: string): Promise<void> {
    await ctx.ownHeldKey(environment, keyId).catch(async (error: unknown) => {
      if (isCode(error, 'account_unknown') && (await ctx.proveWorks(environment, await ctx.heldKey(environment, keyId))) === 'refused')
        return;
      throw error;
    });
  }

  return {
    async setSigningKey({ environment, keyId }) {
      // Signing passes within the account signing now; another account is chosen with switchAccount.
      if (await store.getSigningKey(environment).catch(() => undefined)) await ctx.ownHeldKey(environment, keyId);
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
      const readable = await store.getKey(environment, keyId).then(
        () => true,
        (error: unknown) => (isCode(error, 'corrupt_record') ? false : Promise.reject(error)),
      );
      if (readable) await ownOrDead(environment, keyId);
      const { next } = await guardLockout(environment, keyId, confirmLockout);
      await store.removeKey(environment, keyId, { nextSigning: next });
      return overview(environment);
    },

    async deleteApiKey({ environment, keyId, confirmLockout }) {
      await ctx.managingKeyFor(environment);
      // A held key only for its own account (a damaged record's account cannot be read: the list below decides).
      await ctx.ownHeldKey(environment, keyId).catch((error: unknown) => {
        if (!isCode(error, 'not_held') && !isCode(error, 'corrupt_record')) throw error;
      });
      // Sign with another held key when deleting the signing key, so the extension keeps working.
      const { signer, next } = await guardLockout(environment, keyId, confirmLockout);
      if (!signer) throw new AppError('no_signing_key');
      // Proof that the key is this account's: its list names it. Only then does a 404 mean "already gone".
      const listed = await client(environment, signer).listApiKeys();
      if (!listed.some((k) => k.api_key_id === keyId)) throw new AppError('key_not_listed', `Key ${keyId}.`);
      const { account } = signer;
      const pending = {
        id: randomId(),
        environment,
        ...(account === undefined ? {} : { account }),
        operation: 'delete' as const,
        keyId,
        startedAt: now(),
      };
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
        // Listed a moment ago, gone now (404): done, as the user meant.
        await store.completeDelete(pending.id, environment, keyId, next);
        return { deletedKeyId: keyId };
      } finally {
        inFlight.delete(pending.id);
      }
    },
  };
}
