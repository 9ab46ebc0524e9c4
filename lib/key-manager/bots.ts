/**
 * Bots: the grants the user admits, the switches (the agent on, every bot paused), and the worker's
 * answer to each request the local agent asks it to sign (lib/bots/signing.ts), logged per minute
 * (bot-log.ts). The agent's port itself is the background's (lib/bots/link.ts); it comes in here
 * as `agent`.
 */
import { createBudgets } from '../bots/budget';
import type { AgentStatus } from '../bots/link';
import { createBotSigning, type BotAnswer, type BotRequest } from '../bots/signing';
import { hashToken, newToken } from '../bots/tokens';
import type { KeyStore } from '../key-store';
import type { Environment } from '../shared/environments';
import { AppError } from '../shared/errors';
import { MAX_PER_SECOND, type Grant, type Power } from '../shared/grant';
import { createBotLog } from './bot-log';
import { randomId } from './context';

/** The agent's port, as the background runs it. */
export interface AgentControl {
  start(): void;
  stop(): void;
  status(): AgentStatus;
}

/** A grant as the pages see it: never its token's hash. */
export type GrantSummary = Omit<Grant, 'tokenHash'> & {
  keyName: string | null;
  state: 'live' | 'expired' | 'revoked' | 'key_gone';
};

export interface BotsView {
  agent: AgentStatus;
  paused: boolean;
  /** Newest first. */
  grants: GrantSummary[];
}

export interface NewGrant {
  name: string;
  environment: Environment;
  keyId: string;
  powers: Power[];
  expiresInDays: number;
  perSecond: number;
}

export interface BotsApi {
  getBots: { request: Record<string, never>; response: BotsView };
  /** The token is shown once: only its hash is kept. */
  admitBot: { request: NewGrant; response: { token: string; bots: BotsView } };
  revokeBot: { request: { grantId: string }; response: BotsView };
  pauseBots: { request: { paused: boolean }; response: BotsView };
  setAgent: { request: { on: boolean }; response: BotsView };
}

const DAY_MS = 86_400_000;

export function createBots(deps: { store: KeyStore; now: () => number; agent: AgentControl }) {
  const { store, now, agent } = deps;
  const budgets = createBudgets();
  const log = createBotLog({ store, now });

  const keyOf = async (grant: Grant) => {
    const key = await store.getKey(grant.environment, grant.keyId).catch(() => undefined);
    return key && (grant.account === null || key.account === grant.account) ? key : undefined;
  };

  const signing = createBotSigning({
    grants: () => store.listGrants(),
    keyOf: async (grant) => {
      const key = await keyOf(grant);
      return key && { keyId: key.keyId, algorithm: key.algorithm, privateKey: key.privateKey };
    },
    budgets,
    now,
    paused: async () => (await store.botSwitches()).paused,
  });

  async function note(at: number, grant: Grant, method: string, path: string, status: number, refusal?: string) {
    const key = await keyOf(grant);
    log.note({ at, grant, keyName: key?.name ?? null, method, path, status, ...(refusal ? { refusal } : {}) });
  }

  async function view(): Promise<BotsView> {
    const at = now();
    const grants = await Promise.all(
      [...(await store.listGrants())].reverse().map(async ({ tokenHash: _, ...grant }): Promise<GrantSummary> => {
        const key = await keyOf(grant as Grant);
        const state = grant.revokedAt !== undefined ? 'revoked' : at >= grant.expiresAt ? 'expired' : key ? 'live' : 'key_gone';
        return { ...grant, keyName: key?.name ?? null, state };
      }),
    );
    return { agent: agent.status(), paused: (await store.botSwitches()).paused, grants };
  }

  const grantById = async (grantId: string) => {
    const grant = (await store.listGrants()).find((g) => g.id === grantId);
    if (!grant) throw new AppError('invalid_request', 'No grant has this id.');
    return grant;
  };

  return {
    /** The agent asks: signed headers, or a refusal in words; either way, logged. */
    async sign(request: BotRequest): Promise<BotAnswer> {
      const answer = await signing(request);
      if (!answer.ok && answer.grantId) {
        const at = now();
        const grant = (await store.listGrants()).find((g) => g.id === answer.grantId);
        if (grant) await note(at, grant, String(request.method), String(request.path), answer.status, answer.code);
      }
      return answer;
    },

    /** Kalshi answered a request signed for a bot. */
    outcome(answer: { grantId: string }, request: { method: string; path: string }, status: number): void {
      const at = now();
      void store
        .listGrants()
        .then((grants) => grants.find((g) => g.id === answer.grantId))
        .then((grant) => grant && note(at, grant, request.method, request.path, status))
        .catch(() => undefined); // the log only informs
    },

    /** The worker started: the agent comes back if the user had it on. */
    async resume(): Promise<void> {
      if ((await store.botSwitches()).agentOn) agent.start();
    },

    flushLog: log.flush,

    handlers: {
      // A read only: the options page asks every 2 s, and an agent that cannot start (its port taken)
      // would be started again each time. It is tried again when the user turns it on, or the worker starts.
      getBots: view,

      async admitBot(request: NewGrant) {
        const key = await store.getKey(request.environment, request.keyId);
        if (!key) throw new AppError('not_held', request.keyId);
        if (request.perSecond > MAX_PER_SECOND) throw new AppError('invalid_request', `At most ${MAX_PER_SECOND} requests a second.`);
        const token = newToken();
        const at = now();
        await store.putGrant({
          id: randomId(),
          name: request.name,
          environment: request.environment,
          keyId: key.keyId,
          account: key.account ?? null,
          powers: [...new Set(request.powers)],
          createdAt: at,
          expiresAt: at + request.expiresInDays * DAY_MS,
          perSecond: request.perSecond,
          tokenHash: await hashToken(token),
        });
        return { token, bots: await view() };
      },

      async revokeBot({ grantId }: { grantId: string }) {
        const grant = await grantById(grantId);
        if (grant.revokedAt === undefined) await store.putGrant({ ...grant, revokedAt: now() });
        budgets.forget(grantId);
        return view();
      },

      async pauseBots({ paused }: { paused: boolean }) {
        await store.setBotSwitches({ paused });
        return view();
      },

      async setAgent({ on }: { on: boolean }) {
        await store.setBotSwitches({ agentOn: on });
        if (on) agent.start();
        else agent.stop();
        return view();
      },
    },
  };
}

export type Bots = ReturnType<typeof createBots>;
