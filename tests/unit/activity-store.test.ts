/**
 * The activity log in the key store: the version 3 upgrade keeps everything a version 2 store held,
 * entries come back newest first, only their own fields are written, and the log keeps the newest 5,000.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../lib/key-formats/crypto-keys';
import { ACTIVITY_LIMIT, DB_VERSION, openKeyStore, type NewActivity, type PendingCreate, type StoredKey } from '../../lib/key-store';

let n = 0;
const fresh = () => `activity-store-${++n}`;

/** Raw IndexedDB, promisified just enough to lay down an older store. */
function rawOpen(name: string, version?: number, upgrade?: (db: IDBDatabase) => void): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = version === undefined ? indexedDB.open(name) : indexedDB.open(name, version);
    request.onupgradeneeded = () => upgrade?.(request.result);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}
function rawPut(db: IDBDatabase, storeName: string, value: unknown, key?: IDBValidKey): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(storeName, 'readwrite');
    tx.objectStore(storeName).put(value, key);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
}
function rawGetAll(db: IDBDatabase, storeName: string): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const request = db.transaction(storeName).objectStore(storeName).getAll();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** The version 2 schema, exactly as the release before the activity log created it. */
const v2Schema = (db: IDBDatabase) => {
  const keys = db.createObjectStore('keys', { keyPath: ['environment', 'keyId'] });
  keys.createIndex('by-environment', 'environment');
  db.createObjectStore('settings');
  const pending = db.createObjectStore('pending', { keyPath: 'id' });
  pending.createIndex('by-environment', 'environment');
};

async function makeKey(environment: 'demo' | 'production', keyId: string, createdAt: number): Promise<StoredKey> {
  const { privateKey } = await generateKeyPair('Ed25519');
  return { environment, keyId, name: `name of ${keyId}`, algorithm: 'Ed25519', privateKey, createdAt, scopes: ['read', 'write'] };
}

const entry = (i: number, overrides: Partial<NewActivity> = {}): NewActivity => ({
  at: 1_700_000_000_000 + i,
  environment: 'demo',
  account: null,
  keyId: `key-${i}`,
  keyName: `name ${i}`,
  operation: 'test',
  outcome: 'ok',
  ...overrides,
});

describe('the version 4 upgrade (grants)', () => {
  it('keeps a version 3 store’s keys, settings and activity; grants start empty and are written beside them', async () => {
    const name = fresh();
    const old = await rawOpen(name, 3, (db) => {
      v2Schema(db);
      db.createObjectStore('activity', { keyPath: 'id', autoIncrement: true });
    });
    await rawPut(old, 'keys', await makeKey('demo', 'demo-a', 1));
    await rawPut(old, 'settings', { signingKeyId: { demo: 'demo-a' }, activeEnvironment: 'demo' }, 'settings');
    await rawPut(old, 'activity', { id: 1, ...entry(1) });
    old.close();

    const store = await openKeyStore(name);
    expect((await store.getSigningKey('demo'))?.keyId).toBe('demo-a');
    expect(await store.listActivity()).toEqual([{ id: 1, ...entry(1) }]);
    expect(await store.listGrants()).toEqual([]);
    expect(await store.botSwitches()).toEqual({ agentOn: false, paused: false });
    const grant = {
      id: 'g1',
      name: 'bot',
      environment: 'demo' as const,
      keyId: 'demo-a',
      account: null,
      powers: ['read' as const],
      createdAt: 5,
      expiresAt: 10,
      perSecond: 3,
      tokenHash: 'a'.repeat(64),
    };
    await store.putGrant(grant);
    await store.setBotSwitches({ agentOn: true });
    expect(await store.listGrants()).toEqual([grant]);
    expect(await store.botSwitches()).toEqual({ agentOn: true, paused: false });
    // The signing key setting survived the switch's write.
    expect((await store.getSigningKey('demo'))?.keyId).toBe('demo-a');
    store.close();
    // An unreadable grant record signs nothing: it is left out.
    const raw = await rawOpen(name);
    await rawPut(raw, 'grants', { ...grant, id: 'g2', powers: ['everything'] });
    raw.close();
    const again = await openKeyStore(name);
    expect((await again.listGrants()).map((g) => g.id)).toEqual(['g1']);
    again.close();
  });
});

describe('the version 3 upgrade', () => {
  it('keeps every key, the signing keys, the settings and the pending records of a version 2 store; the log starts empty', async () => {
    const name = fresh();
    const old = await rawOpen(name, 2, v2Schema);
    const keys = [await makeKey('demo', 'demo-a', 1), await makeKey('demo', 'demo-b', 2), await makeKey('production', 'prod-a', 3)];
    for (const key of keys) await rawPut(old, 'keys', key);
    const settings = {
      signingKeyId: { demo: 'demo-b', production: 'prod-a' },
      activeEnvironment: 'production',
      madeByUs: { demo: ['demo-b'] },
      uploadRefusedAt: { demo: 42 },
    };
    await rawPut(old, 'settings', settings, 'settings');
    const { privateKey } = await generateKeyPair('Ed25519');
    const pending: PendingCreate = {
      id: 'p1',
      environment: 'demo',
      operation: 'create',
      startedAt: 5,
      name: 'lost answer',
      source: 'local',
      algorithm: 'Ed25519',
      scopes: ['read'],
      subaccount: null,
      knownKeyIds: ['demo-a'],
      privateKey,
    };
    await rawPut(old, 'pending', pending);
    await rawPut(old, 'pending', { id: 'p2', environment: 'production', operation: 'delete', keyId: 'prod-x', startedAt: 6 });
    old.close();

    const store = await openKeyStore(name);
    expect((await store.listKeys('demo')).map((k) => k.keyId)).toEqual(['demo-a', 'demo-b']);
    expect((await store.listKeys('production')).map((k) => k.keyId)).toEqual(['prod-a']);
    for (const env of ['demo', 'production'] as const) {
      const signing = await store.getSigningKey(env);
      expect(signing?.keyId).toBe(settings.signingKeyId[env]);
      expect(signing?.privateKey.extractable).toBe(false);
    }
    expect(await store.getActiveEnvironment()).toBe('production');
    expect(await store.madeByUs('demo')).toEqual(['demo-b']);
    expect(await store.uploadRefusedAt('demo', undefined)).toBe(42);
    const demoPending = (await store.listPending('demo')).records;
    expect(demoPending).toHaveLength(1);
    expect(demoPending[0]).toMatchObject({ id: 'p1', name: 'lost answer', knownKeyIds: ['demo-a'] });
    expect((demoPending[0] as PendingCreate).privateKey).toBeInstanceOf(CryptoKey);
    expect((await store.listPending('production')).records).toMatchObject([{ id: 'p2', operation: 'delete', keyId: 'prod-x' }]);
    expect(await store.listActivity()).toEqual([]);
    // The new store works at once, next to the old data.
    await store.addActivity(entry(1));
    expect(await store.listActivity()).toEqual([{ id: 1, ...entry(1) }]);
    store.close();

    const check = await rawOpen(name);
    expect(check.version).toBe(DB_VERSION);
    expect(DB_VERSION).toBe(4);
    expect([...check.objectStoreNames].sort()).toEqual(['activity', 'grants', 'keys', 'pending', 'settings']);
    expect(await rawGetAll(check, 'keys')).toHaveLength(3);
    check.close();
  });

  it('an already upgraded store is opened again without losing its log', async () => {
    const name = fresh();
    const first = await openKeyStore(name);
    await first.addActivity(entry(1));
    first.close();
    const again = await openKeyStore(name);
    expect((await again.listActivity()).map((e) => e.keyId)).toEqual(['key-1']);
    again.close();
  });
});

describe('activity entries', () => {
  it('come back newest first, each with its own increasing id', async () => {
    const store = await openKeyStore(fresh());
    // Written out of time order: the order of writing is what counts.
    await store.addActivity(entry(1, { at: 30 }));
    await store.addActivity(entry(2, { at: 10, outcome: 'refused', errorCode: 'unauthorized' }));
    await store.addActivity(entry(3, { at: 20, environment: 'production' }));
    const list = await store.listActivity();
    expect(list.map((e) => [e.id, e.keyId])).toEqual([
      [3, 'key-3'],
      [2, 'key-2'],
      [1, 'key-1'],
    ]);
    expect(list[1]).toEqual({ id: 2, ...entry(2, { at: 10, outcome: 'refused', errorCode: 'unauthorized' }) });
    store.close();
  });

  it('only the entry’s own fields reach the disk, whatever else a caller passes along', async () => {
    const name = fresh();
    const store = await openKeyStore(name);
    const smuggled = { ...entry(1), pem: '-----BEGIN PRIVATE KEY-----', passphrase: 'pw', signature: 'c2ln' } as NewActivity;
    await store.addActivity(smuggled);
    store.close();
    const raw = await rawOpen(name);
    const [record] = (await rawGetAll(raw, 'activity')) as Record<string, unknown>[];
    expect(Object.keys(record!).sort()).toEqual(['account', 'at', 'environment', 'id', 'keyId', 'keyName', 'operation', 'outcome']);
    raw.close();
  });

  it('a record that is not an entry is skipped; one carrying anything more is read without it', async () => {
    const name = fresh();
    const store = await openKeyStore(name);
    await store.addActivity(entry(1));
    store.close();
    const raw = await rawOpen(name);
    await rawPut(raw, 'activity', { ...entry(2), id: 2, pem: '-----BEGIN PRIVATE KEY-----' });
    await rawPut(raw, 'activity', { ...entry(3), id: 3, operation: 'sign_anything' });
    await rawPut(raw, 'activity', { ...entry(4), id: 4, errorCode: 'not_a_code' });
    await rawPut(raw, 'activity', { ...entry(5), id: 5, environment: 'staging' });
    await rawPut(raw, 'activity', { ...entry(6), id: 6, keyName: 42 });
    await rawPut(raw, 'activity', { id: 7, at: 'yesterday' });
    raw.close();
    const reopened = await openKeyStore(name);
    expect(await reopened.listActivity()).toEqual([
      { id: 2, ...entry(2) },
      { id: 1, ...entry(1) },
    ]);
    reopened.close();
  });

  it(`keeps the newest ${ACTIVITY_LIMIT.toLocaleString('en')}: each entry beyond drops the oldest`, async () => {
    expect(ACTIVITY_LIMIT).toBe(5_000);
    const store = await openKeyStore(fresh());
    for (let i = 1; i <= ACTIVITY_LIMIT; i++) await store.addActivity(entry(i));
    expect(await store.listActivity()).toHaveLength(ACTIVITY_LIMIT);
    for (let i = ACTIVITY_LIMIT + 1; i <= ACTIVITY_LIMIT + 3; i++) await store.addActivity(entry(i));
    const list = await store.listActivity();
    expect(list).toHaveLength(ACTIVITY_LIMIT);
    expect(list[0]?.keyId).toBe(`key-${ACTIVITY_LIMIT + 3}`);
    expect(list.at(-1)?.keyId).toBe('key-4');
    expect(list.some((e) => ['key-1', 'key-2', 'key-3'].includes(e.keyId!))).toBe(false);
    store.close();
  });
});
