/**
 * Several Kalshi accounts per environment, told apart by the communications id Kalshi names for each
 * held key (account-learning.ts). A key whose account Kalshi has not named yet belongs to no account:
 * it is never acted on for one. The active account is the signing key's: switching account is signing
 * with one of its keys.
 */
import type { AccountId, StoredKey } from '../key-store';
import type { Environment } from '../shared/environments';
import type { AccountSummary, AccountsView, Handlers } from './api';
import { summarize, type Context } from './context';
import type { Listing } from './listing';

/** The environment's accounts this browser holds keys of, in the order they were told apart. */
export async function accountsOf(ctx: Context, environment: Environment, held: StoredKey[]): Promise<AccountSummary[]> {
  const settings = await ctx.store.accountSettings(environment);
  const counts = new Map<AccountId, number>();
  for (const key of held) if (key.account !== undefined) counts.set(key.account, (counts.get(key.account) ?? 0) + 1);
  const ids = [...new Set([...Object.keys(settings), ...counts.keys()])];
  return ids.flatMap((id) => (counts.has(id) ? [{ id, name: settings[id]?.name ?? null, heldKeys: counts.get(id)! }] : []));
}

export function createAccountHandlers(
  ctx: Context,
  { overview }: Listing,
): Pick<Handlers, 'switchAccount' | 'getAccounts' | 'nameAccount'> {
  async function view(environment: Environment): Promise<AccountsView> {
    const held = await ctx.store.listKeys(environment);
    return { environment, accounts: await accountsOf(ctx, environment, held), heldKeys: held.map(summarize) };
  }
  return {
    async switchAccount({ environment, account }) {
      await ctx.store.switchAccount(environment, account);
      await ctx.store.setActiveEnvironment(environment);
      // What was read for the other account says nothing of this one.
      ctx.regionExpiration.delete(environment);
      ctx.attention.set(environment, []);
      ctx.attention.signingKeyTested(environment, true);
      return overview(environment);
    },

    getAccounts: ({ environment }) => view(environment),

    async nameAccount({ environment, account, name }) {
      await ctx.store.nameAccount(environment, account, name);
      return view(environment);
    },
  };
}
