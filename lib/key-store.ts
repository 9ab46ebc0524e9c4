import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction } from 'idb';
import { isEnvironment, type Environment } from './environments';
import { AppError, type ErrorInfo } from './errors';
import type { KeyAlgorithm } from './pem';
import type { KeySource } from './tiers';

/** One API key whose private half this browser holds (as a non-extractable CryptoKey). */
export interface StoredKey {
  environment: Environment;
  keyId: string;
  name: string;
  algorithm: KeyAlgorithm;
  privateKey: CryptoKey;
  /** ms since the epoch. */
  createdAt: number;
  scopes: string[];
  subaccount?: number | null;
  /** When a signed request with this key last succeeded (ms). */
  lastVerifiedAt?: number;
}

/**
 * A change on Kalshi whose answer may never arrive (connection lost, worker stopped): written before
 * the request is sent, removed in the same transaction that records the outcome. A list settles
 * what is left (lib/reconcile.ts).
 */
export type PendingRecord = PendingCreate | PendingDelete;

interface PendingBase {
  /** Random, local. */
  id: string;
  environment: Environment;
  /** ms since the epoch. */
  startedAt: number;
}

export interface PendingCreate extends PendingBase {
  operation: 'create';
  name: string;
  source: KeySource;
  algorithm: KeyAlgorithm;
  scopes: string[];
  subaccount: number | null;
  /** A pair made here and kept here: its non-extractable private half, waiting for a key id. */
  privateKey?: CryptoKey;
  /** The key ids Kalshi listed just before the request: the new key is not among them. */
  knownKeyIds: string[];
  /**
   * The answer arrived with this key id. For a pair made here, the record stays until the next list
   * has looked for echoes: a browser resends a request whose connection died before any answer, so
   * Kalshi may have made the key twice, and the echo is proved and kept too.
   */
  resultKeyId?: string;
  /** Keys found on Kalshi that this create made but whose private half is lost: flagged until deleted. */
  orphanKeyIds?: string[];
}

export interface PendingDelete extends PendingBase {
  operation: 'delete';
  keyId: string;
}

interface Settings {
  /** Which held key signs requests, per environment. */
  signingKeyId: Partial<Record<Environment, string>>;
  activeEnvironment: Environment;
}

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
}

export const DB_NAME = 'kalshi-key-manager';
export const DB_VERSION = 2;
const DEFAULT_SETTINGS: Settings = { signingKeyId: {}, activeEnvironment: 'production' };

export type KeyStore = ReturnType<typeof createKeyStore>;

export interface OpenOptions {
  /** How long to wait for older connections to let an upgrade through before failing. */
  blockedTimeoutMs?: number;
}

type DB = IDBPDatabase<KeyManagerDB>;
type Tx<S extends ('keys' | 'settings' | 'pending')[]> = IDBPTransaction<KeyManagerDB, S, 'readwrite'>;
/** Changes to keys and the signing setting run over all stores, so a pending record can join them. */
type AllTx = Tx<['keys', 'settings', 'pending']>;
const ALL: ['keys', 'settings', 'pending'] = ['keys', 'settings', 'pending'];

/**
 * Firefox refuses IndexedDB in private windows with an InvalidStateError when a database is opened
 * ("A mutation operation was attempted on a database that did not allow mutations.").
 */
export function isPrivateModeRefusal(error: unknown): boolean {
  return isObject(error) && (error as { name?: unknown }).name === 'InvalidStateError';
}

/** Opens one connection; an upgrade another connection blocks for too long fails as storage_blocked. */
function connect(name: string, { blockedTimeoutMs = 3_000 }: OpenOptions, onLost: () => void): Promise<DB> {
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

/** Opens (and on first use creates, or upgrades) the key store in IndexedDB. */
export async function openKeyStore(name: string = DB_NAME, options: OpenOptions = {}): Promise<KeyStore> {
  let current: Promise<DB> | undefined;
  const lose = () => {
    const was = current;
    current = undefined;
    void was?.then(
      (db) => db.close(),
      () => {},
    );
  };
  const conn = () => {
    const opening = (current ??= connect(name, options, lose));
    // A failed open is not cached: the next call tries again.
    opening.catch(() => {
      if (current === opening) current = undefined;
    });
    return opening;
  };
  await conn();
  return createKeyStore(conn, lose);
}

const KEY_ALGORITHMS: readonly string[] = ['RSA-PSS', 'Ed25519'];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isCryptoKey = (v: unknown): v is CryptoKey =>
  typeof CryptoKey !== 'undefined' && v instanceof CryptoKey && v.type === 'private' && v.usages.includes('sign');

/** Why a stored key record cannot be used, or undefined when it can. */
export function storedKeyProblem(v: unknown): string | undefined {
  if (!isObject(v)) return 'not a record';
  if (!isEnvironment(v.environment)) return 'unknown environment';
  if (typeof v.keyId !== 'string' || v.keyId === '') return 'no key id';
  if (typeof v.name !== 'string') return 'no name';
  if (typeof v.algorithm !== 'string' || !KEY_ALGORITHMS.includes(v.algorithm)) return 'unknown algorithm';
  if (!isCryptoKey(v.privateKey)) return 'no usable private key';
  if (typeof v.createdAt !== 'number') return 'no creation time';
  if (!Array.isArray(v.scopes) || !v.scopes.every((s) => typeof s === 'string')) return 'unreadable scopes';
  return undefined;
}

/** Why a pending record cannot be used, or undefined when it can. */
export function pendingProblem(v: unknown): string | undefined {
  if (!isObject(v) || typeof v.id !== 'string') return 'not a record';
  if (!isEnvironment(v.environment)) return 'unknown environment';
  if (typeof v.startedAt !== 'number') return 'no start time';
  if (v.operation === 'delete') return typeof v.keyId === 'string' ? undefined : 'no key id';
  if (v.operation !== 'create') return 'unknown operation';
  if (typeof v.name !== 'string') return 'no name';
  if (typeof v.algorithm !== 'string' || !KEY_ALGORITHMS.includes(v.algorithm)) return 'unknown algorithm';
  if (!Array.isArray(v.knownKeyIds) || !v.knownKeyIds.every((s) => typeof s === 'string')) return 'unreadable key list';
  if (!Array.isArray(v.scopes) || !v.scopes.every((s) => typeof s === 'string')) return 'unreadable scopes';
  if (v.privateKey !== undefined && !isCryptoKey(v.privateKey)) return 'no usable private key';
  if (v.resultKeyId !== undefined && typeof v.resultKeyId !== 'string') return 'unreadable key id';
  if (v.orphanKeyIds !== undefined && (!Array.isArray(v.orphanKeyIds) || !v.orphanKeyIds.every((s) => typeof s === 'string'))) {
    return 'unreadable key list';
  }
  return undefined;
}

const corrupt = (what: string, problem: string): ErrorInfo => new AppError('corrupt_record', `${what}: ${problem}.`).toInfo();

/** Records of one environment, the readable ones kept, each unreadable one named with its problem. */
export interface Checked<T> {
  records: T[];
  unreadable: ErrorInfo[];
}

function createKeyStore(conn: () => Promise<DB>, lose: () => void) {
  const run = <T>(work: (db: DB) => Promise<T>): Promise<T> => storageCall(async () => work(await conn()));

  const settingsIn = async (tx: AllTx): Promise<Settings> =>
    (await tx.objectStore('settings').get('settings')) ?? structuredClone(DEFAULT_SETTINGS);

  /** Puts a key and, when asked or when none signs yet, makes it the signing key. */
  async function putKey(tx: AllTx, key: StoredKey, makeSigning: boolean) {
    const settings = await settingsIn(tx);
    await tx.objectStore('keys').put(key);
    const signing = settings.signingKeyId[key.environment];
    const signingRecord = signing === undefined ? undefined : await tx.objectStore('keys').get([key.environment, signing]);
    if (makeSigning || signingRecord === undefined) {
      settings.signingKeyId[key.environment] = key.keyId;
      await tx.objectStore('settings').put(settings, 'settings');
    }
  }

  /** Deletes a key; if it signed, the oldest readable key left takes over. */
  async function dropKey(tx: AllTx, environment: Environment, keyId: string) {
    const keys = tx.objectStore('keys');
    await keys.delete([environment, keyId]);
    const settings = await settingsIn(tx);
    if (settings.signingKeyId[environment] === keyId) {
      const rest = (await keys.index('by-environment').getAll(environment)).filter((k) => storedKeyProblem(k) === undefined);
      const next = rest.sort((a, b) => a.createdAt - b.createdAt)[0];
      if (next) settings.signingKeyId[environment] = next.keyId;
      else delete settings.signingKeyId[environment];
      await tx.objectStore('settings').put(settings, 'settings');
    }
  }

  /**
   * Runs work in one readwrite transaction: all of it lands, or (on any throw) the transaction is
   * aborted and nothing does.
   */
  async function inTx<S extends ('keys' | 'settings' | 'pending')[], T>(db: DB, stores: S, work: (tx: Tx<S>) => Promise<T>): Promise<T> {
    const tx = db.transaction(stores, 'readwrite') as unknown as Tx<S>;
    const done = tx.done;
    done.catch(() => {}); // awaited below; an abort must not also surface as an unhandled rejection
    try {
      const result = await work(tx);
      await done;
      return result;
    } catch (error) {
      try {
        tx.abort();
      } catch {
        // already finished or aborted
      }
      throw error;
    }
  }

  const readSettings = (db: DB) => db.get('settings', 'settings').then((s) => s ?? structuredClone(DEFAULT_SETTINGS));

  /** A key record, checked: corrupt_record when it is there but unusable. */
  const checkedKey = (environment: Environment, keyId: string, value: unknown): StoredKey | undefined => {
    if (value === undefined) return undefined;
    const problem = storedKeyProblem(value);
    if (problem) throw new AppError('corrupt_record', `Key ${keyId} (${environment}): ${problem}.`);
    return value as StoredKey;
  };

  async function listChecked(environment: Environment): Promise<Checked<StoredKey>> {
    return run(async (db) => {
      const records: StoredKey[] = [];
      const unreadable: ErrorInfo[] = [];
      let cursor = await db.transaction('keys').store.index('by-environment').openCursor(environment);
      while (cursor) {
        const problem = storedKeyProblem(cursor.value);
        if (problem) unreadable.push(corrupt(`Key ${String(cursor.primaryKey[1])} (${environment})`, problem));
        else records.push(cursor.value);
        cursor = await cursor.continue();
      }
      records.sort((a, b) => a.createdAt - b.createdAt);
      return { records, unreadable };
    });
  }

  return {
    /** Keys held for one environment, oldest first; unreadable records are left out. */
    listKeys: async (environment: Environment): Promise<StoredKey[]> => (await listChecked(environment)).records,

    /** Keys held for one environment, oldest first, and what could not be read. */
    listKeysChecked: listChecked,

    /** A held key; corrupt_record if its record is damaged. */
    getKey: (environment: Environment, keyId: string): Promise<StoredKey | undefined> =>
      run(async (db) => checkedKey(environment, keyId, await db.get('keys', [environment, keyId]))),

    /** Whether any record (readable or not) is stored for this key. */
    hasKey: (environment: Environment, keyId: string): Promise<boolean> =>
      run(async (db) => (await db.count('keys', [environment, keyId])) > 0),

    /** Saves a key; when makeSigning is set, it also becomes the environment's signing key, atomically. */
    saveKey: (key: StoredKey, { makeSigning = false } = {}): Promise<void> =>
      run((db) => inTx(db, ALL, (tx) => putKey(tx, key, makeSigning))),

    /** Drops the local private key; if it was the signing key, the next held key (if any) takes over. */
    removeKey: (environment: Environment, keyId: string): Promise<void> =>
      run((db) => inTx(db, ALL, (tx) => dropKey(tx, environment, keyId))),

    /** Records a successful signed request with this key. */
    markVerified: (environment: Environment, keyId: string, at: number): Promise<void> =>
      run((db) =>
        inTx(db, ['keys'], async (tx) => {
          const key = await tx.objectStore('keys').get([environment, keyId]);
          if (key && !storedKeyProblem(key)) await tx.objectStore('keys').put({ ...key, lastVerifiedAt: at });
        }),
      ),

    /** Makes a held key the one that signs for its environment. */
    setSigningKey: (environment: Environment, keyId: string): Promise<void> =>
      run((db) =>
        inTx(db, ALL, async (tx) => {
          if (!checkedKey(environment, keyId, await tx.objectStore('keys').get([environment, keyId]))) throw new AppError('not_held');
          const settings = await settingsIn(tx);
          settings.signingKeyId[environment] = keyId;
          await tx.objectStore('settings').put(settings, 'settings');
        }),
      ),

    /** The key that signs requests for this environment, if one is held; corrupt_record if it is damaged. */
    getSigningKey: (environment: Environment): Promise<StoredKey | undefined> =>
      run(async (db) => {
        const id = (await readSettings(db)).signingKeyId[environment];
        return id === undefined ? undefined : checkedKey(environment, id, await db.get('keys', [environment, id]));
      }),

    getActiveEnvironment: (): Promise<Environment> =>
      run(async (db) => {
        const env = (await readSettings(db)).activeEnvironment;
        return isEnvironment(env) ? env : DEFAULT_SETTINGS.activeEnvironment;
      }),

    setActiveEnvironment: (environment: Environment): Promise<void> =>
      run((db) =>
        inTx(db, ['settings'], async (tx) => {
          const settings = (await tx.objectStore('settings').get('settings')) ?? structuredClone(DEFAULT_SETTINGS);
          settings.activeEnvironment = environment;
          await tx.objectStore('settings').put(settings, 'settings');
        }),
      ),

    /** Written before a request whose answer could be lost. */
    addPending: (record: PendingRecord): Promise<void> =>
      run(async (db) => {
        await db.put('pending', record);
      }),

    /** Pending records of one environment, oldest first, and what could not be read. */
    listPending: (environment: Environment): Promise<Checked<PendingRecord>> =>
      run(async (db) => {
        const records: PendingRecord[] = [];
        const unreadable: ErrorInfo[] = [];
        let cursor = await db.transaction('pending').store.index('by-environment').openCursor(environment);
        while (cursor) {
          const problem = pendingProblem(cursor.value);
          if (problem) unreadable.push(corrupt(`Unfinished operation ${String(cursor.primaryKey)} (${environment})`, problem));
          else records.push(cursor.value);
          cursor = await cursor.continue();
        }
        records.sort((a, b) => a.startedAt - b.startedAt);
        return { records, unreadable };
      }),

    /** The operation ended with nothing to keep. */
    removePending: (id: string): Promise<void> => run((db) => db.delete('pending', id)),

    /** Notes the keys a create made whose private half is lost (the record stays to flag them until deleted). */
    markOrphans: (id: string, keyIds: string[]): Promise<void> =>
      run((db) =>
        inTx(db, ['pending'], async (tx) => {
          const record = await tx.objectStore('pending').get(id);
          if (record?.operation !== 'create') return;
          const { resultKeyId: _answered, privateKey: _unused, ...rest } = record;
          await tx.objectStore('pending').put({ ...rest, orphanKeyIds: keyIds });
        }),
      ),

    /**
     * A create's answer arrived: the new key (if kept here) is stored, and the pending record notes
     * the key id and stays until the next list has looked for echoes. One transaction.
     */
    answerCreate: (pendingId: string, keyId: string, key: StoredKey | null): Promise<void> =>
      run((db) =>
        inTx(db, ALL, async (tx) => {
          if (key) await putKey(tx, key, false);
          const record = await tx.objectStore('pending').get(pendingId);
          // Only a pair made here can prove an echo is its own; any other record has done its job.
          if (record?.operation === 'create' && record.privateKey) await tx.objectStore('pending').put({ ...record, resultKeyId: keyId });
          else await tx.objectStore('pending').delete(pendingId);
        }),
      ),

    /** Keys proved to be this create's are stored and its pending record removed, in one transaction. */
    completeCreate: (pendingId: string, keys: StoredKey[]): Promise<void> =>
      run((db) =>
        inTx(db, ALL, async (tx) => {
          for (const key of keys) await putKey(tx, key, false);
          await tx.objectStore('pending').delete(pendingId);
        }),
      ),

    /** A delete's outcome: the local copy (if any) and the pending record go, in one transaction. */
    completeDelete: (pendingId: string, environment: Environment, keyId: string): Promise<void> =>
      run((db) =>
        inTx(db, ALL, async (tx) => {
          await dropKey(tx, environment, keyId);
          await tx.objectStore('pending').delete(pendingId);
        }),
      ),

    close: (): void => lose(),
  };
}

/** IndexedDB failures become typed errors: blocked upgrade, full disk, anything else. */
function storageError(cause: unknown): AppError {
  if (cause instanceof AppError) return cause;
  const name = cause instanceof Error || (isObject(cause) && typeof cause.name === 'string') ? String((cause as Error).name) : undefined;
  const inner = isObject(cause) && isObject(cause.cause) && typeof cause.cause.name === 'string' ? cause.cause.name : undefined;
  if (name === 'QuotaExceededError' || inner === 'QuotaExceededError') return new AppError('storage_full', name, { cause });
  return new AppError('storage_failed', name, { cause });
}

async function storageCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (cause) {
    throw storageError(cause);
  }
}
