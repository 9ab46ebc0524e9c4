/**
 * The key manager: what the background does for each message, assembled from one group of handlers
 * per concern. Dependencies come in as parameters so tests run the same code against fake-indexeddb
 * and the local exchange. Every key operation is recorded in the activity log (activity.ts).
 */
import { accountFor, healthFor } from './account';
import { createAccountHandlers } from './accounts';
import { createBots } from './bots';
import { createActivity } from './activity';
import type { Handlers } from './api';
import { createContext, type KeyServiceDeps } from './context';
import { createImport } from './import';
import { createKeyActions } from './key-actions';
import { createListing } from './listing';
import { createMinting } from './minting-flow';
import { createRotation } from './rotation-flow';

export type { Handlers } from './api';
export { summarize, type KeyServiceDeps } from './context';

const NO_AGENT = { start() {}, stop() {}, status: () => ({ state: 'off' }) as const };

export function createKeyService(deps: KeyServiceDeps): Handlers {
  const ctx = createContext(deps);
  const listing = createListing(ctx);
  const minting = createMinting(ctx, listing);
  const activity = createActivity(ctx, listing);
  const actions = createKeyActions(ctx, listing);
  // The popup's copy of its screen names the account and its keys: it goes first, so no open shows a
  // key that is gone, or one account's keys under another's.
  const forgetting = async () => deps.screen?.clear();
  const accounts = createAccountHandlers(ctx, listing);
  const importing = createImport(ctx);
  return activity.recording({
    getOverview: ({ environment }) => listing.overview(environment),

    async setEnvironment({ environment }) {
      await forgetting();
      await ctx.store.setActiveEnvironment(environment);
      return listing.overview(environment);
    },

    getAccount: async ({ environment }) => accountFor(ctx, environment, await ctx.signingKeyFor(environment)),
    getAccountHealth: async ({ environment, timeZone }) => healthFor(ctx, environment, await ctx.signingKeyFor(environment), timeZone),

    async upgradeUsageLevel({ environment, timeZone }) {
      const signing = await ctx.managingKeyFor(environment);
      await ctx.client(environment, signing).upgradeUsageLevel();
      return healthFor(ctx, environment, signing, timeZone);
    },
    listApiKeys: listing.listApiKeys,

    async createApiKey({ environment, ...options }) {
      const result = await minting.mintAndStore(environment, await ctx.managingKeyFor(environment), options);
      return { keyId: result.keyId, name: options.name, held: result.stored !== null, secret: result.secret, warning: result.warning };
    },

    takeSecret: async ({ environment }) => ctx.secrets.take(environment),

    async confirmSecretSaved({ environment, keyId }) {
      const pendingId = await ctx.secrets.drop(keyId);
      const { records } = await ctx.store.listPending(environment);
      for (const r of records)
        if (r.operation === 'create' && ((r.resultKeyId === keyId && r.awaitingSaveUntil) || r.id === pendingId))
          await ctx.store.removePending(r.id);
      return { saved: true };
    },

    /** The user keeps a key that may have come from a lost request: it is no longer named so. */
    async keepKey({ environment, keyId }) {
      const { records } = await ctx.store.listPending(environment);
      for (const r of records) if (r.operation === 'create' && r.suspectKeyIds?.includes(keyId)) await ctx.store.removePending(r.id);
      return { kept: true };
    },

    getActivity: activity.getActivity,

    async keepScreen({ screen }) {
      await deps.screen?.keep(screen);
      return { kept: true };
    },

    ...accounts,
    switchAccount: async (request) => (await forgetting(), accounts.switchAccount(request)),
    importKey: async (request) => (await forgetting(), importing.importKey(request)),
    ...actions,
    setSigningKey: async (request) => (await forgetting(), actions.setSigningKey(request)),
    forgetKey: async (request) => (await forgetting(), actions.forgetKey(request)),
    deleteApiKey: async (request) => (await forgetting(), actions.deleteApiKey(request)),
    ...createRotation(ctx, minting),
    // Without the background's agent (tests of keys alone), bots are admitted but never served.
    ...(deps.bots ?? createBots({ store: deps.store, now: ctx.now, agent: NO_AGENT })).handlers,
  });
}
