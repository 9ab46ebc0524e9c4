/**
 * The IndexedDB database: its schema, its versions (one upgrade branch per version, data kept),
 * opening it, and turning IndexedDB failures into typed errors.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction } from 'idb';
import type { Environment } from '../shared/environments';
import type { Grant } from '../shared/grant';
import { AppError } from '../shared/errors';
import type { AccountId, ActivityEntry } from './activity';
import { isObject, type PendingRecord, type StoredKey } from './records';

export interface Settings {
  /** Which held key signs requests, per environment. */
  signingKeyId: Partial<Record<Environment, string>>;
  activeEnvironment: Environment;
  /**
   * Key ids our own successful creates made, newest last (at most MADE_BY_US_LIMIT per environment):
   * reconciliation never takes one of them for the key of another, lost, request.
   */
  madeByUs?: Partial<Record<Environment, string[]>>;
  /**
   * When Kalshi last refused to take a public key from an account (403 on POST /api_keys), ms, by
   * `accountSlot` (stores older than the accounts keep it by environment alone).
   */
  uploadRefusedAt?: Record<string, number>;
  /** The accounts told apart so far, per environment, by communications id (accounts.ts). */
  accounts?: Partial<Record<Environment, Record<AccountId, AccountSettings>>>;
  /** Seals one-time private keys in storage.session (lib/key-manager/secrets.ts): AES-GCM, non-extractable. */
  sealKey?: CryptoKey;
  /** Bots (lib/bots): the user turned the local agent on; every bot paused. Absent: off, not paused. */
  agentOn?: boolean;
  botsPaused?: boolean;
}

export interface AccountSettings {
  /** The user's name for it ("personal", "fund"). */
  name?: string;
  /** The key that signed for it last: it signs again when the user switches back. */
  signingKeyId?: string;
}

/** Where a per-account setting lives: the account in its environment, or the environment alone when not known. */
export const accountSlot = (environment: Environment, account: AccountId | undefined): string =>
  account === undefined ? environment : `${environment}/${account}`;

export const MADE_BY_US_LIMIT = 1_000;

interface KeyManagerDB extends DBSchema {
  keys: {
    key: [Environment, string];
    value: StoredKey;
    indexes: { 'by-environment': Environment };
  };
  settings: { key: 'settings'; value: Settings };
  /** Since version 2. */
  pending: {
    key: string;
    value: PendingRecord;
    indexes: { 'by-environment': Environment };
  };
  /** Since version 3: the activity log (activity.ts), ids counting up from 1. */
  activity: { key: number; value: ActivityEntry };
  /** Since version 4: what bots may have signed (lib/shared/grant.ts), by grant id. */
  grants: { key: string; value: Grant };
}

export const DB_NAME = 'kalshi-key-manager';
export const DB_VERSION = 4;
export const DEFAULT_SETTINGS: Settings = { signingKeyId: {}, activeEnvironment: 'production' };

export interface OpenOptions {
  /** How long to wait for older connections to let an upgrade through before failing. */
  blockedTimeoutMs?: number;
}

export type DB = IDBPDatabase<KeyManagerDB>;
export type Tx<S extends ('keys' | 'settings' | 'pending')[]> = IDBPTransaction<KeyManagerDB, S, 'readwrite'>;
/** Changes to keys and the signing setting run over all stores, so a pending record can join them. */
export type AllTx = Tx<['keys', 'settings', 'pending']>;
export const ALL: ['keys', 'settings', 'pending'] = ['keys', 'settings', 'pending'];

/**
 * Firefox refuses IndexedDB in private windows with an InvalidStateError when a database is opened
 * ("A mutation operation was attempted on a database that did not allow mutations.").
 */
export function isPrivateModeRefusal(error: unknown): boolean {
  return isObject(error) && (error as { name?: unknown }).name === 'InvalidStateError';
}

/** Opens one connection; an upgrade another connection blocks for too long fails as storage_blocked. */
export function connect(name: string, { blockedTimeoutMs = 3_000 }: OpenOptions, onLost: () => void): Promise<DB> {
  return new Promise<DB>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let gaveUp = false;
    const refused = (cause: unknown) => {
      clearTimeout(timer);
      reject(isPrivateModeRefusal(cause) ? new AppError('private_browsing', undefined, { cause }) : storageError(cause));
    };
    let opening: Promise<DB>;
    try {
      opening = openDB<KeyManagerDB>(name, DB_VERSION, {
        upgrade(db, oldVersion) {
          // One branch per version, so any older store is brought forward step by step, data kept.
          if (oldVersion < 1) {
            const keys = db.createObjectStore('keys', { keyPath: ['environment', 'keyId'] });
            keys.createIndex('by-environment', 'environment');
            db.createObjectStore('settings');
          }
          if (oldVersion < 2) {
            const pending = db.createObjectStore('pending', { keyPath: 'id' });
            pending.createIndex('by-environment', 'environment');
          }
          if (oldVersion < 3) db.createObjectStore('activity', { keyPath: 'id', autoIncrement: true });
          if (oldVersion < 4) db.createObjectStore('grants', { keyPath: 'id' });
        },
        blocked() {
          timer ??= setTimeout(() => {
            gaveUp = true;
            reject(new AppError('storage_blocked', `${name} v${DB_VERSION}`));
          }, blockedTimeoutMs);
        },
        // A newer version elsewhere wants in: step aside; the next call opens afresh.
        blocking() {
          onLost();
        },
        terminated() {
          onLost();
        },
      });
    } catch (cause) {
      refused(cause); // indexedDB.open itself threw
      return;
    }
    opening.then((db) => {
      clearTimeout(timer);
      if (gaveUp)
        db.close(); // it opened after all, too late: leave nothing open behind
      else resolve(db);
    }, refused);
  });
}

/** IndexedDB failures become typed errors: blocked upgrade, full disk, anything else. */
export function storageError(cause: unknown): AppError {
  if (cause instanceof AppError) return cause;
  const name = cause instanceof Error || (isObject(cause) && typeof cause.name === 'string') ? String((cause as Error).name) : undefined;
  const inner = isObject(cause) && isObject(cause.cause) && typeof cause.cause.name === 'string' ? cause.cause.name : undefined;
  if (name === 'QuotaExceededError' || inner === 'QuotaExceededError') return new AppError('storage_full', name, { cause });
  return new AppError('storage_failed', name, { cause });
}

export async function storageCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (cause) {
    throw storageError(cause);
  }
}
