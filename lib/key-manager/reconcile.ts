/**
 * Settling operations whose answers were lost (connection reset, timeout, service worker stopped),
 * from what Kalshi lists now. Every conclusion is proved; what cannot be proved is said as such and
 * left to the user. Each pending record (lib/key-store/records.ts) ends one of these ways:
 *
 * - a create whose pair was made here: the new key is found among the listed keys this browser does
 *   not hold, that were not listed before the request and that no successful create of ours made, and
 *   proved ours by a 2xx answer to a request signed with the pending private half (Kalshi never
 *   returns public keys, so nothing else can prove it); it is then kept here as if the answer had
 *   arrived;
 * - a create whose private half was not kept here (made by Kalshi, or meant for download): a new key
 *   of its name *may* be its key — or a namesake made on kalshi.com. It is named as a suspect ("may
 *   come from a request whose answer was lost"), never as unusable; the user decides;
 * - a create that certainly made a key whose private half exists nowhere (Kalshi's private key could
 *   not be read; a one-time key never saved): that key is named as such until it is deleted;
 * - a one-time key waiting to be saved: shown as such while its secret is kept (secrets.ts: it
 *   outlives a stopped worker, not the browser); once it is not, or the time is over, the key is
 *   certain to be lost;
 * - a create whose answer did arrive: looked at once for echoes, keys with the same name made by a
 *   request the browser resent on its own after a connection died. An echo of a pair made here is
 *   proved and kept too; any other is left as an ordinary key;
 * - a delete: the key is gone from the list, so the local copy goes too; or it is still listed, so
 *   the delete never happened;
 * - no trace on Kalshi: the record is dropped, once it is older than a grace period (a request cut
 *   off by a stopped worker may still reach Kalshi a moment later);
 * - the proof could not be made (Kalshi unreachable, no 2xx): the record stays for the next list.
 *
 * While a create runs in this worker, no record is matched by name: the running create's key would
 * look like the lost one's.
 */
import type { ApiKey } from '../kalshi/wire-types';
import type { AccountId, KeyStore, PendingCreate, PendingRecord, StoredKey } from '../key-store';
import type { Environment } from '../shared/environments';
import type { ErrorInfo } from '../shared/errors';

/** What a signed request with a candidate key id and a pending private half showed: only a 2xx is ownership. */
export type Proof = { owned: true; verifiedAt: number } | { owned: false; conclusive: boolean };

export interface ReconcileDeps {
  store: KeyStore;
  environment: Environment;
  /** The account whose list this is (its signing key's); none known: nothing is settled by it. */
  account: AccountId | undefined;
  /** What Kalshi lists right now. */
  listed: ApiKey[];
  /** Operations still running in this worker: their answers may yet arrive, so they are left alone. */
  inFlight: ReadonlySet<string>;
  prove: (keyId: string, record: PendingCreate & { privateKey: CryptoKey }) => Promise<Proof>;
  /** Whether this worker still holds the one-time private key of this key id, unsaved. */
  holdsSecret: (keyId: string) => Promise<boolean>;
  /** ms since the epoch. */
  now: number;
  /** A record younger than this is not dropped for lack of a trace. Default GRACE_MS. */
  graceMs?: number;
}

export const GRACE_MS = 60_000;

export interface ReconcileOutcome {
  /** pending id → key id kept here, for creates whose answer was lost. */
  adopted: Map<string, string>;
  /** Every key id proved ours and kept here by this pass (echoes of answered creates included). */
  adoptedKeys: string[];
  confirmedDeleted: string[];
  /** Key id → the pending record of a lost create that may have made it (not certain). */
  suspects: Map<string, string>;
  /** Key id → why its private half certainly exists nowhere. */
  lost: Map<string, 'unreadable' | 'never_saved'>;
  /** One-time keys whose private key this worker holds until the user has saved it. */
  awaitingSave: Set<string>;
  /** Records left for the next list. */
  unresolved: number;
  unreadable: ErrorInfo[];
}

/** At most this many candidates are signed for, per pending create. */
export const MAX_PROOFS = 3;

export async function reconcile(deps: ReconcileDeps): Promise<ReconcileOutcome> {
  const { store, environment, listed } = deps;
  const outcome: ReconcileOutcome = {
    adopted: new Map(),
    adoptedKeys: [],
    confirmedDeleted: [],
    suspects: new Map(),
    lost: new Map(),
    awaitingSave: new Set(),
    unresolved: 0,
    unreadable: [],
  };
  // Only this account's, and only once Kalshi named it: a list says nothing of another account's operations.
  if (deps.account === undefined) return outcome;
  const { records, unreadable } = await store.listPending(environment, { account: deps.account });
  outcome.unreadable.push(...unreadable);
  if (records.length === 0) return outcome;

  const graceMs = deps.graceMs ?? GRACE_MS;
  /** Drops a record that left no trace, unless it is too young to be sure. */
  const noTrace = async (record: PendingRecord) => {
    if (deps.now - record.startedAt < graceMs) outcome.unresolved++;
    else await store.removePending(record.id);
  };
  const listedIds = new Set(listed.map((k) => k.api_key_id));
  // Keys our own successful creates made, and keys another record already names, are nobody else's.
  const claimed = new Set(await store.madeByUs(environment));
  for (const r of records) {
    if (r.operation !== 'create') continue;
    for (const id of [...(r.suspectKeyIds ?? []), r.resultKeyId, r.lostKeyId]) if (id) claimed.add(id);
  }
  const creating = [...deps.inFlight].some((id) => records.some((r) => r.id === id && r.operation === 'create'));

  for (const record of records) {
    if (deps.inFlight.has(record.id)) continue;
    try {
      await settle(record);
    } catch {
      outcome.unresolved++; // the store failed: the record is as it was, for next time
    }
  }
  return outcome;

  async function settle(record: PendingRecord): Promise<void> {
    if (record.operation === 'delete') {
      if (listedIds.has(record.keyId)) {
        await noTrace(record); // still listed: the delete did not happen
      } else {
        await store.completeDelete(record.id, environment, record.keyId);
        outcome.confirmedDeleted.push(record.keyId);
      }
      return;
    }
    if (record.lostKeyId) {
      if (!listedIds.has(record.lostKeyId)) return store.removePending(record.id); // deleted since
      outcome.lost.set(record.lostKeyId, record.lostReason ?? 'unreadable');
      return;
    }
    if (record.awaitingSaveUntil !== undefined && record.resultKeyId) {
      const keyId = record.resultKeyId;
      if (!listedIds.has(keyId)) return store.removePending(record.id);
      if ((await deps.holdsSecret(keyId)) && deps.now < record.awaitingSaveUntil) {
        outcome.awaitingSave.add(keyId);
        return;
      }
      await store.markLost(record.id, environment, keyId, 'never_saved');
      outcome.lost.set(keyId, 'never_saved');
      return;
    }
    if (record.suspectKeyIds) {
      const still = record.suspectKeyIds.filter((id) => listedIds.has(id));
      if (still.length === 0) return store.removePending(record.id); // the user deleted them
      for (const id of still) outcome.suspects.set(id, record.id);
      return;
    }
    // While a create runs here, its key, not yet answered, would look like this record's.
    if (creating) {
      outcome.unresolved++;
      return;
    }
    const answered = record.resultKeyId !== undefined;
    const known = new Set(record.knownKeyIds);
    const fresh: ApiKey[] = [];
    for (const k of listed) {
      if (known.has(k.api_key_id) || claimed.has(k.api_key_id)) continue;
      if (await store.hasKey(environment, k.api_key_id)) continue;
      fresh.push(k);
    }
    const named = fresh.filter((k) => k.name === record.name);

    if (!record.privateKey) {
      if (answered) return store.removePending(record.id);
      if (named.length === 0) return noTrace(record);
      const ids = named.map((k) => k.api_key_id);
      for (const id of ids) {
        claimed.add(id);
        outcome.suspects.set(id, record.id);
      }
      await store.markSuspects(record.id, ids);
      return;
    }

    // Kalshi could have altered the name: for a lost answer, the proof decides, so unnamed fresh
    // keys are tried after the named ones. An echo has the name as sent.
    const candidates = (answered ? named : [...named, ...fresh.filter((k) => k.name !== record.name)]).slice(0, MAX_PROOFS);
    const owned: StoredKey[] = [];
    let inconclusive = false;
    for (const candidate of candidates) {
      const proof = await deps.prove(candidate.api_key_id, record as PendingCreate & { privateKey: CryptoKey });
      if (proof.owned) {
        claimed.add(candidate.api_key_id);
        owned.push({
          environment,
          keyId: candidate.api_key_id,
          name: candidate.name || record.name,
          algorithm: record.algorithm,
          privateKey: record.privateKey,
          createdAt: record.startedAt,
          scopes: candidate.scopes,
          subaccount: candidate.subaccount,
          lastVerifiedAt: proof.verifiedAt,
          ...(record.account === undefined ? {} : { account: record.account }),
        });
        if (!answered && candidate.name !== record.name) break; // an unnamed match is enough
      } else if (!proof.conclusive) inconclusive = true;
    }
    if (owned.length > 0 && !inconclusive) {
      await store.completeCreate(record.id, owned);
      if (!answered) outcome.adopted.set(record.id, owned[0]!.keyId);
      outcome.adoptedKeys.push(...owned.map((k) => k.keyId));
      return;
    }
    if (inconclusive) {
      outcome.unresolved++;
      return;
    }
    // None of the new keys is this one: an answered create had no echo; a lost one was never made.
    if (answered) await store.removePending(record.id);
    else await noTrace(record);
  }
}
