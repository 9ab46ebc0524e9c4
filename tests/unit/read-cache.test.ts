import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../lib/key-formats/crypto-keys';
import { openKeyStore, type KeyStore, type StoredKey } from '../../lib/key-store';
import { createReadCache } from '../../lib/key-store/read-cache';
import type { Environment } from '../../lib/shared/environments';

/** A promise and the functions that settle it. */
function later<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('the read cache', () => {
  it('reads once until a write, then reads again', async () => {
    const cache = createReadCache();
    let loads = 0;
    const read = () => cache.read('slot', async () => ++loads);
    expect([await read(), await read()]).toEqual([1, 1]);
    await cache.write(async () => undefined);
    expect(await read()).toBe(2);
  });

  it('keeps nothing read while a write ran, nor what was in flight when it began', async () => {
    const cache = createReadCache();
    let loads = 0;
    const read = () => cache.read('slot', async () => ++loads);
    const inFlight = later<number>();
    const before = cache.read('slot', () => inFlight.promise);
    const writing = later<void>();
    const write = cache.write(() => writing.promise);
    expect(await read()).toBe(1); // beside the write: it may see either side of it
    inFlight.resolve(0);
    expect(await before).toBe(0);
    writing.resolve();
    await write;
    expect(await read()).toBe(2); // neither the in-flight read nor the one during the write was kept
    expect(await read()).toBe(2);
  });

  it('keeps no failed read, and drops everything when told (a lost connection)', async () => {
    const cache = createReadCache();
    let loads = 0;
    await expect(cache.read('slot', () => Promise.reject(new Error('disk')))).rejects.toThrow('disk');
    expect(await cache.read('slot', async () => ++loads)).toBe(1);
    cache.clear();
    expect(await cache.read('slot', async () => ++loads)).toBe(2);
  });

  it('drops what was kept when a write fails too', async () => {
    const cache = createReadCache();
    let loads = 0;
    await cache.read('slot', async () => ++loads);
    await expect(cache.write(() => Promise.reject(new Error('full')))).rejects.toThrow('full');
    expect(await cache.read('slot', async () => ++loads)).toBe(2);
  });
});

describe('the key store through its cache', () => {
  let store: KeyStore;
  let name: string;
  let n = 0;
  const privateKeys: CryptoKey[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 3; i++) privateKeys.push((await generateKeyPair('Ed25519')).privateKey);
  });
  beforeEach(async () => {
    name = `read-cache-${++n}`;
    store = await openKeyStore(name);
  });
  afterEach(() => store.close());

  const key = (environment: Environment, keyId: string, i: number): StoredKey => ({
    environment,
    keyId,
    name: keyId,
    algorithm: 'Ed25519',
    privateKey: privateKeys[i % privateKeys.length]!,
    createdAt: i,
    scopes: ['read'],
  });

  /** What a store that has read nothing yet sees: the stored truth. */
  async function seen(s: KeyStore) {
    const per = async (env: Environment) => ({
      keys: (await s.listKeys(env)).map((k) => [k.keyId, k.lastVerifiedAt ?? null]),
      signing: (await s.getSigningKey(env))?.keyId ?? null,
      held: await s.hasKey(env, 'a'),
      one: (await s.getKey(env, 'b'))?.name ?? null,
    });
    return { active: await s.getActiveEnvironment(), demo: await per('demo'), production: await per('production') };
  }

  const environment = fc.constantFrom<Environment>('demo', 'production');
  const keyId = fc.constantFrom('a', 'b', 'c');
  const change = fc.oneof(
    fc.record({ op: fc.constant('save' as const), environment, keyId, signing: fc.boolean() }),
    fc.record({ op: fc.constant('remove' as const), environment, keyId }),
    fc.record({ op: fc.constant('sign' as const), environment, keyId }),
    fc.record({ op: fc.constant('verify' as const), environment, keyId }),
    fc.record({ op: fc.constant('activate' as const), environment }),
  );
  type Change = typeof change extends fc.Arbitrary<infer C> ? C : never;

  const apply = (s: KeyStore, c: Change, i: number): Promise<unknown> => {
    switch (c.op) {
      case 'save':
        return s.saveKey(key(c.environment, c.keyId, i), { makeSigning: c.signing });
      case 'remove':
        return s.removeKey(c.environment, c.keyId);
      case 'sign':
        return s.setSigningKey(c.environment, c.keyId).catch(() => undefined); // not held: refused, nothing changes
      case 'verify':
        return s.markVerified(c.environment, c.keyId, i);
      case 'activate':
        return s.setActiveEnvironment(c.environment);
    }
  };

  it('never answers from before a write: after any changes, with reads beside them, it sees what a fresh store sees', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(change, fc.boolean()), { maxLength: 12 }), async (steps) => {
        const db = `read-cache-prop-${++n}`;
        const cached = await openKeyStore(db);
        try {
          for (const [i, [c, besideIt]] of steps.entries()) {
            // A read begun beside the write (as the popup's asks run beside an import), or after it.
            const reading = besideIt ? seen(cached) : undefined;
            await apply(cached, c, i);
            await reading;
          }
          const truth = await openKeyStore(db);
          try {
            expect(await seen(cached)).toEqual(await seen(truth));
          } finally {
            truth.close();
          }
        } finally {
          cached.close();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('hands out copies: a caller changing a record changes nothing for the next', async () => {
    await store.saveKey(key('demo', 'a', 1));
    const first = (await store.listKeys('demo'))[0]!;
    first.name = 'changed';
    (await store.getSigningKey('demo'))!.name = 'changed too';
    expect((await store.getKey('demo', 'a'))?.name).toBe('a');
    expect((await store.listKeys('demo'))[0]?.name).toBe('a');
  });
});
