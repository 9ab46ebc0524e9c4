/** What Kalshi says of the account behind the signing key. */
import { keySourceFor } from '../kalshi/tiers';
import type { StoredKey } from '../key-store';
import type { Environment } from '../shared/environments';
import { checkTimeZone } from '../shared/calendar';
import { describeAccountHealth, type AccountFacts, type AccountHealth } from './account-health';
import type { AccountInfo } from './api';
import type { Context } from './context';

/** The usage tier (and any refusal Kalshi gave) decides where new pairs are made; unreadable limits leave it to the 403. */
export async function accountFor(ctx: Context, environment: Environment, signing: StoredKey): Promise<AccountInfo> {
  const tier = await ctx
    .client(environment, signing)
    .getAccountLimits()
    .then(
      (limits) => limits.usage_tier.toLowerCase(),
      () => null,
    );
  // The tier is a hint; Kalshi's 403 on an upload is the authority, remembered until an upload succeeds.
  const uploadRefused = (await ctx.store.uploadRefusedAt(environment, signing.account)) !== undefined;
  return { tier, keySource: uploadRefused ? 'kalshi' : keySourceFor(tier), uploadRefused };
}

/**
 * What Kalshi says of the account's health, each fact read with the signing key, all at once after
 * the list; a fact that cannot be read is left out and shown as unknown, never guessed.
 */
export async function healthFor(ctx: Context, environment: Environment, signing: StoredKey, timeZone: string): Promise<AccountHealth> {
  checkTimeZone(timeZone);
  const kalshi = ctx.client(environment, signing);
  // The location check comes with Kalshi's list: read again only when no list was read here yet.
  const known = ctx.regionExpiration.get(environment);
  const [listing, limits, volumeProgress, communicationsId] = await Promise.allSettled([
    known !== undefined ? { api_key_region_expiration_ts: known } : kalshi.listApiKeysWithAttestation(),
    kalshi.getAccountLimits(),
    kalshi.getVolumeProgress(),
    kalshi.getCommunicationsId(),
  ]);
  const facts: AccountFacts = {
    ...(listing.status === 'fulfilled' ? { regionExpirationTs: listing.value.api_key_region_expiration_ts } : {}),
    ...(limits.status === 'fulfilled' ? { limits: limits.value } : {}),
    ...(volumeProgress.status === 'fulfilled' ? { volumeProgress: volumeProgress.value } : {}),
    ...(communicationsId.status === 'fulfilled' ? { communicationsId: communicationsId.value } : {}),
  };
  const health = describeAccountHealth(facts, { now: ctx.now(), timeZone });
  ctx.attention.set(environment, health.needsAttention);
  return health;
}
