import 'fake-indexeddb/auto';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startExchange, type Exchange } from '../../exchange/server';
import { AppError, type ErrorCode } from '../../lib/shared/errors';
import { createKalshiClient } from '../../lib/kalshi/client';
import { createKeyService, type Handlers } from '../../lib/key-manager/service';
import { openKeyStore, type KeyStore } from '../../lib/key-store';
import type { NewKeyOptions } from '../../lib/key-manager/minting';
import { exchangeFetch } from '../helpers/exchange-fetch';

let exchange: Exchange;
let store: KeyStore;
let service: Handlers;
let db = 0;

beforeAll(async () => {
  exchange = await startExchange({ port: 0 });
});
afterAll(() => exchange.close());
beforeEach(async () => {
  exchange.reset();
  store = await openKeyStore(`service-${++db}`);
  service = createKeyService({ store, fetch: exchangeFetch(exchange), timeoutMs: 2_000, sleep: async () => {} });
});
afterEach(() => store.close());

async function expectCode(promise: Promise<unknown>, code: ErrorCode) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  return error as AppError;
}

/** A full-access RSA key made here and kept here, unless overridden. */
function newKey(name: string, overrides: Partial<NewKeyOptions> = {}) {
  return {
    environment: 'demo' as const,
    name,
    algorithm: 'RSA-PSS' as const,
    scopes: ['read', 'write'],
    source: 'local' as const,
    destination: 'browser' as const,
    privateKeyFormat: 'pkcs8' as const,
    ...overrides,
  };
}

async function importSeeded(env: 'demo' | 'production' = 'demo', opts: Parameters<Exchange['seedAccount']>[1] = {}) {
  const seeded = exchange.seedAccount(env, { name: 'sandbox', ...opts });
  await service.importKey({ environment: env, keyId: seeded.keyId, pem: seeded.privateKeyPem });
  return seeded;
}

describe('importKey', () => {
  it('imports a PKCS#1 RSA key after the exchange accepts a request signed with it', async () => {
    const seeded = exchange.seedAccount('demo', { name: 'desk' });
    const summary = await service.importKey({ environment: 'demo', keyId: seeded.keyId, pem: seeded.privateKeyPem });
    expect(summary).toMatchObject({ keyId: seeded.keyId, name: 'desk', algorithm: 'RSA-PSS', scopes: ['read', 'write'] });
    // The list proves the key; the communications id names its account.
    expect(exchange.requests).toHaveLength(2);
    expect(exchange.requests).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ method: 'GET', path: '/trade-api/v2/communications/id', keyId: seeded.keyId, status: 200, env: 'demo' }),
        expect.objectContaining({ method: 'GET', path: '/trade-api/v2/api_keys', keyId: seeded.keyId, status: 200, env: 'demo' }),
      ]),
    );
    expect(summary.account).toBe(exchange.communicationsId('demo'));
    const stored = await store.getSigningKey('demo');
    expect(stored?.privateKey.extractable).toBe(false);
    expect(await store.getActiveEnvironment()).toBe('demo');
  });

  it('imports an Ed25519 key on production', async () => {
    const seeded = exchange.seedAccount('production', { keyType: 'ed25519' });
    const summary = await service.importKey({ environment: 'production', keyId: seeded.keyId, pem: seeded.privateKeyPem });
    expect(summary.algorithm).toBe('Ed25519');
    expect((await store.getSigningKey('production'))?.keyId).toBe(seeded.keyId);
  });

  it('a key id that does not belong to the key: 401 in words, with what was signed; nothing stored', async () => {
    const mine = exchange.seedAccount('demo');
    const other = exchange.seedAccount('demo');
    const error = await expectCode(service.importKey({ environment: 'demo', keyId: other.keyId, pem: mine.privateKeyPem }), 'unauthorized');
    expect(error.detail).toMatch(new RegExp(`GET/trade-api/v2/api_keys” with key ${other.keyId} on external-api.demo.kalshi.co`));
    expect(await store.listKeys('demo')).toEqual([]);
  });

  it('a demo key imported as production says which environment it belongs to; nothing stored', async () => {
    const seeded = exchange.seedAccount('demo');
    const error = await expectCode(
      service.importKey({ environment: 'production', keyId: seeded.keyId, pem: seeded.privateKeyPem }),
      'wrong_environment',
    );
    expect(error.detail).toBe('This key works on Demo, not Production.');
    expect(await store.listKeys('production')).toEqual([]);
    expect(await store.listKeys('demo')).toEqual([]);
  });

  it.each([
    ['garbage', 'not a key at all', 'not_pem'],
    [
      'a public key',
      generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }),
      'public_key_given',
    ],
    [
      'an encrypted key',
      generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
        type: 'pkcs8',
        format: 'pem',
        cipher: 'aes-256-cbc',
        passphrase: 'pw',
      }),
      'passphrase_required',
    ],
    [
      'an EC P-256 key',
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
      'unsupported_key_type',
    ],
  ] as const)('%s is refused before any request and stores nothing', async (_, pem, code) => {
    const seeded = exchange.seedAccount('demo');
    await expectCode(service.importKey({ environment: 'demo', keyId: seeded.keyId, pem: String(pem) }), code);
    expect(exchange.requests).toEqual([]);
    expect(await store.listKeys('demo')).toEqual([]);
  });

  it('an exchange that does not answer in time, however often asked: timeout, nothing stored', async () => {
    const seeded = exchange.seedAccount('demo');
    exchange.failNext({ method: 'GET', path: '/trade-api/v2/api_keys' }, { delayMs: 1_000, times: 3 });
    service = createKeyService({ store, fetch: exchangeFetch(exchange), timeoutMs: 300, sleep: async () => {} });
    await expectCode(service.importKey({ environment: 'demo', keyId: seeded.keyId, pem: seeded.privateKeyPem }), 'timeout');
    expect(await store.listKeys('demo')).toEqual([]);
  });

  it('an unreachable exchange: unreachable, nothing stored', async () => {
    const seeded = exchange.seedAccount('demo');
    const offline = createKeyService({ store, fetch: exchangeFetch({ port: 1, ca: exchange.ca }), timeoutMs: 2_000 });
    await expectCode(offline.importKey({ environment: 'demo', keyId: seeded.keyId, pem: seeded.privateKeyPem }), 'unreachable');
    expect(await store.listKeys('demo')).toEqual([]);
  });
});

describe('listApiKeys', () => {
  it('marks the signing key and keys held here; without a key it says how to get one', async () => {
    await expectCode(service.listApiKeys({ environment: 'demo' }), 'no_signing_key');
    const seeded = await importSeeded('demo', { usageTier: 'premier' });
    const created = await service.createApiKey(newKey('bot'));
    exchange.seedAccount('demo', { name: 'elsewhere' });
    const { keys } = await service.listApiKeys({ environment: 'demo' });
    expect(keys.map((k) => [k.name, k.held, k.signing])).toEqual([
      ['sandbox', true, true],
      ['bot', true, false],
      ['elsewhere', false, false],
    ]);
    expect(keys[0]?.keyId).toBe(seeded.keyId);
    expect(keys[1]?.keyId).toBe(created.keyId);
  });

  it('a 500 from the exchange that outlasts the retries is an exchange_error', async () => {
    await importSeeded();
    exchange.failNext({ method: 'GET', path: '/trade-api/v2/api_keys' }, { status: 500, times: 3 });
    await expectCode(service.listApiKeys({ environment: 'demo' }), 'exchange_error');
  });
});

describe('createApiKey', () => {
  it('uploads only a public key; the new private key is stored and signs requests the exchange accepts', async () => {
    await importSeeded('demo', { usageTier: 'premier' });
    const created = await service.createApiKey(newKey('laptop'));
    const record = exchange.keys('demo').find((k) => k.api_key_id === created.keyId);
    expect(record).toMatchObject({ name: 'laptop', scopes: ['read', 'write'] });
    const stored = await store.getKey('demo', created.keyId);
    expect(stored?.privateKey.extractable).toBe(false);
    const viaNewKey = createKalshiClient({ environment: 'demo', signingKey: stored, fetch: exchangeFetch(exchange) });
    expect((await viaNewKey.getPortfolioBalance()).balance).toBeGreaterThanOrEqual(0);
  });

  it('a tier that may not upload public keys gets usage_tier, and nothing is stored or created', async () => {
    await importSeeded('demo', { usageTier: 'basic' });
    await expectCode(service.createApiKey(newKey('laptop')), 'usage_tier');
    expect(exchange.keys('demo')).toHaveLength(1);
    expect(await store.listKeys('demo')).toHaveLength(1);
  });
});

describe('deleteApiKey', () => {
  it('deletes on the exchange and drops the local private key', async () => {
    await importSeeded('demo', { usageTier: 'premier' });
    const created = await service.createApiKey(newKey('old'));
    await service.deleteApiKey({ environment: 'demo', keyId: created.keyId, confirmLockout: false });
    expect(exchange.keys('demo').some((k) => k.api_key_id === created.keyId)).toBe(false);
    expect(await store.getKey('demo', created.keyId)).toBeUndefined();
  });

  it('a key the account listed, gone by the time DELETE arrives (404), counts as deleted', async () => {
    await importSeeded('demo', { usageTier: 'premier' });
    const created = await service.createApiKey(newKey('raced'));
    exchange.failNext({ method: 'DELETE', path: `/trade-api/v2/api_keys/${created.keyId}` }, { status: 404 });
    await expect(service.deleteApiKey({ environment: 'demo', keyId: created.keyId, confirmLockout: false })).resolves.toEqual({
      deletedKeyId: created.keyId,
    });
    expect(await store.getKey('demo', created.keyId)).toBeUndefined();
  });

  it('a key the account does not list is refused before any DELETE: a 404 would not say it is gone', async () => {
    await importSeeded();
    const stranger = '00000000-0000-4000-8000-000000000000';
    await expectCode(service.deleteApiKey({ environment: 'demo', keyId: stranger, confirmLockout: false }), 'key_not_listed');
    expect(exchange.requests.some((r) => r.method === 'DELETE')).toBe(false);
  });

  it('the only signing key is deleted only with confirmLockout; without it nothing is sent', async () => {
    const seeded = await importSeeded();
    const before = exchange.requests.length;
    await expectCode(service.deleteApiKey({ environment: 'demo', keyId: seeded.keyId, confirmLockout: false }), 'lockout_unconfirmed');
    expect(exchange.requests.length).toBe(before);
    expect(exchange.keys('demo')).toHaveLength(1);
    await service.deleteApiKey({ environment: 'demo', keyId: seeded.keyId, confirmLockout: true });
    expect(exchange.keys('demo')).toHaveLength(0);
    expect(await store.getSigningKey('demo')).toBeUndefined();
  });

  it('deleting the signing key while another is held switches signing to it', async () => {
    const seeded = await importSeeded('demo', { usageTier: 'premier' });
    const spare = await service.createApiKey(newKey('spare'));
    await service.deleteApiKey({ environment: 'demo', keyId: seeded.keyId, confirmLockout: false });
    expect((await store.getSigningKey('demo'))?.keyId).toBe(spare.keyId);
    expect((await service.listApiKeys({ environment: 'demo' })).keys.map((k) => k.keyId)).toEqual([spare.keyId]);
  });
});
