import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../lib/key-formats/crypto-keys';
import { openKeyStore, type KeyStore, type StoredKey } from '../../lib/key-store';
import { signRequest } from '../../lib/kalshi/signer';

let store: KeyStore;
let dbName: string;
let counter = 0;

beforeEach(async () => {
  dbName = `test-${++counter}`;
  store = await openKeyStore(dbName);
});
afterEach(() => store.close());

async function makeKey(keyId: string, environment: StoredKey['environment'] = 'demo', createdAt = counter): Promise<StoredKey> {
  const { privateKey } = await generateKeyPair('Ed25519');
  return { environment, keyId, name: keyId, algorithm: 'Ed25519', privateKey, createdAt, scopes: ['read', 'write'] };
}

describe('key store', () => {
  it('keeps CryptoKeys non-extractable across a reopen, and they still sign', async () => {
    await store.saveKey(await makeKey('a'));
    store.close();
    store = await openKeyStore(dbName);
    const key = await store.getKey('demo', 'a');
    expect(key?.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('pkcs8', key!.privateKey)).rejects.toThrow();
    const headers = await signRequest(key!, 'GET', '/trade-api/v2/api_keys');
    expect(headers['KALSHI-ACCESS-SIGNATURE']).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });

  it('the first key of an environment becomes its signing key; environments stay apart', async () => {
    await store.saveKey(await makeKey('d1', 'demo', 1));
    await store.saveKey(await makeKey('d2', 'demo', 2));
    await store.saveKey(await makeKey('p1', 'production', 3));
    expect((await store.getSigningKey('demo'))?.keyId).toBe('d1');
    expect((await store.getSigningKey('production'))?.keyId).toBe('p1');
    expect((await store.listKeys('demo')).map((k) => k.keyId)).toEqual(['d1', 'd2']);
    await store.saveKey(await makeKey('d3', 'demo', 4), { makeSigning: true });
    expect((await store.getSigningKey('demo'))?.keyId).toBe('d3');
  });

  it('removing the signing key hands signing to the oldest remaining key, or to none', async () => {
    await store.saveKey(await makeKey('d1', 'demo', 1));
    await store.saveKey(await makeKey('d2', 'demo', 2));
    await store.removeKey('demo', 'd1');
    expect((await store.getSigningKey('demo'))?.keyId).toBe('d2');
    await store.removeKey('demo', 'd2');
    expect(await store.getSigningKey('demo')).toBeUndefined();
    expect(await store.listKeys('demo')).toEqual([]);
  });

  it('remembers the active environment (production by default)', async () => {
    expect(await store.getActiveEnvironment()).toBe('production');
    await store.setActiveEnvironment('demo');
    store.close();
    store = await openKeyStore(dbName);
    expect(await store.getActiveEnvironment()).toBe('demo');
  });
});
