/**
 * The key store's operations. Every change that must land together (a key and the signing
 * setting, a key and the pending record it settles) runs in one transaction.
 */
import type { Environment } from '../shared/environments';
import { AppError, type ErrorInfo } from '../shared/errors';
import { isEnvironment } from '../shared/environments';
import { corrupt, pendingProblem, storedKeyProblem, type Checked, type PendingRecord, type StoredKey } from './records';
import {
  ALL,
  connect,
  DB_NAME,
  DEFAULT_SETTINGS,
  storageCall,
  type AllTx,
  type DB,
  type OpenOptions,
  type Settings,
  type Tx,
} from './schema';

export type KeyStore = ReturnType<typeof createKeyStore>;

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
