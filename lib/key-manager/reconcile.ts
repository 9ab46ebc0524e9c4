/**
 * Settling operations whose answers were lost (connection reset, timeout, service worker stopped),
 * from what Kalshi lists now. Each pending record (lib/key-store.ts) ends one of these ways:
 *
 * - a create whose pair was made here: the new key is found among the listed keys this browser does
 *   not hold and that were not listed before the request, and proved ours by a request signed with
 *   the pending private half (Kalshi never returns public keys, so nothing else can prove it);
 *   it is then kept here as if the answer had arrived;
 * - a create whose private half was not kept here (made by Kalshi, or meant for download): the new
 *   key, found by its name among the new ones, is flagged "orphaned" until the user deletes it;
 * - a create whose answer did arrive: looked at once for echoes, keys with the same name made by a
 *   request the browser resent on its own after a connection died (Chromium does so for a POST that
 *   got no answer on a reused connection). An echo of a pair made here is proved and kept too. An
 *   echo of a key made by Kalshi cannot be told from a namesake made elsewhere, so it is left as an
 *   ordinary key this browser does not hold (flagging a stranger's key for deletion would be worse);
 * - a delete: the key is gone from the list, so the local copy goes too; or it is still listed, so
 *   the delete never happened;
 * - no trace on Kalshi: the record is dropped, once it is older than a grace period (a request cut
 *   off by a stopped worker may still reach Kalshi a moment later);
 * - the proof could not be made (Kalshi unreachable): the record stays for the next list.
 */
import type { Environment } from '../shared/environments';
import type { ErrorInfo } from '../shared/errors';
import type { ApiKey } from '../kalshi/wire-types';
import type { KeyStore, PendingCreate, PendingRecord, StoredKey } from '../key-store';

/** What a signed request with a candidate key id and a pending private half showed. */
export type Proof = { owned: true; verifiedAt?: number } | { owned: false; conclusive: boolean };

export interface ReconcileDeps {
  store: KeyStore;
  environment: Environment;
  /** What Kalshi lists right now. */
  listed: ApiKey[];
  /** Operations still running in this worker: their answers may yet arrive, so they are left alone. */
  inFlight: ReadonlySet<string>;
  prove: (keyId: string, record: PendingCreate & { privateKey: CryptoKey }) => Promise<Proof>;
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
  /** Key ids whose private half is lost (flag them in the list). */
  orphans: Set<string>;
  /** pending id → the orphaned key it made. */
  orphanOf: Map<string, string>;
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
    orphans: new Set(),
    orphanOf: new Map(),
    unresolved: 0,
    unreadable: [],
  };
  const { records, unreadable } = await store.listPending(environment);
  outcome.unreadable.push(...unreadable);
  if (records.length === 0) return outcome;

  const graceMs = deps.graceMs ?? GRACE_MS;
  /** Drops a record that left no trace, unless it is too young to be sure. */
  const noTrace = async (record: PendingRecord) => {
    if (deps.now - record.startedAt < graceMs) outcome.unresolved++;
    else await store.removePending(record.id);
  };
  const listedIds = new Set(listed.map((k) => k.api_key_id));
  // A key already claimed (held here, or flagged for another record) is nobody else's candidate.
  const claimed = new Set<string>();
  for (const r of records) if (r.operation === 'create') for (const id of r.orphanKeyIds ?? []) claimed.add(id);

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
    if (record.orphanKeyIds) {
      const still = record.orphanKeyIds.filter((id) => listedIds.has(id));
      if (still.length === 0) return store.removePending(record.id); // the user deleted them
      for (const id of still) outcome.orphans.add(id);
      outcome.orphanOf.set(record.id, still[0]!);
      return;
    }
    // An answered create is looked at once for echoes, but not while another create runs here:
    // its key, not yet held, would look like an echo.
    const answered = record.resultKeyId !== undefined;
    if (answered && deps.inFlight.size > 0) return;

    const known = new Set(record.knownKeyIds);
    const fresh: ApiKey[] = [];
    for (const k of listed) {
      if (known.has(k.api_key_id) || claimed.has(k.api_key_id) || k.api_key_id === record.resultKeyId) continue;
      if (await store.hasKey(environment, k.api_key_id)) continue;
      fresh.push(k);
    }
    const named = fresh.filter((k) => k.name === record.name);

    if (!record.privateKey) {
      // An echo of a key made by Kalshi cannot be told from a namesake made elsewhere: never flagged.
      if (answered) return store.removePending(record.id);
      if (named.length === 0) return noTrace(record);
      const ids = named.map((k) => k.api_key_id);
      for (const id of ids) {
        claimed.add(id);
        outcome.orphans.add(id);
      }
      await store.markOrphans(record.id, ids);
      outcome.orphanOf.set(record.id, ids[0]!);
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
          ...(proof.verifiedAt === undefined ? {} : { lastVerifiedAt: proof.verifiedAt }),
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
