/**
 * Account health: from what Kalshi says of the account (the client's account facts) and the time,
 * a plain description the pages can show and the toolbar badge can count. Pure: no requests, no
 * browser globals, no clock of its own; the same facts, `now` and zone give the same answer.
 *
 * Days are counted in the user's calendar (an IANA zone), so "in 7 days" on the screen and the
 * warning agree: a warning starts at the start of the user's day that is WARNING_DAYS calendar days
 * before the day of the expiry, and an expiry is past from its very instant on.
 */
import type { AccountLimits, ApiKeyListing, BucketLimit, UsageLevelGrant, VolumeProgress } from '../kalshi/account-wire-types';
import { levelRank, mayUpload } from '../kalshi/tiers';
import { calendarDaysBetween, checkTimeZone } from '../shared/calendar';

/** How many calendar days ahead an ending is worth a warning. */
export const WARNING_DAYS = 7;
/** The lane GET /account/limits reports usage_tier for, and the one volume progress is about. */
export const PREDICTIONS_LANE = 'event_contract';

/** What was read; a fact left out could not be read (and is described as unknown, never guessed). */
export interface AccountFacts {
  /** GET /api_keys: api_key_region_expiration_ts in seconds, null when Kalshi sent none. */
  regionExpirationTs?: ApiKeyListing['api_key_region_expiration_ts'];
  limits?: AccountLimits;
  volumeProgress?: VolumeProgress[];
  communicationsId?: string;
}

export interface HealthOptions {
  /** ms since the epoch. */
  now: number;
  /** The user's IANA zone, e.g. Intl.DateTimeFormat().resolvedOptions().timeZone. */
  timeZone: string;
}

/**
 * 'absent': the account never attested (show nothing). 'valid': more than WARNING_DAYS calendar days
 * left. 'expiring': WARNING_DAYS or fewer, before the instant. 'expired': from the instant on, API keys
 * cannot trade Sports, Elections and Entertainment markets until the location is verified again in
 * Kalshi's app or website.
 */
export type AttestationState = 'absent' | 'valid' | 'expiring' | 'expired';

export interface AttestationHealth {
  state: AttestationState;
  /** ms since the epoch; null when absent. */
  expiresAt: number | null;
  /** Calendar days from today to the expiry's day in the user's zone (0 today, negative once past); null when absent. */
  daysLeft: number | null;
}

/** 'permanent': no expiry. 'ending': WARNING_DAYS calendar days or fewer left. 'ended': its expiry has passed. */
export type GrantState = 'permanent' | 'active' | 'ending' | 'ended';

export interface GrantHealth {
  /** Kalshi's exchange_instance: 'event_contract' (predictions), 'margined', or a newer lane as sent. */
  lane: string;
  /** Lower case, e.g. 'premier'. */
  level: string;
  /** 'volume': earned by trading volume; 'manual': set by Kalshi; any other as Kalshi sent it ('' when none). */
  source: string;
  /** Kalshi renews a volume grant daily while the volume holds: its expiry is when it lapses if the volume drops. */
  renewsDaily: boolean;
  /** ms since the epoch; null for a permanent grant. */
  expiresAt: number | null;
  daysLeft: number | null;
  state: GrantState;
  /** The level may upload its own public key (Premier or above; Kalshi's 403 stays the authority). */
  allowsUpload: boolean;
}

/** The grant that lets the account upload public keys, and whether it is ending. */
export interface UploadGrantHealth {
  level: string;
  expiresAt: number | null;
  daysLeft: number | null;
  /** It ends within WARNING_DAYS calendar days: Create key would then make the key on Kalshi ("Generate on Kalshi"). */
  endingSoon: boolean;
}

export interface LevelProgress {
  level: string;
  /** Kalshi's fixed-point contract counts, 2 decimals. */
  goalFp: string;
  trailingVolumeFp: string;
  /** What is still missing ("0.00" once reached: Kalshi grants levels on its own schedule). */
  remainingFp: string;
  /** trailing volume / goal, from 0 to 1. */
  fraction: number;
  /** ms since the epoch: when Kalshi computed the trailing 30 days. */
  computedAt: number;
}

export type AttentionReason = 'attestation_expiring' | 'attestation_expired' | 'upload_grant_ending';

/** Plain data: survives structured cloning and JSON. null means "could not be read". */
export interface AccountHealth {
  attestation: AttestationHealth | null;
  /** The effective level of the predictions lane, lower case. */
  level: string | null;
  /** Per second as Kalshi sends them: tokens added per second (refill_rate) and the most a bucket holds. */
  budgets: { read: BucketLimit; write: BucketLimit } | null;
  grants: GrantHealth[] | null;
  uploadGrant: UploadGrantHealth | null;
  /** Toward the lowest volume level above the current one (earn goal). */
  next: LevelProgress | null;
  /** Toward keeping the current level, when it is a volume level (keep goal). */
  keep: LevelProgress | null;
  /** Basic accounts may ask for Advanced (POST /account/api_usage_level/upgrade). */
  upgradeOffered: boolean;
  communicationsId: string | null;
  /** Why the toolbar badge should show; empty when nothing needs the user. */
  needsAttention: AttentionReason[];
}

/** ms from Kalshi's seconds. */
const fromSeconds = (s: number) => s * 1000;

export function describeAttestation(regionExpirationTs: number | null, { now, timeZone }: HealthOptions): AttestationHealth {
  checkTimeZone(timeZone);
  if (regionExpirationTs === null) return { state: 'absent', expiresAt: null, daysLeft: null };
  const expiresAt = fromSeconds(regionExpirationTs);
  const daysLeft = calendarDaysBetween(now, expiresAt, timeZone);
  const state = now >= expiresAt ? 'expired' : daysLeft <= WARNING_DAYS ? 'expiring' : 'valid';
  return { state, expiresAt, daysLeft };
}

export function describeGrant(grant: UsageLevelGrant, { now, timeZone }: HealthOptions): GrantHealth {
  const level = grant.level.toLowerCase();
  const base = { lane: grant.exchange_instance, level, source: grant.source, renewsDaily: grant.source === 'volume' };
  const allowsUpload = mayUpload(level);
  if (grant.expires_ts === undefined) return { ...base, expiresAt: null, daysLeft: null, state: 'permanent', allowsUpload };
  const expiresAt = fromSeconds(grant.expires_ts);
  const daysLeft = calendarDaysBetween(now, expiresAt, timeZone);
  const state = now >= expiresAt ? 'ended' : daysLeft <= WARNING_DAYS ? 'ending' : 'active';
  return { ...base, expiresAt, daysLeft, state, allowsUpload };
}

/**
 * The predictions-lane grant that keeps uploads allowed longest: a permanent one, else the latest
 * to expire. null when no live grant allows uploading (or none is listed, so nothing can be said).
 */
export function uploadGrantOf(grants: GrantHealth[]): UploadGrantHealth | null {
  const live = grants.filter((g) => g.lane === PREDICTIONS_LANE && g.allowsUpload && g.state !== 'ended');
  const best = live.reduce<GrantHealth | null>(
    (a, g) => (a === null || g.expiresAt === null || (a.expiresAt !== null && g.expiresAt > a.expiresAt) ? g : a),
    null,
  );
  if (!best) return null;
  return { level: best.level, expiresAt: best.expiresAt, daysLeft: best.daysLeft, endingSoon: best.state === 'ending' };
}

/** Kalshi's "12345.50" as hundredths of a contract, exactly. */
function hundredths(fp: string): bigint {
  const [whole = '0', fraction = ''] = fp.split('.');
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
}

function fixedPoint(h: bigint): string {
  return `${h / 100n}.${String(h % 100n).padStart(2, '0')}`;
}

function progressToward(level: string, goalFp: string, entry: VolumeProgress): LevelProgress {
  const goal = hundredths(goalFp);
  const volume = hundredths(entry.trailing_30d_volume_fp);
  const remaining = goal > volume ? goal - volume : 0n;
  const fraction = goal === 0n ? 1 : Math.min(1, Number(volume) / Number(goal));
  return {
    level,
    goalFp: fixedPoint(goal),
    trailingVolumeFp: fixedPoint(volume),
    remainingFp: fixedPoint(remaining),
    fraction,
    computedAt: fromSeconds(entry.computed_ts),
  };
}

/**
 * The next level and the keep goal of the current one, from the latest report. The next level is
 * the lowest goal ranked above the current level; when the level is unknown (unread, or a name
 * Kalshi added), the lowest goal not yet reached.
 */
export function describeProgress(
  progress: VolumeProgress[],
  level: string | null,
): { next: LevelProgress | null; keep: LevelProgress | null } {
  const latest = progress.reduce<VolumeProgress | null>((a, p) => (a === null || p.computed_ts > a.computed_ts ? p : a), null);
  if (!latest) return { next: null, keep: null };
  const rank = level === null ? -1 : levelRank(level);
  const volume = hundredths(latest.trailing_30d_volume_fp);
  const goals = latest.goals
    .map((g) => ({ ...g, level: g.level.toLowerCase() }))
    .sort((a, b) => {
      const [x, y] = [hundredths(a.earn_volume_goal_fp), hundredths(b.earn_volume_goal_fp)];
      return x < y ? -1 : x > y ? 1 : 0;
    });
  const above = goals.find((g) => (rank === -1 ? hundredths(g.earn_volume_goal_fp) > volume : levelRank(g.level) > rank));
  const current = level === null ? undefined : goals.find((g) => g.level === level.toLowerCase());
  return {
    next: above ? progressToward(above.level, above.earn_volume_goal_fp, latest) : null,
    keep: current ? progressToward(current.level, current.keep_volume_goal_fp, latest) : null,
  };
}

/**
 * The level comes from a live volume grant of the predictions lane, and no grant of another source
 * there (manual, or one Kalshi added since) holds it or better.
 */
function heldByVolumeAlone(grants: GrantHealth[], level: string): boolean {
  const live = grants.filter((g) => g.lane === PREDICTIONS_LANE && g.state !== 'ended');
  const rank = levelRank(level);
  return (
    live.some((g) => g.source === 'volume' && g.level === level) &&
    !live.some((g) => g.source !== 'volume' && (g.level === level || (rank !== -1 && levelRank(g.level) > rank)))
  );
}

/** The whole description, for the pages and the badge. Throws invalid_request for an unknown zone. */
export function describeAccountHealth(facts: AccountFacts, options: HealthOptions): AccountHealth {
  checkTimeZone(options.timeZone);
  const attestation = facts.regionExpirationTs === undefined ? null : describeAttestation(facts.regionExpirationTs, options);
  const limits = facts.limits;
  const level = limits ? limits.usage_tier.toLowerCase() : null;
  const grants = limits ? limits.grants.map((g) => describeGrant(g, options)) : null;
  const uploadGrant = grants ? uploadGrantOf(grants) : null;
  const { next, keep } = facts.volumeProgress ? describeProgress(facts.volumeProgress, level) : { next: null, keep: null };
  // A keep goal matters only while volume alone holds the level: not under a grant set by Kalshi.
  const keepMatters = grants !== null && level !== null && heldByVolumeAlone(grants, level);

  const needsAttention: AttentionReason[] = [];
  if (attestation?.state === 'expiring') needsAttention.push('attestation_expiring');
  if (attestation?.state === 'expired') needsAttention.push('attestation_expired');
  if (uploadGrant?.endingSoon) needsAttention.push('upload_grant_ending');

  return {
    attestation,
    level,
    budgets: limits ? { read: { ...limits.read }, write: { ...limits.write } } : null,
    grants,
    uploadGrant,
    next,
    keep: keepMatters ? keep : null,
    upgradeOffered: level === 'basic',
    communicationsId: facts.communicationsId ?? null,
    needsAttention,
  };
}
