/**
 * Reading the account's keys: the overview the popup paints at once, Kalshi's list, and settling
 * operations whose answers were lost against that list (reconcile.ts).
 */
import type { SigningKey } from '../kalshi/signer';
import type { ApiKey } from '../kalshi/wire-types';
import type { PendingCreate, StoredKey } from '../key-store';
import type { Environment } from '../shared/environments';
import type { KeyListItem, KeyManagerApi, ListRecovery, Overview } from './api';
import { isCode, summarize, type Context } from './context';
import { reconcile, type Proof, type ReconcileOutcome } from './reconcile';

export type Listing = ReturnType<typeof createListing>;

export function createListing(ctx: Context) {
  const { store, client, now, inFlight, signingKeyFor, explainUnauthorized } = ctx;
  // The popup paints this at once and refreshes behind it; lives as long as the worker.
  const lastKnownKeys = new Map<Environment, KeyListItem[]>();

  async function overview(requested?: Environment): Promise<Overview> {
    const environment = requested ?? (await store.getActiveEnvironment());
    const [signing, held] = await Promise.all([
      // A damaged signing record shows as none: importing the key again replaces it.
      store.getSigningKey(environment).catch((error: unknown) => {
        if (isCode(error, 'corrupt_record')) return undefined;
        throw error;
      }),
      store.listKeys(environment),
    ]);
    return {
      environment,
      signingKey: signing ? summarize(signing) : null,
      heldKeys: held.map(summarize),
      lastKnownKeys: signing ? (lastKnownKeys.get(environment) ?? null) : null,
    };
  }

  /** Signs with a candidate key id and a pending private half: Kalshi's answer shows whose key it is. */
  async function prove(environment: Environment, keyId: string, record: PendingCreate & { privateKey: CryptoKey }): Promise<Proof> {
    const candidate: SigningKey = { keyId, algorithm: record.algorithm, privateKey: record.privateKey };
    try {
      await client(environment, candidate).getPortfolioBalance();
      return { owned: true, verifiedAt: now() };
    } catch (error) {
      // Authenticated but short of a scope: the signature was accepted, so the key is ours.
      if (isCode(error, 'forbidden')) return { owned: true };
      return { owned: false, conclusive: isCode(error, 'unauthorized') };
    }
  }

  /** Lists the environment's keys and settles lost operations against the list. */
  async function listAndSettle(environment: Environment): Promise<{ listed: ApiKey[]; signing: StoredKey; settled: ReconcileOutcome }> {
    let signing = await signingKeyFor(environment);
    let listed: ApiKey[];
    try {
      listed = await client(environment, signing).listApiKeys();
    } catch (error) {
      // A delete of the signing key whose answer was lost: Kalshi no longer knows the key, so it went.
      const deletedSigning = isCode(error, 'unauthorized')
        ? (await store.listPending(environment)).records.find(
            (r) => r.operation === 'delete' && r.keyId === signing.keyId && !inFlight.has(r.id),
          )
        : undefined;
      if (!deletedSigning) return explainUnauthorized(error, environment, signing);
      await store.completeDelete(deletedSigning.id, environment, signing.keyId);
      signing = await signingKeyFor(environment);
      listed = await client(environment, signing)
        .listApiKeys()
        .catch((e: unknown) => explainUnauthorized(e, environment, signing));
    }
    const settled = await reconcile({
      store,
      environment,
      listed,
      inFlight,
      prove: (keyId, record) => prove(environment, keyId, record),
      now: now(),
      ...(ctx.graceMs === undefined ? {} : { graceMs: ctx.graceMs }),
    });
    return { listed, signing, settled };
  }

  /** After a lost answer, one attempt to settle at once; fine if Kalshi is still out of reach. */
  const settleNow = (environment: Environment) =>
    listAndSettle(environment).then(
      (r) => r.settled,
      () => undefined,
    );

  async function listApiKeys({ environment }: KeyManagerApi['listApiKeys']['request']): Promise<KeyManagerApi['listApiKeys']['response']> {
    const { listed, signing, settled } = await listAndSettle(environment);
    const held = await store.listKeysChecked(environment);
    const heldById = new Map(held.records.map((k) => [k.keyId, k]));
    const keys: KeyListItem[] = listed.map((k) => ({
      keyId: k.api_key_id,
      name: k.name,
      scopes: k.scopes,
      subaccount: k.subaccount,
      held: heldById.has(k.api_key_id),
      signing: k.api_key_id === signing.keyId,
      lastVerifiedAt: heldById.get(k.api_key_id)?.lastVerifiedAt ?? null,
      ...(settled.orphans.has(k.api_key_id) ? { orphaned: true } : {}),
    }));
    keys.sort(
      (a, b) =>
        Number(b.signing) - Number(a.signing) ||
        Number(b.held) - Number(a.held) ||
        a.name.localeCompare(b.name) ||
        a.keyId.localeCompare(b.keyId),
    );
    const recovery: ListRecovery = {
      adopted: settled.adoptedKeys,
      confirmedDeleted: settled.confirmedDeleted,
      unresolved: settled.unresolved,
      unreadable: [...held.unreadable, ...settled.unreadable],
    };
    lastKnownKeys.set(environment, keys);
    const eventful = recovery.adopted.length + recovery.confirmedDeleted.length + recovery.unresolved + recovery.unreadable.length > 0;
    return eventful ? { keys, recovery } : { keys };
  }

  return { overview, listAndSettle, settleNow, listApiKeys };
}
