/**
 * The key store's operations. Every change that must land together (a key and the signing
 * setting, a key and the pending record it settles) runs in one transaction.
 */
import { isEnvironment, type Environment } from '../shared/environments';
import { AppError, type ErrorInfo } from '../shared/errors';
import {
  corrupt,
  ofAccount,
  pendingProblem,
  readPending,
  storedKeyProblem,
  type AccountFilter,
  type Checked,
  type PendingRecord,
  type StoredKey,
} from './records';
import { activityOperations, type AccountId } from './activity';
import { accountOperations } from './accounts';
import { dropKey, inTx, noteMade, putKey, settingsIn, signWith } from './transactions';
import { accountSlot, ALL, connect, DB_NAME, DEFAULT_SETTINGS, storageCall, type DB, type OpenOptions } from './schema';

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

  const readSettings = (db: DB) => db.get('settings', 'settings').then((s) => s ?? structuredClone(DEFAULT_SETTINGS));

  /** A key record, checked: corrupt_record when it is there but unusable. */
  const checkedKey = (environment: Environment, keyId: string, value: unknown): StoredKey | undefined => {
    if (value === undefined) return undefined;
    const problem = storedKeyProblem(value);
    if (problem) throw new AppError('corrupt_record', `Key ${keyId} (${environment}): ${problem}.`);
    return value as StoredKey;
  };

  /** Keys of one environment (of one account only, when a filter is given). */
  async function listChecked(environment: Environment, only?: AccountFilter): Promise<Checked<StoredKey>> {
    return run(async (db) => {
      const records: StoredKey[] = [];
      const unreadable: ErrorInfo[] = [];
      let cursor = await db.transaction('keys').store.index('by-environment').openCursor(environment);
      while (cursor) {
        const problem = storedKeyProblem(cursor.value);
        if (problem) unreadable.push(corrupt(`Key ${String(cursor.primaryKey[1])} (${environment})`, problem));
        else if (!only || ofAccount(only.account)(cursor.value)) records.push(cursor.value);
        cursor = await cursor.continue();
      }
      records.sort((a, b) => a.createdAt - b.createdAt);
      return { records, unreadable };
    });
  }

  return {
    /** Keys held for one environment (one account, when given), oldest first; unreadable records are left out. */
    listKeys: async (environment: Environment, only?: AccountFilter): Promise<StoredKey[]> =>
      (await listChecked(environment, only)).records,

    /** Keys held for one environment (one account, when given), oldest first, and what could not be read. */
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
    removeKey: (environment: Environment, keyId: string, { nextSigning }: { nextSigning?: string | null } = {}): Promise<void> =>
      run((db) => inTx(db, ALL, (tx) => dropKey(tx, environment, keyId, nextSigning))),

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
          const key = checkedKey(environment, keyId, await tx.objectStore('keys').get([environment, keyId]));
          if (!key) throw new AppError('not_held');
          const settings = await settingsIn(tx);
          signWith(settings, key);
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

    /** Pending records of one environment (one account, when given), oldest first, and what could not be read. */
    listPending: (environment: Environment, only?: AccountFilter): Promise<Checked<PendingRecord>> =>
      run(async (db) => {
        const records: PendingRecord[] = [];
        const unreadable: ErrorInfo[] = [];
        let cursor = await db.transaction('pending').store.index('by-environment').openCursor(environment);
        while (cursor) {
          const problem = pendingProblem(cursor.value);
          if (problem) unreadable.push(corrupt(`Unfinished operation ${String(cursor.primaryKey)} (${environment})`, problem));
          else if (!only || ofAccount(only.account)(cursor.value)) records.push(readPending(cursor.value));
          cursor = await cursor.continue();
        }
        records.sort((a, b) => a.startedAt - b.startedAt);
        return { records, unreadable };
      }),

    /** The operation ended with nothing to keep. */
    removePending: (id: string): Promise<void> => run((db) => db.delete('pending', id)),

    /** Notes the keys a lost create may have made (the record stays to name them until the user decides). */
    markSuspects: (id: string, keyIds: string[]): Promise<void> =>
      run((db) =>
        inTx(db, ['pending'], async (tx) => {
          const record = await tx.objectStore('pending').get(id);
          if (record?.operation !== 'create') return;
          const { resultKeyId: _answered, privateKey: _unused, ...rest } = record;
          await tx.objectStore('pending').put({ ...rest, suspectKeyIds: keyIds });
        }),
      ),

    /** Certain: this create made keyId and its private half exists nowhere. The record stays to say so until the key is deleted. */
    markLost: (id: string, environment: Environment, keyId: string, reason: 'unreadable' | 'never_saved'): Promise<void> =>
      run((db) =>
        inTx(db, ALL, async (tx) => {
          const record = await tx.objectStore('pending').get(id);
          if (record?.operation !== 'create') return;
          const { privateKey: _gone, awaitingSaveUntil: _over, suspectKeyIds: _settled, ...rest } = record;
          await tx.objectStore('pending').put({ ...rest, resultKeyId: keyId, lostKeyId: keyId, lostReason: reason });
          await noteMade(tx, environment, [keyId]);
        }),
      ),

    /** Key ids our own creates made in this environment. */
    madeByUs: (environment: Environment): Promise<string[]> => run(async (db) => (await readSettings(db)).madeByUs?.[environment] ?? []),

    /** Remembers that Kalshi refused a public key from this account (or forgets it: null). */
    setUploadRefused: (environment: Environment, account: AccountId | undefined, at: number | null): Promise<void> =>
      run((db) =>
        inTx(db, ALL, async (tx) => {
          const settings = await settingsIn(tx);
          const refused = (settings.uploadRefusedAt ??= {});
          if (at === null) delete refused[accountSlot(environment, account)];
          else refused[accountSlot(environment, account)] = at;
          await tx.objectStore('settings').put(settings, 'settings');
        }),
      ),

    uploadRefusedAt: (environment: Environment, account: AccountId | undefined): Promise<number | undefined> =>
      run(async (db) => (await readSettings(db)).uploadRefusedAt?.[accountSlot(environment, account)]),

    /**
     * A create's answer arrived: the new key (if kept here) is stored, and the pending record notes
     * the key id and stays until the next list has looked for echoes. One transaction.
     */
    answerCreate: (
      pendingId: string,
      keyId: string,
      key: StoredKey | null,
      { awaitingSaveUntil }: { awaitingSaveUntil?: number } = {},
    ): Promise<void> =>
      run((db) =>
        inTx(db, ALL, async (tx) => {
          const record = await tx.objectStore('pending').get(pendingId);
          if (key) await putKey(tx, key, false);
          const environment = key?.environment ?? record?.environment;
          if (environment) await noteMade(tx, environment, [keyId]);
          if (record?.operation !== 'create') return;
          // A pair made here can prove an echo is its own; a one-time key waits to be saved; any other record is done.
          if (record.privateKey) await tx.objectStore('pending').put({ ...record, resultKeyId: keyId });
          else if (awaitingSaveUntil !== undefined)
            await tx.objectStore('pending').put({ ...record, resultKeyId: keyId, awaitingSaveUntil });
          else await tx.objectStore('pending').delete(pendingId);
        }),
      ),

    /** Keys proved to be this create's are stored and its pending record removed, in one transaction. */
    completeCreate: (pendingId: string, keys: StoredKey[]): Promise<void> =>
      run((db) =>
        inTx(db, ALL, async (tx) => {
          for (const key of keys) await putKey(tx, key, false);
          if (keys[0])
            await noteMade(
              tx,
              keys[0].environment,
              keys.map((k) => k.keyId),
            );
          await tx.objectStore('pending').delete(pendingId);
        }),
      ),

    /** A delete's outcome: the local copy (if any) and the pending record go, in one transaction. */
    completeDelete: (pendingId: string, environment: Environment, keyId: string, nextSigning?: string | null): Promise<void> =>
      run((db) =>
        inTx(db, ALL, async (tx) => {
          await dropKey(tx, environment, keyId, nextSigning);
          await tx.objectStore('pending').delete(pendingId);
        }),
      ),

    /** The AES-GCM key that seals one-time private keys outside IndexedDB; made once, non-extractable. */
    sealingKey: async (): Promise<CryptoKey> => {
      const kept = await run(async (db) => (await readSettings(db)).sealKey);
      if (kept) return kept;
      // Made before the transaction: an await on anything else would let it commit early.
      const made = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
      return run((db) =>
        inTx(db, ['settings'], async (tx) => {
          const settings = (await tx.objectStore('settings').get('settings')) ?? structuredClone(DEFAULT_SETTINGS);
          if (settings.sealKey) return settings.sealKey;
          await tx.objectStore('settings').put({ ...settings, sealKey: made }, 'settings');
          return made;
        }),
      );
    },

    ...activityOperations(run),
    ...accountOperations(run, readSettings),

    close: (): void => lose(),
  };
}
