/**
 * IndexedDB trouble: an old schema, an upgrade another connection blocks, a full disk, records that
 * do not parse. Each ends in a typed error or a clean skip, never in half-written state.
 */
import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startExchange, type Exchange } from '../../exchange/server';
import { AppError, type ErrorCode } from '../../lib/shared/errors';
import { generateKeyPair } from '../../lib/key-formats/crypto-keys';
import { createKeyService, type Handlers } from '../../lib/key-manager/service';
import { DB_VERSION, openKeyStore, type KeyStore, type StoredKey } from '../../lib/key-store';
import { connect, storageError } from '../../lib/key-store/schema';
import { inTx } from '../../lib/key-store/transactions';
import { unwrap } from 'idb';
import { exchangeFetch } from '../helpers/exchange-fetch';

let n = 0;
const fresh = () => `storage-${++n}`;

/** Raw IndexedDB, promisified just enough for setting up damage. */
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
/** The version 1 schema, for an old connection that blocks an upgrade (upgrades themselves: schema-fixtures.test.ts). */
const v1Schema = (db: IDBDatabase) => {
  const keys = db.createObjectStore('keys', { keyPath: ['environment', 'keyId'] });
  keys.createIndex('by-environment', 'environment');
  db.createObjectStore('settings');
};

async function codeOf(promise: Promise<unknown>): Promise<ErrorCode> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return (error as AppError).code;
}

async function makeKey(keyId: string, createdAt = 1): Promise<StoredKey> {
  const { privateKey } = await generateKeyPair('Ed25519');
  return { environment: 'demo', keyId, name: keyId, algorithm: 'Ed25519', privateKey, createdAt, scopes: ['read', 'write'] };
}

/**
 * A full disk as browsers report it: every write succeeds, then the transaction that wrote to
 * `storeName` aborts at commit with a QuotaExceededError DOMException on `tx.error` (Chromium checks
 * quota when a transaction commits; put() itself does not throw). fake-indexeddb commits in
 * FDBTransaction._start once no request is left; there the transaction is aborted instead, which
 * rolls back its writes and fires `abort` just as a refused commit does. Returns what undoes it and
 * counts the transactions it aborted, so a test knows the fault was met.
 */
function fillDisk(storeName: string): { undo: () => void; aborted: () => number } {
  type FakeTx = IDBTransaction & {
    _state: string;
    _requests: Array<{ request: IDBRequest }>;
    _abort(errName: string | null): void;
    _start(): void;
  };
  const txProto = IDBTransaction.prototype as FakeTx;
  const storeProto = IDBObjectStore.prototype;
  const { _start: start } = txProto;
  const { put, add, delete: del } = storeProto;
  const wrote = new WeakSet<IDBTransaction>();
  let aborted = 0;
  const noting = <A extends unknown[], R>(write: (this: IDBObjectStore, ...args: A) => R) =>
    function (this: IDBObjectStore, ...args: A): R {
      if (this.name === storeName) wrote.add(this.transaction);
      return write.apply(this, args);
    };
  storeProto.put = noting(put);
  storeProto.add = noting(add);
  storeProto.delete = noting(del);
  txProto._start = function (this: FakeTx) {
    const committing = this._state !== 'finished' && this._requests.every(({ request }) => request.readyState === 'done');
    if (committing && wrote.has(this)) {
      aborted++;
      this._abort('QuotaExceededError');
      return;
    }
    start.call(this);
  };
  return {
    undo: () => {
      txProto._start = start;
      Object.assign(storeProto, { put, add, delete: del });
    },
    aborted: () => aborted,
  };
}

describe('the full-disk double behaves as a browser does', () => {
  it('put() succeeds; the transaction then aborts with QuotaExceededError on tx.error, and nothing lands', async () => {
    const db = await rawOpen(fresh(), 1, v1Schema);
    const disk = fillDisk('settings');
    try {
      const tx = db.transaction('settings', 'readwrite');
      const request = tx.objectStore('settings').put({ x: 1 }, 'settings');
      const events: string[] = [];
      request.onsuccess = () => events.push('put ok');
      request.onerror = () => events.push('put failed');
      const error = await new Promise<DOMException | null>((resolve) => {
        tx.oncomplete = () => resolve(null);
        tx.onabort = () => resolve(tx.error);
      });
      expect(events).toEqual(['put ok']);
      expect(error).toBeInstanceOf(DOMException);
      expect(error?.name).toBe('QuotaExceededError');
      expect(disk.aborted()).toBe(1);
    } finally {
      disk.undo();
    }
    const read = db.transaction('settings').objectStore('settings').get('settings');
    expect(await new Promise((resolve) => (read.onsuccess = () => resolve(read.result)))).toBeUndefined();
    db.close();
  });
});

describe('schema upgrade', () => {
  it('an upgrade blocked by an old connection that will not let go: storage_blocked, then fine once it closes', async () => {
    const name = fresh();
    const old = await rawOpen(name, 1, v1Schema);
    await rawPut(old, 'keys', await makeKey('kept'));
    // This connection ignores versionchange, as a stuck old worker would.
    expect(await codeOf(openKeyStore(name, { blockedTimeoutMs: 50 }))).toBe('storage_blocked');
    old.close();
    await new Promise((r) => setTimeout(r, 50)); // the timed-out open completes and closes itself
    const store = await openKeyStore(name);
    expect((await store.listKeys('demo')).map((k) => k.keyId)).toEqual(['kept']);
    store.close();
  });

  it('our own connection steps aside for a newer version instead of blocking it', async () => {
    const name = fresh();
    const store = await openKeyStore(name);
    await store.saveKey(await makeKey('a'));
    let blocked = false;
    const newer = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name, DB_VERSION + 1);
      request.onblocked = () => (blocked = true);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    expect(blocked).toBe(false);
    newer.close();
    // The old code cannot open a newer store: a typed error, not a crash.
    expect(await codeOf(store.listKeys('demo'))).toBe('storage_failed');
  });

  it('a browser that refuses IndexedDB outright: a typed error', async () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB')!;
    try {
      Object.defineProperty(globalThis, 'indexedDB', {
        value: {
          open() {
            throw new DOMException('no', 'UnknownError');
          },
        },
        configurable: true,
      });
      expect(await codeOf(openKeyStore(fresh()))).toBe('storage_failed');
    } finally {
      Object.defineProperty(globalThis, 'indexedDB', saved);
    }
  });
});

describe('a full disk', () => {
  let store: KeyStore;
  let disk: ReturnType<typeof fillDisk> | undefined;
  const undo = () => {
    disk?.undo();
    disk = undefined;
  };
  beforeEach(async () => {
    store = await openKeyStore(fresh());
  });
  afterEach(() => {
    undo();
    store.close();
  });

  it("storageError maps an aborted transaction's tx.error (QuotaExceededError) to storage_full", async () => {
    const db = await rawOpen(fresh(), 1, v1Schema);
    disk = fillDisk('settings');
    const tx = db.transaction('settings', 'readwrite');
    tx.objectStore('settings').put({}, 'settings');
    await new Promise((resolve) => (tx.onabort = resolve));
    undo();
    db.close();
    expect(tx.error?.name).toBe('QuotaExceededError');
    expect(storageError(tx.error)).toMatchObject({ code: 'storage_full' });
    // The same when it arrives wrapped (an AbortError whose cause is the quota error), or as a plain object.
    const wrapped = new DOMException('The transaction was aborted.', 'AbortError');
    Object.defineProperty(wrapped, 'cause', { value: tx.error });
    expect(storageError(wrapped)).toMatchObject({ code: 'storage_full' });
    expect(storageError({ name: 'QuotaExceededError', message: 'quota' })).toMatchObject({ code: 'storage_full' });
    expect(storageError(new DOMException('x', 'UnknownError'))).toMatchObject({ code: 'storage_failed' });
  });

  it('inTx: every write succeeds, the commit is refused: the call rejects with the quota error, which maps to storage_full', async () => {
    const db = await connect(fresh(), {}, () => {});
    disk = fillDisk('settings');
    const error = await inTx(db, ['settings'], async (tx) => {
      await tx.objectStore('settings').put({ signingKeyId: {}, activeEnvironment: 'demo' }, 'settings');
      return 'done';
    }).then(
      (value) => value,
      (e: unknown) => e,
    );
    expect(disk.aborted()).toBe(1);
    undo();
    expect(error).toMatchObject({ name: 'QuotaExceededError' });
    expect(storageError(error)).toMatchObject({ code: 'storage_full' });
    expect(await db.get('settings', 'settings')).toBeUndefined();
    db.close();
  });

  it("inTx: the transaction aborts with a quota error while a request is still waiting: storage_full, not the request's AbortError", async () => {
    const db = await connect(fresh(), {}, () => {});
    const error = await inTx(db, ['settings'], async (tx) => {
      await tx.objectStore('settings').put({ signingKeyId: {}, activeEnvironment: 'demo' }, 'settings');
      const reading = tx.objectStore('settings').get('settings');
      // The browser gives up on the transaction for lack of space before the read is answered.
      (unwrap(tx) as unknown as { _abort(name: string): void })._abort('QuotaExceededError');
      await reading;
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(storageError(error)).toMatchObject({ code: 'storage_full' });
    expect(await db.get('settings', 'settings')).toBeUndefined();
    db.close();
  });

  it('saving a key: storage_full, and neither the key nor the signing setting lands', async () => {
    await store.saveKey(await makeKey('first'));
    disk = fillDisk('keys');
    expect(await codeOf(store.saveKey(await makeKey('second', 2), { makeSigning: true }))).toBe('storage_full');
    expect(disk.aborted()).toBe(1);
    undo();
    expect((await store.listKeys('demo')).map((k) => k.keyId)).toEqual(['first']);
    expect((await store.getSigningKey('demo'))?.keyId).toBe('first');
  });

  it('the signing setting cannot be written: the key is not saved either (one transaction)', async () => {
    disk = fillDisk('settings');
    expect(await codeOf(store.saveKey(await makeKey('k')))).toBe('storage_full');
    expect(disk.aborted()).toBe(1);
    undo();
    expect(await store.listKeys('demo')).toEqual([]);
  });

  describe('during a create', () => {
    let exchange: Exchange;
    let service: Handlers;
    beforeAll(async () => {
      exchange = await startExchange({ port: 0 });
    });
    afterAll(() => exchange.close());
    beforeEach(async () => {
      exchange.reset();
      service = createKeyService({ store, fetch: exchangeFetch(exchange), sleep: async () => {} });
      const seeded = exchange.seedAccount('demo', { usageTier: 'premier' });
      await service.importKey({ environment: 'demo', keyId: seeded.keyId, pem: seeded.privateKeyPem });
    });
    const create = () =>
      service.createApiKey({
        environment: 'demo',
        name: 'laptop',
        algorithm: 'Ed25519',
        scopes: ['read', 'write'],
        source: 'local',
        destination: 'browser',
        privateKeyFormat: 'pkcs8',
      });

    it('the pending record cannot be written: storage_full, and nothing is sent to Kalshi', async () => {
      disk = fillDisk('pending');
      expect(await codeOf(create())).toBe('storage_full');
      expect(disk.aborted()).toBe(1);
      expect(exchange.requests.filter((r) => r.method === 'POST')).toEqual([]);
      expect(exchange.keys('demo')).toHaveLength(1);
    });

    it('Kalshi made the key but it cannot be stored: storage_full now, and the next list keeps it (nothing lost)', async () => {
      disk = fillDisk('keys');
      expect(await codeOf(create())).toBe('storage_full');
      expect(disk.aborted()).toBe(1);
      expect(exchange.keys('demo')).toHaveLength(2);
      const pending = (await store.listPending('demo')).records;
      expect(pending).toHaveLength(1);
      undo();
      const list = await service.listApiKeys({ environment: 'demo' });
      const made = exchange.keys('demo').find((k) => k.name === 'laptop')!.api_key_id;
      expect(list.recovery?.adopted).toEqual([made]);
      expect(list.keys.find((k) => k.keyId === made)?.held).toBe(true);
      expect((await store.listPending('demo')).records).toEqual([]);
    });
  });
});

describe('records that do not parse', () => {
  let exchange: Exchange;
  let store: KeyStore;
  let service: Handlers;
  let name: string;
  let signingId: string;
  let signingPem: string;
  const damagedId = '22222222-2222-4222-8222-222222222222';

  beforeAll(async () => {
    exchange = await startExchange({ port: 0 });
  });
  afterAll(() => exchange.close());
  beforeEach(async () => {
    exchange.reset();
    name = fresh();
    store = await openKeyStore(name);
    service = createKeyService({ store, fetch: exchangeFetch(exchange), sleep: async () => {} });
    const seeded = exchange.seedAccount('demo');
    signingId = seeded.keyId;
    signingPem = seeded.privateKeyPem;
    await service.importKey({ environment: 'demo', keyId: seeded.keyId, pem: seeded.privateKeyPem });
  });
  afterEach(() => store.close());

  /** Damage as a disk or an older build leaves it: written beside the store, seen as the worker next starts. */
  async function damage(storeName: string, value: unknown) {
    store.close(); // the worker stops: what it had read goes with it
    const db = await rawOpen(name);
    await rawPut(db, storeName, value);
    db.close();
    store = await openKeyStore(name);
    service = createKeyService({ store, fetch: exchangeFetch(exchange), sleep: async () => {} });
  }

  it.each([
    ['a PEM string instead of a CryptoKey', { privateKey: '-----BEGIN PRIVATE KEY-----\nMC4C...' }, 'no usable private key'],
    ['no name', { name: 42 }, 'no name'],
    ['an unknown algorithm', { algorithm: 'DSA' }, 'unknown algorithm'],
    ['scopes that are not strings', { scopes: [1, 2] }, 'unreadable scopes'],
  ])('a key record with %s is skipped with a clear error; the list still works', async (_, broken, problem) => {
    const good = await makeKey(damagedId);
    await damage('keys', { ...good, ...broken });
    const list = await service.listApiKeys({ environment: 'demo' });
    expect(list.keys.map((k) => k.keyId)).toEqual([signingId]);
    expect(list.recovery?.unreadable).toEqual([
      expect.objectContaining({ code: 'corrupt_record', detail: `Key ${damagedId} (demo): ${problem}.` }),
    ]);
    expect((await service.getOverview({ environment: 'demo' })).heldKeys.map((k) => k.keyId)).toEqual([signingId]);
    // Forgetting it is the way out.
    await service.forgetKey({ environment: 'demo', keyId: damagedId, confirmLockout: false });
    expect((await service.listApiKeys({ environment: 'demo' })).recovery).toBeUndefined();
  });

  it('a damaged signing key: corrupt_record with its id; the overview shows no signing key; importing it again mends it', async () => {
    const original = (await store.getKey('demo', signingId))!;
    await damage('keys', { ...original, privateKey: null });
    const error = await service.listApiKeys({ environment: 'demo' }).catch((e: AppError) => e);
    expect(error).toMatchObject({ code: 'corrupt_record', detail: `Key ${signingId} (demo): no usable private key.` });
    expect((await service.getOverview({ environment: 'demo' })).signingKey).toBeNull();
    await service.importKey({ environment: 'demo', keyId: signingId, pem: signingPem });
    const list = await service.listApiKeys({ environment: 'demo' });
    expect(list.keys).toMatchObject([{ keyId: signingId, held: true, signing: true }]);
    expect(list.recovery).toBeUndefined();
  });

  it('a damaged pending record is reported, not acted on; the rest goes on', async () => {
    await damage('pending', {
      id: 'x',
      environment: 'demo',
      startedAt: 1,
      operation: 'create',
      name: 'n',
      algorithm: 'RSA-PSS',
      knownKeyIds: 'nope',
      scopes: [],
    });
    const list = await service.listApiKeys({ environment: 'demo' });
    expect(list.keys).toHaveLength(1);
    expect(list.recovery?.unreadable).toEqual([
      expect.objectContaining({ code: 'corrupt_record', detail: 'Unfinished operation x (demo): unreadable key list.' }),
    ]);
  });
});
