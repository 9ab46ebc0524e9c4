/** The sandbox exchange's public API: its options and the `Exchange` object tests drive. */
import type { Fault, FaultMatch } from './faults';
import type { UploadRefusalShape } from './http';
import type { ApiKeyRecord, Attestation, Env, Grant, KeyType, Tier, UploadAllowed, VolumeProgress } from './state';

export interface ExchangeOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Where the cached certificate lives. Default <repo>/.sandbox/tls. */
  tlsDir?: string;
  /** Millisecond clock used for the timestamp check and balance updated_ts. */
  now?: () => number;
  /** Largest accepted |now - KALSHI-ACCESS-TIMESTAMP|. Default 30 000 ms (a guess: FIX's figure; REST's is undocumented). */
  maxSkewMs?: number;
  /** Added to the exchange's clock (timestamp check, Date header): a client clock off by -offset. */
  clockOffsetMs?: number;
  /** Body of the 403 on POST /api_keys below the upload tiers. Default 'forbidden' (as seen from Kalshi). */
  uploadRefusal?: UploadRefusalShape;
}

/**
 * Which account a control acts on: a plain environment means its default account ('main'), so
 * tests written for one account per environment keep their meaning; `account` names another,
 * made on first use with its own user id and communications id.
 */
export type AccountRef = Env | { env: Env; account: string };

export interface SeedOptions {
  /** Seed into this account (see AccountRef) instead of the one the first argument names. */
  account?: string;
  usageTier?: Tier;
  keyType?: KeyType;
  name?: string;
  scopes?: string[];
  /** Restrict the key to this subaccount (0–63). */
  subaccount?: number;
  /** Bind the key to an FCM subtrader (`{userId(ref)}_{suffix}`); the account must be an FCM member. */
  fcmSubtraderId?: string;
}

export interface SeededKey {
  keyId: string;
  /** RSA: PKCS#1 ("RSA PRIVATE KEY" label), as Kalshi hands out; Ed25519: PKCS#8. */
  privateKeyPem: string;
}

export interface RequestLogEntry {
  method: string;
  /** Without the query string. */
  path: string;
  /** The query string without '?', '' when none. */
  query: string;
  /** The Host header as sent. */
  host: string;
  env: Env;
  /** The KALSHI-ACCESS-KEY header, whether or not it turned out valid. */
  keyId?: string;
  /** Label of the account holding that key when the request arrived (absent for an unknown or missing key). */
  account?: string;
  /** 0 when the connection was dropped without an answer (a `reset` fault). */
  status: number;
}

export interface Exchange {
  readonly port: number;
  /** e.g. https://127.0.0.1:8443 */
  readonly url: string;
  /** PEM of the self-signed certificate, for Node clients to trust. */
  readonly ca: string;
  close(): Promise<void>;
  /** A new key in the account (made on first use); `opts.account`, when given, names it instead. */
  seedAccount(ref: AccountRef, opts?: SeedOptions): SeededKey;
  setUsageTier(ref: AccountRef, tier: Tier): void;
  /** Exchange-side copies of the account's keys ([] for an account never made). */
  keys(ref: AccountRef): ApiKeyRecord[];
  /** Labels of the environment's accounts, oldest first. */
  accounts(env: Env): string[];
  /** Every answered request, oldest first. Cleared (in place) by reset(). Holds no secrets. */
  readonly requests: RequestLogEntry[];
  /**
   * Every KALSHI-ACCESS-SIGNATURE received, oldest first, kept apart from the request log so tests
   * can look for them where they must never appear (console, storage, pages). Cleared by reset().
   */
  readonly signatures: string[];
  /** The next matching request(s) (fault.times, default 1) get this fault. */
  failNext(match: FaultMatch, fault: Fault): void;
  /** Every matching request gets this fault until it is cleared with null (or reset()). */
  faultMode(match: FaultMatch, fault: Fault | null): void;
  /** Moves the exchange's clock (timestamp check and Date header) by this many ms from now on. */
  setClockOffset(ms: number): void;
  /** Forgets all accounts, keys, faults, logs and runtime settings (back to the options given). */
  reset(): void;

  /** The body of the upload 403 from now on (exchange-wide; reset() restores the option). */
  setUploadRefusal(shape: UploadRefusalShape): void;
  /** Whether POST /api_keys is allowed: by tier (default), or forced either way (a lapsed grant at `prime`). */
  setUploadAllowed(ref: AccountRef, allowed: UploadAllowed): void;
  /** Deletes a key of the account as kalshi.com or another device would, without a request. False if there was none. */
  deleteKeyOutOfBand(ref: AccountRef, keyId: string): boolean;
  /** Makes the account an FCM member (or not): it may then bind keys to `{userId}_{suffix}` subtraders. */
  setFcmMember(ref: AccountRef, member: boolean): void;
  /** The account's Kalshi user id, the prefix of its subtrader ids. */
  userId(ref: AccountRef): string;
  /** What GET /communications/id answers for the account: stable, and the only way Kalshi tells accounts apart. */
  communicationsId(ref: AccountRef): string;
  /**
   * Location attestation: 'missing' drops api_key_region_expiration_ts; 'expired' puts it in the past
   * unless it already is. Kalshi then limits trading in some markets; it does not say other requests
   * are refused, so nothing else changes (the sandbox has no trading endpoint).
   */
  setLocationAttestation(ref: AccountRef, attestation: Attestation): void;
  /** api_key_region_expiration_ts (seconds) in GET /api_keys; null leaves it out. */
  setRegionExpiration(ref: AccountRef, seconds: number | null): void;
  /** `grants` in GET /account/limits; null returns to the default (a 30-day volume grant above basic). */
  setGrants(ref: AccountRef, grants: Grant[] | null): void;
  /** Whether an API order is among the last 100 (POST /account/api_usage_level/upgrade succeeds). */
  setRecentApiOrder(ref: AccountRef, has: boolean): void;
  /** `volume_progress` in GET /account/api_usage_level/volume_progress; null returns to the default. */
  setVolumeProgress(ref: AccountRef, progress: VolumeProgress[] | null): void;
  /** Balance and portfolio value in cents, of subaccount 0 unless given. */
  setBalance(ref: AccountRef, cents: number, options?: { subaccount?: number; portfolioValueCents?: number }): void;
}
