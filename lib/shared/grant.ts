/**
 * A grant: what a program on this computer (a bot, through the local agent) may have signed with a
 * key held here, without ever holding it. The vocabulary the store, the worker and the pages share;
 * what a request needs and whether a grant allows it is lib/bots/grants.ts.
 */
import { isEnvironment, type Environment } from './environments';

/** What a request does to the account, judged by Kalshi's method and path. */
export type Power = 'read' | 'trade' | 'transfer' | 'keys' | 'write';

/** Every power, in the order the options page lists them. */
export const POWERS: readonly Power[] = ['read', 'trade', 'transfer', 'keys', 'write'];

/** The two grants most bots need: nothing that moves money or manages keys. */
export const PRESETS = {
  read: ['read'],
  trade: ['read', 'trade'],
} as const satisfies Record<string, readonly Power[]>;

/** The most requests a second a grant may allow: Kalshi's highest usage level reads 12,000 a second. */
export const MAX_PER_SECOND = 12_000;

export interface Grant {
  id: string;
  /** The user's name for the bot. */
  name: string;
  environment: Environment;
  /** The held key that signs for the bot, and its Kalshi account (communications id). */
  keyId: string;
  account: string | null;
  powers: Power[];
  createdAt: number;
  /** ms since the epoch; a grant past it is refused. */
  expiresAt: number;
  /** Requests per second the bot may make, below the account's own budget. */
  perSecond: number;
  /** SHA-256 of the token, hex (lib/bots/tokens.ts): the token itself is shown once and kept nowhere. */
  tokenHash: string;
  revokedAt?: number;
}

export const isPower = (v: unknown): v is Power => (POWERS as readonly unknown[]).includes(v);

const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Whether a stored value is a grant, each field of its kind: an unreadable one signs nothing. */
export function isGrant(v: unknown): v is Grant {
  if (typeof v !== 'object' || v === null) return false;
  const g = v as Record<string, unknown>;
  return (
    typeof g.id === 'string' &&
    typeof g.name === 'string' &&
    isEnvironment(g.environment) &&
    typeof g.keyId === 'string' &&
    (g.account === null || typeof g.account === 'string') &&
    Array.isArray(g.powers) &&
    g.powers.every(isPower) &&
    isTime(g.createdAt) &&
    isTime(g.expiresAt) &&
    Number.isInteger(g.perSecond) &&
    (g.perSecond as number) >= 1 &&
    (g.perSecond as number) <= MAX_PER_SECOND &&
    typeof g.tokenHash === 'string' &&
    /^[0-9a-f]{64}$/.test(g.tokenHash) &&
    (g.revokedAt === undefined || isTime(g.revokedAt))
  );
}
