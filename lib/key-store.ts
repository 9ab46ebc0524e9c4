import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Environment } from './environments';
import { AppError } from './errors';
import type { KeyAlgorithm } from './pem';

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
}

export const DB_NAME = 'kalshi-key-manager';
const DB_VERSION = 1;
const DEFAULT_SETTINGS: Settings = { signingKeyId: {}, activeEnvironment: 'production' };

export type KeyStore = ReturnType<typeof createKeyStore>;

/** Opens (and on first use creates) the key store in IndexedDB. */
export async function openKeyStore(name: string = DB_NAME): Promise<KeyStore> {
  const db = await storageCall(() =>
    openDB<KeyManagerDB>(name, DB_VERSION, {
      upgrade(db, oldVersion) {
        // Branch on the version seen so later schemas can migrate step by step.
        if (oldVersion < 1) {
          const keys = db.createObjectStore('keys', { keyPath: ['environment', 'keyId'] });
          keys.createIndex('by-environment', 'environment');
          db.createObjectStore('settings');
        }
      },
    }),
  );
  return createKeyStore(db);
}

function createKeyStore(db: IDBPDatabase<KeyManagerDB>) {
  const readSettings = async (): Promise<Settings> =>
    (await db.get('settings', 'settings')) ?? structuredClone(DEFAULT_SETTINGS);

  return {
    /** Keys held for one environment, oldest first. */
    listKeys: (environment: Environment): Promise<StoredKey[]> =>
      storageCall(async () =>
        (await db.getAllFromIndex('keys', 'by-environment', environment)).sort((a, b) => a.createdAt - b.createdAt),
      ),

    getKey: (environment: Environment, keyId: string): Promise<StoredKey | undefined> =>
      storageCall(() => db.get('keys', [environment, keyId])),

    /** Saves a key; when makeSigning is set, it also becomes the environment's signing key, atomically. */
    saveKey: (key: StoredKey, { makeSigning = false } = {}): Promise<void> =>
      storageCall(async () => {
        const tx = db.transaction(['keys', 'settings'], 'readwrite');
        const settingsStore = tx.objectStore('settings');
        const settings = (await settingsStore.get('settings')) ?? structuredClone(DEFAULT_SETTINGS);
        await tx.objectStore('keys').put(key);
        if (makeSigning || settings.signingKeyId[key.environment] === undefined) {
          settings.signingKeyId[key.environment] = key.keyId;
          await settingsStore.put(settings, 'settings');
        }
        await tx.done;
      }),

    /** Drops the local private key; if it was the signing key, the next held key (if any) takes over. */
    removeKey: (environment: Environment, keyId: string): Promise<void> =>
      storageCall(async () => {
        const tx = db.transaction(['keys', 'settings'], 'readwrite');
        const keys = tx.objectStore('keys');
        await keys.delete([environment, keyId]);
        const settingsStore = tx.objectStore('settings');
        const settings = (await settingsStore.get('settings')) ?? structuredClone(DEFAULT_SETTINGS);
        if (settings.signingKeyId[environment] === keyId) {
          const rest = await keys.index('by-environment').getAll(environment);
          const next = rest.sort((a, b) => a.createdAt - b.createdAt)[0];
          if (next) settings.signingKeyId[environment] = next.keyId;
          else delete settings.signingKeyId[environment];
          await settingsStore.put(settings, 'settings');
        }
        await tx.done;
      }),

    /** Records a successful signed request with this key. */
    markVerified: (environment: Environment, keyId: string, at: number): Promise<void> =>
      storageCall(async () => {
        const tx = db.transaction('keys', 'readwrite');
        const key = await tx.store.get([environment, keyId]);
        if (key) await tx.store.put({ ...key, lastVerifiedAt: at });
        await tx.done;
      }),

    /** Makes a held key the one that signs for its environment. */
    setSigningKey: (environment: Environment, keyId: string): Promise<void> =>
      storageCall(async () => {
        const tx = db.transaction(['keys', 'settings'], 'readwrite');
        if (!(await tx.objectStore('keys').get([environment, keyId]))) throw new AppError('not_held');
        const settingsStore = tx.objectStore('settings');
        const settings = (await settingsStore.get('settings')) ?? structuredClone(DEFAULT_SETTINGS);
        settings.signingKeyId[environment] = keyId;
        await settingsStore.put(settings, 'settings');
        await tx.done;
      }),

    /** The key that signs requests for this environment, if one is held. */
    getSigningKey: (environment: Environment): Promise<StoredKey | undefined> =>
      storageCall(async () => {
        const id = (await readSettings()).signingKeyId[environment];
        return id === undefined ? undefined : db.get('keys', [environment, id]);
      }),

    getActiveEnvironment: (): Promise<Environment> =>
      storageCall(async () => (await readSettings()).activeEnvironment),

    setActiveEnvironment: (environment: Environment): Promise<void> =>
      storageCall(async () => {
        const tx = db.transaction('settings', 'readwrite');
        const settings = (await tx.store.get('settings')) ?? structuredClone(DEFAULT_SETTINGS);
        settings.activeEnvironment = environment;
        await tx.store.put(settings, 'settings');
        await tx.done;
      }),

    close: (): void => db.close(),
  };
}

/** IndexedDB failures (quota, blocked, private mode) become one typed error. */
async function storageCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (cause) {
    if (cause instanceof AppError) throw cause;
    throw new AppError('storage_failed', cause instanceof Error ? cause.name : undefined, { cause });
  }
}
