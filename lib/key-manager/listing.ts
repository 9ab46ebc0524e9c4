/**
 * Reading the account's keys: the overview of what this browser holds, Kalshi's list, and settling
 * operations whose answers were lost against that list (reconcile.ts).
 */
import type { ApiKey } from '../kalshi/wire-types';
import { ofAccount, type PendingCreate, type StoredKey } from '../key-store';
import type { Environment } from '../shared/environments';
import type { KeyList, KeyListItem, ListRecovery, Overview } from './api';
import { isCode, summarize, type Context } from './context';
import { toErrorInfo, type ErrorInfo } from '../shared/errors';
import { reconcile, type Proof, type ReconcileOutcome } from './reconcile';
import { accountsOf } from './accounts';

export type Listing = ReturnType<typeof createListing>;

/** localeCompare's order, with one collator for the whole sort (localeCompare makes one per call). */
const byName = new Intl.Collator().compare;

export function createListing(ctx: Context) {
  const { store, client, now, inFlight, signingKeyFor, explainUnauthorized } = ctx;
  // The last list read here, for the names of keys this browser does not hold (the activity log).
  const lastKnownKeys = new Map<Environment, KeyListItem[]>();
  async function overview(requested?: Environment): Promise<Overview> {
    const environment = requested ?? (await store.getActiveEnvironment());
    const [signing, allHeld] = await Promise.all([
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
      heldKeys: (signing ? allHeld.filter(ofAccount(signing.account)) : allHeld).map(summarize),
      accounts: await accountsOf(ctx, environment, allHeld),
      secretWaiting: (await ctx.secrets.take(environment)) !== null,
    };
  }

  /** Kalshi's list read with `key`; the account's location check comes with it, kept for the health (account.ts). */
  async function readList(environment: Environment, key: StoredKey): Promise<ApiKey[]> {
    const listing = await client(environment, key).listApiKeysWithAttestation();
    ctx.regionExpiration.set(environment, listing.api_key_region_expiration_ts);
    return listing.api_keys;
  }

  /** Signs with a candidate key id and a pending private half: only a 2xx answer proves the key is ours. */
  async function prove(environment: Environment, keyId: string, record: PendingCreate & { privateKey: CryptoKey }): Promise<Proof> {
    const candidate = { keyId, algorithm: record.algorithm, privateKey: record.privateKey, subaccount: record.subaccount };
    const verdict = await ctx.proveWorks(environment, candidate);
    return verdict === 'works' ? { owned: true, verifiedAt: now() } : { owned: false, conclusive: verdict === 'refused' };
  }

  interface Listed {
    listed: ApiKey[];
    signing: StoredKey;
    settled: ReconcileOutcome;
    /** Set when Kalshi refused the signing key and another held key read the list. */
    listedWith?: StoredKey;
    signingProblem?: ErrorInfo;
  }

  /** Reads the list with another held key of the same account that Kalshi accepts, when it refuses the signing key. */
  async function listWithAnotherKey(environment: Environment, signing: StoredKey) {
    // A key of an account Kalshi has not named could read another account's list.
    const sameAccount = signing.account === undefined ? [] : await store.listKeys(environment, { account: signing.account });
    for (const key of sameAccount) {
      if (key.keyId === signing.keyId) continue;
      const listed = await readList(environment, key).catch(() => undefined);
      if (listed) return { listed, key };
    }
    return undefined;
  }

  /** Lists the environment's keys and settles lost operations against the list. */
  async function listAndSettle(environment: Environment): Promise<Listed> {
    // Before anything is matched against a list: which account each held key belongs to.
    const [learned, stored] = await Promise.all([ctx.learnAccounts(environment), signingKeyFor(environment)]);
    let signing = learned ? await signingKeyFor(environment) : stored;
    let listed: ApiKey[];
    let listedWith: StoredKey | undefined;
    let signingProblem: ErrorInfo | undefined;
    try {
      listed = await readList(environment, signing);
    } catch (error) {
      if (!isCode(error, 'unauthorized')) throw error;
      // A delete of the signing key whose answer was lost: Kalshi no longer knows the key, so it went.
      const deletedSigning = (await store.listPending(environment, { account: signing.account })).records.find(
        (r) => r.operation === 'delete' && r.keyId === signing.keyId && !inFlight.has(r.id),
      );
      if (deletedSigning) {
        const other = await listWithAnotherKey(environment, signing);
        await store.completeDelete(deletedSigning.id, environment, signing.keyId, other?.key.keyId ?? null);
        signing = await signingKeyFor(environment);
        listed = other?.listed ?? (await readList(environment, signing));
      } else {
        // Kalshi refuses the signing key (deleted on kalshi.com, say): another held key may still work.
        const explained = await explainUnauthorized(error, environment, signing).catch((e: unknown) => e);
        const other = await listWithAnotherKey(environment, signing);
        if (!other) throw explained;
        ({ listed, key: listedWith } = other);
        signingProblem = toErrorInfo(explained);
      }
    }
    // A one-time key whose create was not told its key id (the store refused the write): told now.
    for (const w of await ctx.secrets.waiting(environment)) {
      await store.answerCreate(w.pendingId, w.keyId, null, { awaitingSaveUntil: w.expiresAt }).then(
        () => ctx.secrets.told(w.keyId),
        () => undefined,
      );
    }
    const settled = await reconcile({
      store,
      environment,
      account: signing.account,
      listed,
      inFlight,
      prove: (keyId, record) => prove(environment, keyId, record),
      holdsSecret: (keyId) => ctx.secrets.holds(keyId),
      now: now(),
      ...(ctx.graceMs === undefined ? {} : { graceMs: ctx.graceMs }),
    });
    return { listed, signing, settled, ...(listedWith ? { listedWith, signingProblem } : {}) };
  }

  /** After a lost answer, one attempt to settle at once; fine if Kalshi is still out of reach. */
  const settleNow = (environment: Environment) =>
    listAndSettle(environment).then(
      (r) => r.settled,
      () => undefined,
    );

  /** A held key Kalshi did not list: gone (its signature refused), or not proved either way. */
  async function unlistedItem(environment: Environment, key: StoredKey, r: Listed): Promise<KeyListItem> {
    const signing = key.keyId === r.signing.keyId;
    const refused = signing && r.signingProblem?.code === 'unauthorized' ? 'refused' : await ctx.proveWorks(environment, key);
    return {
      keyId: key.keyId,
      name: key.name,
      scopes: key.scopes,
      subaccount: key.subaccount ?? null,
      held: true,
      signing,
      lastVerifiedAt: key.lastVerifiedAt ?? null,
      algorithm: key.algorithm,
      ...(signing && r.signingProblem ? { rejected: true as const } : {}),
      ...(refused === 'refused' ? { deletedOnKalshi: true as const } : { unconfirmed: true as const }),
    };
  }

  /** A held key whose account Kalshi has not named: refused by Kalshi (Forget), or shown with no action until named. */
  const unnamedItem = async (environment: Environment, key: StoredKey): Promise<KeyListItem> => ({
    keyId: key.keyId,
    name: key.name,
    scopes: key.scopes,
    subaccount: key.subaccount ?? null,
    held: true,
    signing: false,
    lastVerifiedAt: key.lastVerifiedAt ?? null,
    algorithm: key.algorithm,
    ...((await ctx.proveWorks(environment, key)) === 'refused'
      ? { deletedOnKalshi: true as const }
      : { unconfirmed: true as const, accountUnknown: true as const }),
  });

  async function listApiKeys({ environment }: { environment: Environment }): Promise<KeyList> {
    const r = await listAndSettle(environment);
    const { listed, signing, settled } = r;
    // One read for the account's keys and those of no known account (IndexedDB is slow beside a page loading).
    const stored = await store.listKeysChecked(environment);
    const held = { records: stored.records.filter(ofAccount(signing.account)), unreadable: stored.unreadable };
    const heldById = new Map(held.records.map((k) => [k.keyId, k]));
    const keys: KeyListItem[] = listed.map((k) => ({
      keyId: k.api_key_id,
      name: k.name,
      scopes: k.scopes,
      subaccount: k.subaccount,
      held: heldById.has(k.api_key_id),
      signing: k.api_key_id === signing.keyId,
      lastVerifiedAt: heldById.get(k.api_key_id)?.lastVerifiedAt ?? null,
      algorithm: heldById.get(k.api_key_id)?.algorithm,
      ...(k.api_key_id === signing.keyId && r.signingProblem ? { rejected: true as const } : {}),
      ...(settled.lost.has(k.api_key_id) ? { lost: settled.lost.get(k.api_key_id) } : {}),
      ...(settled.suspects.has(k.api_key_id) ? { maybeLostAnswer: true as const } : {}),
      ...(settled.awaitingSave.has(k.api_key_id) ? { awaitingSave: true as const } : {}),
    }));
    const listedIds = new Set(listed.map((k) => k.api_key_id));
    for (const key of held.records) if (!listedIds.has(key.keyId)) keys.push(await unlistedItem(environment, key, r));
    // Held keys whose account Kalshi has not named yet: shown, never taken for this account's.
    if (signing.account !== undefined) {
      for (const key of stored.records.filter(ofAccount(undefined))) keys.push(await unnamedItem(environment, key));
    }
    keys.sort(
      (a, b) =>
        Number(b.signing) - Number(a.signing) || Number(b.held) - Number(a.held) || byName(a.name, b.name) || byName(a.keyId, b.keyId),
    );
    const recovery: ListRecovery = {
      adopted: settled.adoptedKeys,
      confirmedDeleted: settled.confirmedDeleted,
      unresolved: settled.unresolved,
      unreadable: [...held.unreadable, ...settled.unreadable],
    };
    lastKnownKeys.set(environment, keys);
    const eventful = recovery.adopted.length + recovery.confirmedDeleted.length + recovery.unresolved + recovery.unreadable.length > 0;
    return {
      keys,
      account: signing.account ?? null,
      ...(eventful ? { recovery } : {}),
      ...(r.listedWith ? { listedWith: r.listedWith.keyId, signingProblem: r.signingProblem! } : {}),
    };
  }

  /** A key's name as the last list here showed it: for keys this browser does not hold. */
  const knownName = (environment: Environment, keyId: string): string | undefined =>
    lastKnownKeys.get(environment)?.find((k) => k.keyId === keyId)?.name;

  return { overview, listAndSettle, settleNow, listApiKeys, knownName };
}
