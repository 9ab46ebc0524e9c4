/**
 * What every group of handlers shares: the store, the clock, a Kalshi client for a given key, the
 * operations running in this worker, and the few checks all of them make.
 */
import { createKalshiClient } from '../kalshi/client';
import type { RetryPolicy } from '../kalshi/retry';
import { canManageKeys } from '../kalshi/scopes';
import type { SigningKey } from '../kalshi/signer';
import type { AccountId, KeyStore, StoredKey } from '../key-store';
import { ENVIRONMENT_LABEL, type Environment } from '../shared/environments';
import { AppError } from '../shared/errors';
import type { ScreenKeeper } from '../popup-shell/shell';
import type { KeySummary } from './api';
import type { Bots } from './bots';
import { createAttention, type BadgePort } from './attention';
import { createAccountLearning } from './account-learning';
import { createSecretKeeper, SECRET_TTL_MS, type SecretKeeper } from './secrets';

export interface KeyServiceDeps {
  store: KeyStore;
  fetch?: typeof fetch;
  timeoutMs?: number;
  now?: () => number;
  /** Retries of GET and DELETE (lib/kalshi/retry.ts); tests pass a sleep that does not wait. */
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** How long a lost operation without any trace on Kalshi is kept before it is dropped (reconcile.ts). */
  graceMs?: number;
  /** Where one-time private keys wait for the user (secrets.ts); default: this worker's memory only. */
  secrets?: SecretKeeper;
  /** How long a one-time private key is kept for the user (secrets.ts). Default SECRET_TTL_MS. */
  secretTtlMs?: number;
  /** Draws the toolbar badge (attention.ts); none: no badge. */
  badge?: BadgePort;
  /** Keeps the popup's last screen for the worker to serve (lib/popup-shell); none: not kept. */
  screen?: ScreenKeeper;
  /** Bots, with the background's agent (bots.ts). */
  bots?: Bots;
}

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
    account: key.account ?? null,
  };
}

export const otherEnvironment = (env: Environment): Environment => (env === 'production' ? 'demo' : 'production');
export const isCode = (error: unknown, code: string): error is AppError => error instanceof AppError && error.code === code;

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
  'upgrade_not_eligible',
  'location_attestation',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
]);
export const wasRefused = (error: unknown) => !(error instanceof AppError) || REFUSALS.has(error.code);

export const randomId = () => crypto.randomUUID();

/** A lost answer in a few words, for an error's detail. */
export function describe(error: unknown): string {
  if (isCode(error, 'timeout')) return 'Kalshi did not answer in time.';
  if (isCode(error, 'unreachable')) return 'the connection failed before the answer arrived.';
  if (isCode(error, 'exchange_error')) return `Kalshi answered with a server error (${error.detail ?? '5xx'}).`;
  if (isCode(error, 'unexpected_response')) return 'Kalshi’s answer could not be read.';
  return 'the answer was lost.';
}

export type Context = ReturnType<typeof createContext>;

export function createContext(deps: KeyServiceDeps) {
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

  const learnAccounts = createAccountLearning(store, client);

  async function signingKeyFor(environment: Environment): Promise<StoredKey> {
    const key = await store.getSigningKey(environment);
    if (!key) throw new AppError('no_signing_key');
    return key;
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

  async function heldKey(environment: Environment, keyId: string): Promise<StoredKey> {
    const key = await store.getKey(environment, keyId);
    if (!key) throw new AppError('not_held');
    return key;
  }

  /** The signing key's account, named by Kalshi (asked again now if it was not yet): what any change on Kalshi acts for. */
  async function signingAccount(environment: Environment): Promise<StoredKey & { account: AccountId }> {
    let signing = await signingKeyFor(environment);
    if (signing.account === undefined) {
      await learnAccounts(environment, { again: true });
      signing = await signingKeyFor(environment);
    }
    if (signing.account === undefined) throw new AppError('account_unknown', `Key ${signing.keyId} (“${signing.name}”).`);
    return signing as StoredKey & { account: AccountId };
  }

  /**
   * A held key and the signing key, proved to be of one account (Kalshi named both): an action on a
   * key of another account, or of one not named yet, would be signed for the wrong account.
   */
  async function ownHeldKey(environment: Environment, keyId: string) {
    let key = await heldKey(environment, keyId);
    // Asking covers every unnamed key, the signing key too: signingAccount asks again only if Kalshi did not answer.
    if (key.account === undefined) {
      await learnAccounts(environment, { again: true });
      key = await heldKey(environment, keyId);
    }
    const signing = await signingAccount(environment);
    if (key.account === undefined) throw new AppError('account_unknown', `Key ${keyId} (“${key.name}”).`);
    if (key.account !== signing.account) throw new AppError('key_other_account', `Key ${keyId} (“${key.name}”).`);
    return { key, signing };
  }

  return {
    store,
    now,
    client,
    learnAccounts,
    signingAccount,
    ownHeldKey,
    graceMs: deps.graceMs,
    secretTtlMs: deps.secretTtlMs ?? SECRET_TTL_MS,
    /** Pending operations whose request is still running in this worker. */
    inFlight: new Set<string>(),
    secrets: deps.secrets ?? createSecretKeeper({ now }),
    attention: createAttention(deps.badge),
    /** api_key_region_expiration_ts from the last list read here (null: Kalshi sent none). */
    regionExpiration: new Map<Environment, number | null>(),
    signingKeyFor,
    explainUnauthorized,

    heldKey,

    /** A signed request that any key may make: 2xx only when Kalshi accepts the key (its own subaccount). */
    async proveWorks(environment: Environment, key: SigningKey & { subaccount?: number | null }): Promise<'works' | 'refused' | 'unknown'> {
      try {
        await client(environment, key).getPortfolioBalance(key.subaccount ?? undefined);
        return 'works';
      } catch (error) {
        return isCode(error, 'unauthorized') ? 'refused' : 'unknown';
      }
    },

    /** Key management needs read + write (say so before Kalshi answers 403), for an account Kalshi named. */
    async managingKeyFor(environment: Environment): Promise<StoredKey & { account: AccountId }> {
      const key = await signingAccount(environment);
      if (key.scopes.length > 0 && !canManageKeys(key.scopes)) throw new AppError('signing_key_cannot_manage');
      return key;
    },
  };
}
