/**
 * The activity log: one entry per key operation this browser ran, with its outcome, newest kept.
 * An entry holds ids, a name, codes and a time — never key material (no PEM, passphrase, signature
 * or secret): the fields below are all it has, and every entry read back is checked against them.
 */
import { isEnvironment, type Environment } from '../shared/environments';
import { isErrorCode, type ErrorCode } from '../shared/errors';
import { isObject } from './records';
import type { DB } from './schema';

export const ACTIVITY_OPERATIONS = [
  'import',
  'create',
  'generate',
  /** The one-time private key of a bot key was confirmed saved by the user. */
  'handed_over',
  'delete',
  'forget',
  'rotate',
  'test',
  'use_for_signing',
  'keep',
  /** Requests signed for a bot (or refused), one entry per grant, request and answer each minute: `bot` says which. */
  'bot_request',
] as const;
export type ActivityOperation = (typeof ACTIVITY_OPERATIONS)[number];

/** 'unknown': the answer was lost, so whether Kalshi made the change is not known (error outcome_unknown). */
export const ACTIVITY_OUTCOMES = ['ok', 'refused', 'unknown'] as const;
export type ActivityOutcome = (typeof ACTIVITY_OUTCOMES)[number];

/**
 * A Kalshi account, by its communications id (lib/key-manager/accounts.ts). An entry carries null
 * when the account was not known (a store older than the accounts, before Kalshi named it).
 */
export type AccountId = string;

export interface ActivityEntry {
  /** Given by the store, increasing: the order the entries were written in. */
  id: number;
  /** ms since the epoch. */
  at: number;
  environment: Environment;
  account: AccountId | null;
  /** Null when the operation failed before a key id existed (a create Kalshi refused). */
  keyId: string | null;
  keyName: string | null;
  operation: ActivityOperation;
  outcome: ActivityOutcome;
  /** Why it was refused, or the error that left its outcome unknown; absent when ok. */
  errorCode?: ErrorCode;
  /** A bot_request's grant, request and answer, and how many such in the entry's minute. */
  bot?: BotActivity;
}

export interface BotActivity {
  grantId: string;
  grantName: string;
  method: string;
  /** As signed: without the query. */
  path: string;
  /** Kalshi's HTTP status, or the extension's own when it refused to sign (401, 403, 429). */
  status: number;
  /** The refusal's code (lib/bots/signing.ts) when the extension refused. */
  refusal?: string;
  count: number;
}

export type NewActivity = Omit<ActivityEntry, 'id'>;

/** Entries kept; the oldest beyond this are dropped as new ones arrive. */
export const ACTIVITY_LIMIT = 5_000;

const stringOrNull = (v: unknown) => v === null || typeof v === 'string';

/** Whether a stored value has an entry's fields, each of its kind. */
export function isActivityEntry(v: unknown): v is ActivityEntry {
  return (
    isObject(v) &&
    typeof v.id === 'number' &&
    typeof v.at === 'number' &&
    isEnvironment(v.environment) &&
    stringOrNull(v.account) &&
    stringOrNull(v.keyId) &&
    stringOrNull(v.keyName) &&
    (ACTIVITY_OPERATIONS as readonly unknown[]).includes(v.operation) &&
    (ACTIVITY_OUTCOMES as readonly unknown[]).includes(v.outcome) &&
    (v.errorCode === undefined || isErrorCode(v.errorCode)) &&
    (v.bot === undefined || isBotActivity(v.bot))
  );
}

const isBotActivity = (b: unknown): b is BotActivity =>
  isObject(b) &&
  typeof b.grantId === 'string' &&
  typeof b.grantName === 'string' &&
  typeof b.method === 'string' &&
  typeof b.path === 'string' &&
  Number.isInteger(b.status) &&
  (b.refusal === undefined || typeof b.refusal === 'string') &&
  Number.isInteger(b.count) &&
  (b.count as number) >= 1;

/** An entry's own fields and nothing else: whatever more a caller or a record carries goes no further. */
const own = ({ at, environment, account, keyId, keyName, operation, outcome, errorCode, bot }: NewActivity): NewActivity => ({
  at,
  environment,
  account,
  keyId,
  keyName,
  operation,
  outcome,
  ...(errorCode ? { errorCode } : {}),
  ...(bot ? { bot: ownBot(bot) } : {}),
});

const ownBot = ({ grantId, grantName, method, path, status, refusal, count }: BotActivity): BotActivity => ({
  grantId,
  grantName,
  method,
  path,
  status,
  ...(refusal === undefined ? {} : { refusal }),
  count,
});

export function activityOperations(run: <T>(work: (db: DB) => Promise<T>) => Promise<T>) {
  return {
    /** Appends an entry and drops what falls beyond ACTIVITY_LIMIT, in one transaction; its id. */
    addActivity: (entry: NewActivity): Promise<number> =>
      run(async (db) => {
        const tx = db.transaction('activity', 'readwrite');
        const done = tx.done;
        done.catch(() => {}); // awaited below; a failed add must not also surface as an unhandled rejection
        const id = await tx.store.add(own(entry) as ActivityEntry);
        // Ids count up by one per entry, so those at or below id − LIMIT are the oldest beyond the limit.
        if (id > ACTIVITY_LIMIT) await tx.store.delete(IDBKeyRange.upperBound(id - ACTIVITY_LIMIT));
        await done;
        return id;
      }),

    /** Rewrites an entry in place (a bot's minute counting up), if the log still holds it. */
    updateActivity: (entry: ActivityEntry): Promise<void> =>
      run(async (db) => {
        const tx = db.transaction('activity', 'readwrite');
        if (await tx.store.get(entry.id)) await tx.store.put({ id: entry.id, ...own(entry) } as ActivityEntry);
        await tx.done;
      }),

    /** Every readable entry, newest first, with its own fields only (an unreadable one is skipped: the log only informs). */
    listActivity: (): Promise<ActivityEntry[]> =>
      run(async (db) => {
        // One request for all (at most ACTIVITY_LIMIT): far quicker than a cursor step per entry.
        const all: unknown[] = await db.getAll('activity');
        return all
          .filter(isActivityEntry)
          .map((e) => ({ id: e.id, ...own(e) }))
          .reverse();
      }),
  };
}
