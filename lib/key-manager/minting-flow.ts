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
   * a pair kept here is recovered by the next list; any other is flagged there for deletion.
   */
  async function mintAndStore(environment: Environment, signing: StoredKey, options: NewKeyOptions): Promise<MintResult> {
    const c = client(environment, signing);
    // What exists before: the new key is the one that was not there.
    const knownKeyIds = (await c.listApiKeys()).map((k) => k.api_key_id);
    const startedAt = now();
    const pending: PendingCreate = {
      id: randomId(),
      environment,
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
    inFlight.add(pending.id);
    try {
      let result: MintResult;
      try {
        result = await mintKey(c, options, startedAt, {
          async beforeSend(privateKey) {
            await store.addPending(privateKey ? { ...pending, privateKey } : pending);
            written = true;
          },
        });
      } catch (error) {
        if (!written) throw error; // nothing was sent
        if (wasRefused(error)) {
          await store.removePending(pending.id);
          throw error;
        }
        inFlight.delete(pending.id);
        const recoverable = options.source === 'local' && options.destination === 'browser' && !isCode(error, 'key_lost');
        const settled = await settleNow(environment);
        const adopted = settled?.adopted.get(pending.id);
        if (recoverable && adopted) return { keyId: adopted, stored: (await store.getKey(environment, adopted)) ?? null, secret: null };
        const what = `${options.source === 'local' ? 'POST /api_keys' : 'POST /api_keys/generate'} for “${options.name}”`;
        const orphan = settled?.orphanOf.get(pending.id);
        if (!recoverable && (orphan !== undefined || !isCode(error, 'exchange_error'))) {
          throw new AppError(
            'key_lost',
            isCode(error, 'key_lost')
              ? (error as AppError).detail
              : `${what}: ${describe(error)}${orphan ? ` Kalshi lists it as ${orphan}.` : ''}`,
            { cause: error },
          );
        }
        // Kalshi answered with a server error and no new key shows (yet): most likely nothing was made.
        // The pending record stays, so a key that turns up later is still recovered or flagged.
        if (isCode(error, 'exchange_error')) throw error;
        throw new AppError('outcome_unknown', `${what}: ${describe(error)}`, { cause: error });
      }
      // The record stays (without anything new) until the next list has looked for echoes of this request.
      await store.answerCreate(pending.id, result.keyId, result.stored);
      return result;
    } finally {
      inFlight.delete(pending.id);
    }
  }

  return { mintAndStore };
}
