/**
 * The activity log and the grants in the key store: entries come back newest first, only their own
 * fields are written, and the log keeps the newest 5,000; grants sit beside keys and settings.
 * Upgrades from older schemas: schema-fixtures.test.ts.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../lib/key-formats/crypto-keys';
import { ACTIVITY_LIMIT, openKeyStore, type NewActivity, type StoredKey } from '../../lib/key-store';

let n = 0;
const fresh = () => `activity-store-${++n}`;

/** Raw IndexedDB, promisified just enough to read or damage what the store wrote. */
function rawOpen(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name);
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

describe('grants in the store', () => {
  it('start empty, are written beside the keys and settings; a bot switch keeps the signing key', async () => {
    const name = fresh();
    const store = await openKeyStore(name);
    await store.saveKey(await makeKey('demo', 'demo-a', 1));
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

describe('activity entries', () => {
  it('a store opened again keeps its log', async () => {
    const name = fresh();
    const first = await openKeyStore(name);
    await first.addActivity(entry(1));
    first.close();
    const again = await openKeyStore(name);
    expect((await again.listActivity()).map((e) => e.keyId)).toEqual(['key-1']);
    again.close();
  });

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
