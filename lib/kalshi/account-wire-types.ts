/**
 * Shapes of Kalshi's account facts (shared/kalshi-api-keys.md, "Account facts a key manager can show";
 * field names from the kalshi-typescript 3.30 models), checked on arrival. Extra fields are ignored;
 * a field of the wrong type refuses the whole answer (undefined, which the client turns into
 * unexpected_response), so nothing half-read reaches the user.
 */
import { clip, isObject, isString, parseApiKeyList, plainText, type ApiKey } from './wire-types';
import { isSafeRecordKey } from '../shared/record-keys';

/** GET /api_keys with the account-wide location attestation. */
export interface ApiKeyListing {
  api_keys: ApiKey[];
  /** Seconds since the epoch when the location attestation expires; null when Kalshi sent none (never attested). */
  api_key_region_expiration_ts: number | null;
}

/** A token bucket of GET /account/limits: tokens added per second, and the most it holds. */
export interface BucketLimit {
  refill_rate: number;
  bucket_capacity: number;
}

export interface UsageLevelGrant {
  /**
   * 'event_contract' (predictions, the lane usage_tier reports) or 'margined'; a newer lane is kept as
   * sent (grants span "exchange lanes", a list that may grow).
   */
  exchange_instance: string;
  level: string;
  /**
   * A plain string in Kalshi's spec, described as 'volume' (earned by trading volume, renewed daily
   * while it holds) or 'manual' (set by Kalshi); any other value is kept to be shown as it came
   * (made plain text), and '' when Kalshi sent none.
   */
  source: string;
  /** Seconds since the epoch; absent (Kalshi: absent or null) for a permanent grant. */
  expires_ts?: number;
}

/** GET /account/limits (GetAccountApiLimitsResponse). */
export interface AccountLimits {
  /** The effective level of the predictions lane, as Kalshi spells it. */
  usage_tier: string;
  read: BucketLimit;
  write: BucketLimit;
  grants: UsageLevelGrant[];
}

export interface VolumeGoal {
  level: string;
  /** Contracts as Kalshi writes them ("100000.00"): to reach the level. */
  earn_volume_goal_fp: string;
  /** To keep the level once held. */
  keep_volume_goal_fp: string;
}

/** One entry of GET /account/api_usage_level/volume_progress (predictions lane). */
export interface VolumeProgress {
  /** Seconds; the trailing 30 days end here. */
  computed_ts: number;
  trailing_30d_volume_fp: string;
  goals: VolumeGoal[];
}

/** Non-negative seconds or counts: Kalshi sends integers, but nothing here needs them whole. */
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** Kalshi's fixed-point contract counts: 0–2 decimals accepted (its answers emit 2). */
const FIXED_POINT = /^\d{1,15}(\.\d{1,2})?$/;
const isFixedPoint = (v: unknown): v is string => isString(v) && FIXED_POINT.test(v);

/** Every element parsed, or undefined when one is not. */
function all<T>(v: unknown, parse: (item: unknown) => T | undefined): T[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: T[] = [];
  for (const item of v) {
    const parsed = parse(item);
    if (parsed === undefined) return undefined;
    out.push(parsed);
  }
  return out;
}

/**
 * The list with its attestation expiry. Unlike parseApiKeyList (which ignores the field, so the key
 * list survives an odd one), a non-numeric expiry refuses the answer: a wrong date must not be shown.
 */
export function parseApiKeyListing(v: unknown): ApiKeyListing | undefined {
  const keys = parseApiKeyList(v);
  if (!keys || !isObject(v)) return undefined;
  const ts = v.api_key_region_expiration_ts;
  if (ts === undefined || ts === null) return { api_keys: keys, api_key_region_expiration_ts: null };
  return isCount(ts) ? { api_keys: keys, api_key_region_expiration_ts: ts } : undefined;
}

function parseBucket(v: unknown): BucketLimit | undefined {
  if (!isObject(v) || !isCount(v.refill_rate) || !isCount(v.bucket_capacity)) return undefined;
  return { refill_rate: v.refill_rate, bucket_capacity: v.bucket_capacity };
}

/** The longest grant source kept: a word or two in practice, so a long one is cut to fit its line. */
export const GRANT_SOURCE_MAX_LENGTH = 60;

export function parseGrant(v: unknown): UsageLevelGrant | undefined {
  if (!isObject(v) || !isString(v.exchange_instance) || v.exchange_instance === '' || !isString(v.level) || v.level === '') {
    return undefined;
  }
  // Kalshi's spec types source as any string: a value it adds later is shown as sent, never a reason to refuse.
  const source = isString(v.source) ? clip(plainText(v.source), GRANT_SOURCE_MAX_LENGTH) : '';
  const grant: UsageLevelGrant = { exchange_instance: v.exchange_instance, level: v.level, source };
  if (v.expires_ts === undefined || v.expires_ts === null) return grant;
  return isCount(v.expires_ts) ? { ...grant, expires_ts: v.expires_ts } : undefined;
}

export function parseLimits(v: unknown): AccountLimits | undefined {
  if (!isObject(v) || !isString(v.usage_tier) || v.usage_tier === '') return undefined;
  const read = parseBucket(v.read);
  const write = parseBucket(v.write);
  const grants = all(v.grants, parseGrant);
  if (!read || !write || !grants) return undefined;
  return { usage_tier: v.usage_tier, read, write, grants };
}

function parseGoal(v: unknown): VolumeGoal | undefined {
  if (!isObject(v) || !isString(v.level) || v.level === '') return undefined;
  if (!isFixedPoint(v.earn_volume_goal_fp) || !isFixedPoint(v.keep_volume_goal_fp)) return undefined;
  return { level: v.level, earn_volume_goal_fp: v.earn_volume_goal_fp, keep_volume_goal_fp: v.keep_volume_goal_fp };
}

function parseProgress(v: unknown): VolumeProgress | undefined {
  if (!isObject(v) || !isCount(v.computed_ts) || !isFixedPoint(v.trailing_30d_volume_fp)) return undefined;
  const goals = all(v.goals, parseGoal);
  return goals ? { computed_ts: v.computed_ts, trailing_30d_volume_fp: v.trailing_30d_volume_fp, goals } : undefined;
}

export function parseVolumeProgress(v: unknown): VolumeProgress[] | undefined {
  return isObject(v) ? all(v.volume_progress, parseProgress) : undefined;
}

/** An id to show and compare, so printable text only: no control or invisible formatting characters. */
const COMMUNICATIONS_ID = /^[^\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Zl}\p{Zp}]{1,200}$/u;

export function parseCommunicationsId(v: unknown): string | undefined {
  if (!isObject(v) || !isString(v.communications_id)) return undefined;
  const id = v.communications_id.trim();
  // Used as a key of plain objects in the settings: a prototype member's name would read the prototype.
  return COMMUNICATIONS_ID.test(id) && isSafeRecordKey(id) ? id : undefined;
}
