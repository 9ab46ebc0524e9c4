/** What Kalshi says of the account behind the signing key. */
import { keySourceFor } from '../kalshi/tiers';
import type { StoredKey } from '../key-store';
import type { Environment } from '../shared/environments';
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
  const uploadRefused = (await ctx.store.uploadRefusedAt(environment)) !== undefined;
  return { tier, keySource: uploadRefused ? 'kalshi' : keySourceFor(tier), uploadRefused };
}
