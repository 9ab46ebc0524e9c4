/**
 * The key store's operations. Every change that must land together (a key and the signing
 * setting, a key and the pending record it settles) runs in one transaction.
 */
import { isEnvironment, type Environment } from '../shared/environments';
import { AppError } from '../shared/errors';
import {
  checkAll,
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
import { grantOperations } from './grants';
import { dropKey, inTx, noteMade, putKey, settingsIn, signWith } from './transactions';
import { createReadCache, type ReadCache } from './read-cache';
import { accountSlot, ALL, connect, DB_NAME, DEFAULT_SETTINGS, storageCall, type DB, type OpenOptions, type Settings } from './schema';

export type KeyStore = ReturnType<typeof createKeyStore>;

/** Opens (and on first use creates, or upgrades) the key store in IndexedDB. */
export async function openKeyStore(name: string = DB_NAME, options: OpenOptions = {}): Promise<KeyStore> {
  let current: Promise<DB> | undefined;
  const cache = createReadCache();
  const lose = () => {
    const was = current;
    current = undefined;
    cache.clear();
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
  return createKeyStore(conn, lose, cache);
}

function createKeyStore(conn: () => Promise<DB>, lose: () => void, cache: ReadCache) {
  const run = <T>(work: (db: DB) => Promise<T>): Promise<T> => storageCall(async () => work(await conn()));
  /** Every change to keys, settings or pending records: what was read before it is read again after. */
  const write = <T>(work: (db: DB) => Promise<T>): Promise<T> => cache.write(() => run(work));

  /** The settings as stored; shared by every reader until the next write, so never changed in place. */
  const settings = (): Promise<Settings> =>
    cache.read('settings', () => run((db) => db.get('settings', 'settings').then((s) => s ?? structuredClone(DEFAULT_SETTINGS))));

  /** Every key record of an environment as stored, readable or not, with its key id. */
  const keyRecords = (environment: Environment): Promise<Array<{ keyId: string; value: unknown }>> =>
    cache.read(`keys/${environment}`, () =>
      run(async (db) => {
        const index = db.transaction('keys').store.index('by-environment');
        // One request each, in the same order (the index's, then the key's): quicker than a cursor step per record.
        const [values, ids] = await Promise.all([index.getAll(environment), index.getAllKeys(environment)]);
        return values.map((value: unknown, i) => ({ keyId: String(ids[i]![1]), value }));
      }),
    );

  /** A held key read through keyRecords; a copy, so that no caller changes what others are given. */
  const readKey = async (environment: Environment, keyId: string): Promise<StoredKey | undefined> => {
    const found = (await keyRecords(environment)).find((r) => r.keyId === keyId);
    const key = checkedKey(environment, keyId, found?.value);
    return key && { ...key };
  };

  /** A key record, checked: corrupt_record when it is there but unusable. */
  const checkedKey = (environment: Environment, keyId: string, value: unknown): StoredKey | undefined => {
    if (value === undefined) return undefined;
    const problem = storedKeyProblem(value);
    if (problem) throw new AppError('corrupt_record', `Key ${keyId} (${environment}): ${problem}.`);
    return value as StoredKey;
  };

  /** Keys of one environment (of one account only, when a filter is given). */
  const listChecked = async (environment: Environment, only?: AccountFilter): Promise<Checked<StoredKey>> =>
    checkAll(
      (await keyRecords(environment)).map(({ keyId, value }) => ({ what: `Key ${keyId} (${environment})`, value })),
      storedKeyProblem,
      (key: StoredKey) => ({ ...key }),
      (key) => key.createdAt,
      only,
    );

  return {
    /** Keys held for one environment (one account, when given), oldest first; unreadable records are left out. */
    listKeys: async (environment: Environment, only?: AccountFilter): Promise<StoredKey[]> =>
      (await listChecked(environment, only)).records,

    /** Keys held for one environment (one account, when given), oldest first, and what could not be read. */
    listKeysChecked: listChecked,

    /** A held key; corrupt_record if its record is damaged. */
    getKey: readKey,

    /** Whether any record (readable or not) is stored for this key. */
    hasKey: async (environment: Environment, keyId: string): Promise<boolean> =>
      (await keyRecords(environment)).some((r) => r.keyId === keyId),

    /** Saves a key; when makeSigning is set, it also becomes the environment's signing key, atomically. */
    saveKey: (key: StoredKey, { makeSigning = false } = {}): Promise<void> =>
      write((db) => inTx(db, ALL, (tx) => putKey(tx, key, makeSigning))),

    /** Drops the local private key; if it was the signing key, the next held key (if any) takes over. */
    removeKey: (environment: Environment, keyId: string, { nextSigning }: { nextSigning?: string | null } = {}): Promise<void> =>
      write((db) => inTx(db, ALL, (tx) => dropKey(tx, environment, keyId, nextSigning))),

    /** Records a successful signed request with this key. */
    markVerified: (environment: Environment, keyId: string, at: number): Promise<void> =>
      write((db) =>
        inTx(db, ['keys'], async (tx) => {
          const key = await tx.objectStore('keys').get([environment, keyId]);
          if (key && !storedKeyProblem(key)) await tx.objectStore('keys').put({ ...key, lastVerifiedAt: at });
        }),
      ),

    /** Makes a held key the one that signs for its environment. */
    setSigningKey: (environment: Environment, keyId: string): Promise<void> =>
      write((db) =>
        inTx(db, ALL, async (tx) => {
          const key = checkedKey(environment, keyId, await tx.objectStore('keys').get([environment, keyId]));
          if (!key) throw new AppError('not_held');
          const settings = await settingsIn(tx);
          signWith(settings, key);
          await tx.objectStore('settings').put(settings, 'settings');
        }),
      ),

    /** The key that signs requests for this environment, if one is held; corrupt_record if it is damaged. */
    getSigningKey: async (environment: Environment): Promise<StoredKey | undefined> => {
      const id = (await settings()).signingKeyId[environment];
      return id === undefined ? undefined : readKey(environment, id);
    },

    getActiveEnvironment: async (): Promise<Environment> => {
      const env = (await settings()).activeEnvironment;
      return isEnvironment(env) ? env : DEFAULT_SETTINGS.activeEnvironment;
    },

    setActiveEnvironment: (environment: Environment): Promise<void> =>
      write((db) =>
        inTx(db, ['settings'], async (tx) => {
          const settings = (await tx.objectStore('settings').get('settings')) ?? structuredClone(DEFAULT_SETTINGS);
          settings.activeEnvironment = environment;
          await tx.objectStore('settings').put(settings, 'settings');
        }),
      ),

    /** Written before a request whose answer could be lost. */
    addPending: (record: PendingRecord): Promise<void> =>
      write(async (db) => {
        await db.put('pending', record);
      }),

    /** Pending records of one environment (one account, when given), oldest first, and what could not be read. */
    listPending: (environment: Environment, only?: AccountFilter): Promise<Checked<PendingRecord>> =>
      run(async (db) =>
        checkAll(
          (await db.getAllFromIndex('pending', 'by-environment', environment)).map((value) => ({
            what: `Unfinished operation ${String(value.id)} (${environment})`,
            value,
          })),
          pendingProblem,
          readPending,
          (record) => record.startedAt,
          only,
        ),
      ),

    /** The operation ended with nothing to keep. */
    removePending: (id: string): Promise<void> => write((db) => db.delete('pending', id)),

    /** Notes the keys a lost create may have made (the record stays to name them until the user decides). */
    markSuspects: (id: string, keyIds: string[]): Promise<void> =>
      write((db) =>
        inTx(db, ['pending'], async (tx) => {
          const record = await tx.objectStore('pending').get(id);
          if (record?.operation !== 'create') return;
          const { resultKeyId: _answered, privateKey: _unused, ...rest } = record;
          await tx.objectStore('pending').put({ ...rest, suspectKeyIds: keyIds });
        }),
      ),

    /** Certain: this create made keyId and its private half exists nowhere. The record stays to say so until the key is deleted. */
    markLost: (id: string, environment: Environment, keyId: string, reason: 'unreadable' | 'never_saved'): Promise<void> =>
      write((db) =>
        inTx(db, ALL, async (tx) => {
          const record = await tx.objectStore('pending').get(id);
          if (record?.operation !== 'create') return;
          const { privateKey: _gone, awaitingSaveUntil: _over, suspectKeyIds: _settled, ...rest } = record;
          await tx.objectStore('pending').put({ ...rest, resultKeyId: keyId, lostKeyId: keyId, lostReason: reason });
          await noteMade(tx, environment, [keyId]);
        }),
      ),

    /** Key ids our own creates made in this environment. */
    madeByUs: async (environment: Environment): Promise<string[]> => [...((await settings()).madeByUs?.[environment] ?? [])],

    /** Remembers that Kalshi refused a public key from this account (or forgets it: null). */
    setUploadRefused: (environment: Environment, account: AccountId | undefined, at: number | null): Promise<void> =>
      write((db) =>
        inTx(db, ALL, async (tx) => {
          const settings = await settingsIn(tx);
          const refused = (settings.uploadRefusedAt ??= {});
          if (at === null) delete refused[accountSlot(environment, account)];
          else refused[accountSlot(environment, account)] = at;
          await tx.objectStore('settings').put(settings, 'settings');
        }),
      ),

    uploadRefusedAt: async (environment: Environment, account: AccountId | undefined): Promise<number | undefined> =>
      (await settings()).uploadRefusedAt?.[accountSlot(environment, account)],

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
      write((db) =>
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
      write((db) =>
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
      write((db) =>
        inTx(db, ALL, async (tx) => {
          await dropKey(tx, environment, keyId, nextSigning);
          await tx.objectStore('pending').delete(pendingId);
        }),
      ),

    /** The AES-GCM key that seals one-time private keys outside IndexedDB; made once, non-extractable. */
    sealingKey: async (): Promise<CryptoKey> => {
      const kept = (await settings()).sealKey;
      if (kept) return kept;
      // Made before the transaction: an await on anything else would let it commit early.
      const made = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
      return write((db) =>
        inTx(db, ['settings'], async (tx) => {
          const stored = (await tx.objectStore('settings').get('settings')) ?? structuredClone(DEFAULT_SETTINGS);
          if (stored.sealKey) return stored.sealKey;
          await tx.objectStore('settings').put({ ...stored, sealKey: made }, 'settings');
          return made;
        }),
      );
    },

    ...activityOperations(run),
    ...accountOperations(write, settings),
    ...grantOperations(write, (slot, work) => cache.read(slot, () => run(work)), settings),

    close: (): void => lose(),
  };
}
