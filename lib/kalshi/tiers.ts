/** Kalshi's public API usage levels, lowest first (October 2026). */
export const USAGE_LEVELS: readonly string[] = ['basic', 'advanced', 'expert', 'premier', 'paragon', 'prime', 'prestige'];

/** Kalshi's API usage levels; only the upper ones may upload their own public key (POST /api_keys). */
export const UPLOAD_TIERS: readonly string[] = ['premier', 'paragon', 'prime', 'prestige'];

/** A level's place in USAGE_LEVELS (any case); -1 for a name Kalshi may add later. */
export function levelRank(level: string): number {
  return USAGE_LEVELS.indexOf(level.toLowerCase());
}

/** Whether a level may upload its own public key (the 403 stays the authority). */
export function mayUpload(level: string): boolean {
  return UPLOAD_TIERS.includes(level.toLowerCase());
}

export type KeySource = 'local' | 'kalshi';

/**
 * Where a new key pair should come from. The tier is a hint (the 403 is the authority):
 * an unknown tier tries the local pair first, and a 403 then falls back to Kalshi.
 */
export function keySourceFor(tier: string | null): KeySource {
  if (tier === null) return 'local';
  return mayUpload(tier) ? 'local' : 'kalshi';
}

/** Kalshi's name for a usage level as it sends it: "premier" shows as "Premier". */
export function tierLabel(tier: string): string {
  return tier.charAt(0).toUpperCase() + tier.slice(1).toLowerCase();
}
