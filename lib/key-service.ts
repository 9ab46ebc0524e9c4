/**
 * What the background does for each message. Dependencies come in as parameters
 * so tests run the same code against fake-indexeddb and the local exchange.
 */
import { importPrivateKey } from './crypto-keys';
import { ENVIRONMENT_LABEL, type Environment } from './environments';
import { AppError } from './errors';
import { createKalshiClient } from './kalshi-client';
import type { ApiKey } from './kalshi-types';
import type { KeyStore, PendingCreate, StoredKey } from './key-store';
import { mintKey, type MintResult, type NewKeyOptions } from './minting';
import { readPrivateKey } from './private-key-input';
import type { Handlers as ProtocolHandlers, KeyListItem, KeySummary, ListRecovery, Overview } from './protocol';
import { reconcile, type Proof, type ReconcileOutcome } from './reconcile';
import type { RetryPolicy } from './retry';
import { rotate } from './rotation';
import { canManageKeys } from './scopes';
import type { SigningKey } from './signer';
import { keySourceFor } from './tiers';

export interface KeyServiceDeps {
  store: KeyStore;
  fetch?: typeof fetch;
  timeoutMs?: number;
  now?: () => number;
  /** Retries of GET and DELETE (lib/retry.ts); tests pass a sleep that does not wait. */
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** How long a lost operation without any trace on Kalshi is kept before it is dropped (lib/reconcile.ts). */
  graceMs?: number;
}

export type Handlers = ProtocolHandlers;

export function summarize(key: StoredKey): KeySummary {
  const { environment, keyId, name, algorithm, scopes, createdAt } = key;
  return {
    environment,
    keyId,
    name,
    algorithm,
    scopes,
    createdAt,
    subaccount: key.subaccount ?? null,
    lastVerifiedAt: key.lastVerifiedAt ?? null,
  };
}

const otherEnvironment = (env: Environment): Environment => (env === 'production' ? 'demo' : 'production');
const isCode = (error: unknown, code: string) => error instanceof AppError && error.code === code;

/**
 * Kalshi answered, and said no: the change was not made. Anything else (no answer, a 5xx, an answer
 * that does not parse) leaves the outcome unknown.
 */
const REFUSALS: ReadonlySet<string> = new Set([
  'bad_request',
  'unauthorized',
  'clock_skew',
  'wrong_environment',
  'usage_tier',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
]);
const wasRefused = (error: unknown) => !(error instanceof AppError) || REFUSALS.has(error.code);

const randomId = () => crypto.randomUUID();

export function createKeyService(deps: KeyServiceDeps): Handlers {
  const { store } = deps;
  const now = deps.now ?? Date.now;
  // A StoredKey is itself a SigningKey: its CryptoKey signs directly.
  const client = (environment: Environment, signingKey?: SigningKey) =>
    createKalshiClient({
      environment,
      signingKey,
      fetch: deps.fetch,
      timeoutMs: deps.timeoutMs,
      now,
      ...(deps.retry ? { retry: deps.retry } : {}),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
      ...(deps.random ? { random: deps.random } : {}),
    });
  /** Pending operations whose request is still running in this worker. */
  const inFlight = new Set<string>();

  async function signingKeyFor(environment: Environment): Promise<StoredKey> {
    const key = await store.getSigningKey(environment);
    if (!key) throw new AppError('no_signing_key');
    return key;
  }

  async function heldKey(environment: Environment, keyId: string): Promise<StoredKey> {
    const key = await store.getKey(environment, keyId);
    if (!key) throw new AppError('not_held');
    return key;
  }

  /** Key management needs read + write; say so before Kalshi answers 403. */
  async function managingKeyFor(environment: Environment): Promise<StoredKey> {
    const key = await signingKeyFor(environment);
    if (key.scopes.length > 0 && !canManageKeys(key.scopes)) throw new AppError('signing_key_cannot_manage');
    return key;
  }

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

  /** A 401 from a key that works on the other environment is named for what it is. */
  async function explainUnauthorized(error: unknown, environment: Environment, key: SigningKey): Promise<never> {
    if (isCode(error, 'unauthorized')) {
      const other = otherEnvironment(environment);
      const worksElsewhere = await client(other, key)
        .getPortfolioBalance()
        .then(
          () => true,
          () => false,
        );
      if (worksElsewhere) {
        throw new AppError('wrong_environment', `This key works on ${ENVIRONMENT_LABEL[other]}, not ${ENVIRONMENT_LABEL[environment]}.`);
      }
    }
    throw error;
  }

  /** Forgetting or deleting the last key this browser signs with needs the user's explicit consent. */
  async function guardLockout(environment: Environment, keyId: string, confirmLockout: boolean): Promise<StoredKey | undefined> {
    const signing = await store.getSigningKey(environment);
    if (signing?.keyId !== keyId) return signing;
    const other = (await store.listKeys(environment)).find((k) => k.keyId !== keyId);
    if (!other && !confirmLockout) throw new AppError('lockout_unconfirmed');
    return other ?? signing;
  }

  /** The usage tier decides where new pairs are made; unreadable limits leave it to the 403. */
  async function account(environment: Environment, signing: StoredKey) {
    const tier = await client(environment, signing)
      .getAccountLimits()
      .then(
        (limits) => limits.usage_tier.toLowerCase(),
        () => null,
      );
    return { tier, keySource: keySourceFor(tier) };
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
      ...(deps.graceMs === undefined ? {} : { graceMs: deps.graceMs }),
    });
    return { listed, signing, settled };
  }

  /** After a lost answer, one attempt to settle at once; fine if Kalshi is still out of reach. */
  const settleNow = (environment: Environment) =>
    listAndSettle(environment).then(
      (r) => r.settled,
      () => undefined,
    );

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

  return {
    getOverview: ({ environment }) => overview(environment),

    async setEnvironment({ environment }) {
      await store.setActiveEnvironment(environment);
      return overview(environment);
    },

    getAccount: async ({ environment }) => account(environment, await signingKeyFor(environment)),

    async importKey({ environment, keyId, pem, passphrase }) {
      const parsed = await readPrivateKey(pem, passphrase);
      const signingKey: SigningKey = { keyId, algorithm: parsed.algorithm, privateKey: await importPrivateKey(parsed) };
      // Nothing is stored until the exchange has accepted a request signed with this key.
      const listed = await client(environment, signingKey)
        .listApiKeys()
        .catch((error: unknown) => explainUnauthorized(error, environment, signingKey));
      const own = listed.find((k) => k.api_key_id.toLowerCase() === keyId);
      const key: StoredKey = {
        environment,
        keyId,
        name: own?.name || 'Imported key',
        algorithm: parsed.algorithm,
        privateKey: signingKey.privateKey,
        createdAt: now(),
        scopes: own?.scopes ?? [],
        subaccount: own?.subaccount ?? null,
        lastVerifiedAt: now(),
      };
      await store.saveKey(key, { makeSigning: true });
      await store.setActiveEnvironment(environment);
      return summarize(key);
    },

    async listApiKeys({ environment }) {
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
    },

    async createApiKey({ environment, ...options }) {
      const result = await mintAndStore(environment, await managingKeyFor(environment), options);
      return { keyId: result.keyId, name: options.name, held: result.stored !== null, secret: result.secret };
    },

    async setSigningKey({ environment, keyId }) {
      await store.setSigningKey(environment, keyId);
      return overview(environment);
    },

    async testKey({ environment, keyId }) {
      const key = await heldKey(environment, keyId);
      const { balance } = await client(environment, key)
        .getPortfolioBalance()
        .catch((error: unknown) => explainUnauthorized(error, environment, key));
      const verifiedAt = now();
      await store.markVerified(environment, keyId, verifiedAt);
      return { balanceCents: balance, verifiedAt };
    },

    async rotateKey({ environment, keyId }) {
      const old = await heldKey(environment, keyId);
      const signing = await managingKeyFor(environment);
      const wasSigning = signing.keyId === keyId;
      const listedOld = (await client(environment, signing).listApiKeys()).find((k) => k.api_key_id === keyId);
      const { keySource } = await account(environment, signing);
      const options: NewKeyOptions = {
        name: old.name,
        algorithm: old.algorithm,
        scopes: listedOld?.scopes ?? old.scopes,
        ...(listedOld?.subaccount != null ? { subaccount: listedOld.subaccount } : {}),
        source: keySource,
        destination: 'browser',
        privateKeyFormat: 'pkcs8',
      };
      let replacement: StoredKey | undefined;
      return rotate(keyId, {
        async mint() {
          const result = await mintAndStore(environment, signing, options).catch((error: unknown) => {
            // The tier is a hint; the 403 is the authority.
            if (options.source === 'local' && isCode(error, 'usage_tier')) {
              return mintAndStore(environment, signing, { ...options, source: 'kalshi' });
            }
            throw error;
          });
          replacement = result.stored!;
          return result.keyId;
        },
        async verify() {
          await client(environment, replacement).getPortfolioBalance();
          await store.markVerified(environment, replacement!.keyId, now());
        },
        async switchSigning(newKeyId) {
          if (wasSigning) await store.setSigningKey(environment, newKeyId);
        },
        async deleteOld() {
          const by = wasSigning ? replacement! : signing;
          await client(environment, by)
            .deleteApiKey(keyId)
            .catch((error: unknown) => {
              if (!isCode(error, 'not_found')) throw error;
            });
        },
        forgetOld: () => store.removeKey(environment, keyId),
      });
    },

    async forgetKey({ environment, keyId, confirmLockout }) {
      // A damaged record can be forgotten too: that is the way out of it.
      if (!(await store.hasKey(environment, keyId))) throw new AppError('not_held');
      await guardLockout(environment, keyId, confirmLockout);
      await store.removeKey(environment, keyId);
      return overview(environment);
    },

    async deleteApiKey({ environment, keyId, confirmLockout }) {
      await managingKeyFor(environment);
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

/** A lost answer in a few words, for an error's detail. */
function describe(error: unknown): string {
  if (isCode(error, 'timeout')) return 'Kalshi did not answer in time.';
  if (isCode(error, 'unreachable')) return 'the connection failed before the answer arrived.';
  if (isCode(error, 'exchange_error')) return `Kalshi answered with a server error (${(error as AppError).detail ?? '5xx'}).`;
  if (isCode(error, 'unexpected_response')) return 'Kalshi’s answer could not be read.';
  return 'the answer was lost.';
}
