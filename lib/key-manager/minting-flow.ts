/**
 * Creating a key on Kalshi with nothing lost: a pending record is written before the request, so a
 * lost answer is settled by the next list (reconcile.ts), never a lost key.
 */
import type { PendingCreate, StoredKey } from '../key-store';
import type { Environment } from '../shared/environments';
import { AppError } from '../shared/errors';
import { describe, isCode, randomId, wasRefused, type Context } from './context';
import type { Listing } from './listing';
import { mintKey, type MintResult, type NewKeyOptions } from './minting';

export function createMinting(ctx: Context, listing: Listing) {
  const { store, client, now, inFlight } = ctx;
  const { settleNow } = listing;

  /**
   * Mints a key with a pending record written before the request, so a lost answer is never a lost key:
   * a pair kept here is recovered by the next list (proved by a signed request); any other is named
   * there as a key that may come from this request, for the user to decide.
   */
  async function mintAndStore(environment: Environment, signing: StoredKey, options: NewKeyOptions): Promise<MintResult> {
    // Kalshi denies an FCM-bound key on every REST endpoint: it can go to a bot (FIX), never be kept here.
    if (options.fcmSubtraderId !== undefined && options.destination === 'browser') {
      throw new AppError('invalid_fcm_subtrader', 'A key bound to an FCM subtrader works only over FIX: choose Download once.');
    }
    const c = client(environment, signing);
    // What exists before: the new key is the one that was not there.
    const knownKeyIds = (await c.listApiKeys()).map((k) => k.api_key_id);
    const startedAt = now();
    const { account } = signing;
    const pending: PendingCreate = {
      id: randomId(),
      environment,
      ...(account === undefined ? {} : { account }),
      operation: 'create',
      startedAt,
      name: options.name,
      source: options.source,
      algorithm: options.algorithm,
      scopes: options.scopes,
      subaccount: options.subaccount ?? null,
      knownKeyIds,
    };
    let written = false;
    let answeredKeyId: string | undefined;
    inFlight.add(pending.id);
    try {
      let result: MintResult;
      try {
        result = await mintKey(c, options, startedAt, {
          async beforeSend(privateKey) {
            await store.addPending(privateKey ? { ...pending, privateKey } : pending);
            written = true;
          },
          answered: (keyId) => void (answeredKeyId = keyId),
        });
      } catch (error) {
        if (!written) throw error; // nothing was sent
        if (answeredKeyId !== undefined) {
          // Kalshi made the key and named it, but its private key could not be read: certainly lost.
          await store.markLost(pending.id, environment, answeredKeyId, 'unreadable');
          throw error;
        }
        if (wasRefused(error)) {
          await store.removePending(pending.id);
          if (isCode(error, 'usage_tier')) await store.setUploadRefused(environment, account, now());
          throw error;
        }
        inFlight.delete(pending.id);
        const settled = await settleNow(environment);
        const adopted = settled?.adopted.get(pending.id);
        if (adopted) return { keyId: adopted, stored: (await store.getKey(environment, adopted)) ?? null, secret: null, warning: null };
        // Not proved either way: the pending record stays, and the next list names any key of this
        // name that turns up as one that may come from this request — never as unusable.
        const what = `${options.source === 'local' ? 'POST /api_keys' : 'POST /api_keys/generate'} for “${options.name}”`;
        if (isCode(error, 'exchange_error')) throw error;
        throw new AppError('outcome_unknown', `${what}: ${describe(error)}`, { cause: error });
      }
      // The new key is the signing key's account's: the only account a signed create can act on.
      if (result.stored && account !== undefined) result = { ...result, stored: { ...result.stored, account } };
      if (result.secret) {
        // Kept for the user first (sealed, outliving the worker: secrets.ts), so no later failure loses it;
        // the store knows only that it waits. A failed write is made again by the next list (listing.ts).
        const expiresAt = now() + ctx.secretTtlMs;
        await ctx.secrets.keep({ environment, keyId: result.keyId, keyName: options.name, secret: result.secret, expiresAt }, pending.id);
        await store.answerCreate(pending.id, result.keyId, null, { awaitingSaveUntil: expiresAt }).then(
          () => ctx.secrets.told(result.keyId),
          () => undefined,
        );
      } else {
        // A pair made here keeps its record until the next list has looked for echoes of this request.
        await store.answerCreate(pending.id, result.keyId, result.stored);
      }
      if (options.source === 'local') await store.setUploadRefused(environment, account, null);
      return result;
    } finally {
      inFlight.delete(pending.id);
    }
  }

  return { mintAndStore };
}
