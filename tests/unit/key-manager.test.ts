import 'fake-indexeddb/auto';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startExchange, type Exchange, type Tier } from '../../exchange/server';
import { AppError, type ErrorCode } from '../../lib/shared/errors';
import { createKeyService } from '../../lib/key-manager/service';
import { openKeyStore, type KeyStore } from '../../lib/key-store';
import type { NewKeyOptions } from '../../lib/key-manager/minting';
import type { Handlers } from '../../lib/messages/protocol';
import { exchangeFetch } from '../helpers/exchange-fetch';

let exchange: Exchange;
let store: KeyStore;
let service: Handlers;
let db = 0;
let clock = 1_800_000_000_000;

beforeAll(async () => {
  exchange = await startExchange({ port: 0 });
});
afterAll(() => exchange.close());
beforeEach(async () => {
  exchange.reset();
  store = await openKeyStore(`manager-${++db}`);
  // The exchange checks timestamps against the real clock; ours only stamps records.
  service = createKeyService({ store, fetch: exchangeFetch(exchange), timeoutMs: 2_000, sleep: async () => {} });
});
afterEach(() => store.close());

const errorCode = (p: Promise<unknown>) =>
  p.then(
    () => 'no error',
    (e: unknown) => (e instanceof AppError ? e.code : 'not an AppError'),
  );
const spki = (pem: string) => createPublicKey(pem).export({ type: 'spki', format: 'pem' });

async function signedIn(usageTier: Tier = 'premier', scopes = ['read', 'write']) {
  const seeded = exchange.seedAccount('demo', { name: 'main', usageTier, scopes });
  await service.importKey({ environment: 'demo', keyId: seeded.keyId, pem: seeded.privateKeyPem });
  return seeded;
}

const options = (o: Partial<NewKeyOptions> = {}): { environment: 'demo' } & NewKeyOptions => ({
  environment: 'demo',
  name: 'k',
  algorithm: 'RSA-PSS',
  scopes: ['read', 'write'],
  source: 'local',
  destination: 'browser',
  privateKeyFormat: 'pkcs8',
  ...o,
});

describe('minting', () => {
  it('Generate on Kalshi, kept here: adopted as a non-extractable key that signs; no secret returned', async () => {
    await signedIn('basic');
    const created = await service.createApiKey(options({ source: 'kalshi', name: 'gen' }));
    expect(created).toMatchObject({ name: 'gen', held: true, secret: null });
    const stored = await store.getKey('demo', created.keyId);
    expect(stored?.privateKey.extractable).toBe(false);
    expect((await service.testKey({ environment: 'demo', keyId: created.keyId })).balanceCents).toBe(100_000);
    expect(exchange.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual(['/trade-api/v2/api_keys/generate']);
  });

  it.each([
    ['a local RSA pair as PKCS#8', { source: 'local', privateKeyFormat: 'pkcs8' }, '-----BEGIN PRIVATE KEY-----'],
    ['a local RSA pair as PKCS#1', { source: 'local', privateKeyFormat: 'pkcs1' }, '-----BEGIN RSA PRIVATE KEY-----'],
    ['a local Ed25519 pair', { source: 'local', algorithm: 'Ed25519' }, '-----BEGIN PRIVATE KEY-----'],
    ['a Kalshi RSA key', { source: 'kalshi' }, '-----BEGIN RSA PRIVATE KEY-----'],
    ['a Kalshi Ed25519 key', { source: 'kalshi', algorithm: 'Ed25519' }, '-----BEGIN PRIVATE KEY-----'],
  ] as Array<[string, Partial<NewKeyOptions>, string]>)(
    'for a bot, %s: handed over once, matching the key Kalshi holds; nothing kept here',
    async (_, o, header) => {
      await signedIn();
      const created = await service.createApiKey(options({ destination: 'download', name: 'bot', ...o }));
      expect(created.held).toBe(false);
      expect(created.secret?.pem.startsWith(header)).toBe(true);
      expect(created.secret?.fileName).toBe(`kalshi-demo-bot-${created.keyId.slice(0, 8)}.key`);
      const onExchange = exchange.keys('demo').find((k) => k.api_key_id === created.keyId)!;
      expect(spki(onExchange.public_key)).toBe(
        spki(createPublicKey(createPrivateKey(created.secret!.pem)).export({ type: 'spki', format: 'pem' }) as string),
      );
      expect(await store.getKey('demo', created.keyId)).toBeUndefined();
      expect(onExchange.key_type).toBe(o.algorithm === 'Ed25519' ? 'ed25519' : 'rsa');
    },
  );

  it('sends scopes and subaccount as chosen', async () => {
    await signedIn();
    const created = await service.createApiKey(options({ scopes: ['read', 'write::trade'], subaccount: 7 }));
    expect(exchange.keys('demo').find((k) => k.api_key_id === created.keyId)).toMatchObject({
      scopes: ['read', 'write::trade'],
      subaccount: 7,
    });
  });

  it('a signing key without write cannot manage keys: said before any request', async () => {
    await signedIn('premier', ['read']);
    const before = exchange.requests.length;
    expect(await errorCode(service.createApiKey(options()))).toBe('signing_key_cannot_manage');
    expect(exchange.requests.length).toBe(before);
  });
});

describe('account', () => {
  it.each([
    ['basic', 'kalshi'],
    ['premier', 'local'],
  ] as const)('tier %s makes new pairs %s', async (tier, keySource) => {
    await signedIn(tier);
    expect(await service.getAccount({ environment: 'demo' })).toEqual({ tier, keySource, uploadRefused: false });
  });

  it('unreadable limits leave the tier unknown and try locally', async () => {
    await signedIn();
    exchange.failNext({ method: 'GET', path: '/trade-api/v2/account/limits' }, { status: 500, times: 3 });
    expect(await service.getAccount({ environment: 'demo' })).toEqual({ tier: null, keySource: 'local', uploadRefused: false });
  });
});

describe('rotateKey', () => {
  it('replaces the signing key with one of the same scopes and subaccount, then deletes the old one', async () => {
    const seeded = await signedIn();
    const report = await service.rotateKey({ environment: 'demo', keyId: seeded.keyId });
    expect(report).toMatchObject({ completed: true, oldKeyState: 'deleted', newKeyState: 'signing' });
    const keys = exchange.keys('demo');
    expect(keys.map((k) => k.api_key_id)).toEqual([report.newKeyId]);
    expect((await store.getSigningKey('demo'))?.keyId).toBe(report.newKeyId);
    expect(await store.getKey('demo', seeded.keyId)).toBeUndefined();
  });

  it('at a tier that may not upload, the replacement is generated by Kalshi and adopted unseen', async () => {
    const seeded = await signedIn('basic');
    const report = await service.rotateKey({ environment: 'demo', keyId: seeded.keyId });
    expect(report.completed).toBe(true);
    expect(exchange.requests.some((r) => r.path === '/trade-api/v2/api_keys/generate' && r.status === 201)).toBe(true);
    expect(exchange.requests.some((r) => r.path === '/trade-api/v2/api_keys' && r.method === 'POST')).toBe(false);
  });

  it('a failed delete leaves the new key signing and the old key alive, and says so', async () => {
    const seeded = await signedIn();
    exchange.failNext({ method: 'DELETE', path: `/trade-api/v2/api_keys/${seeded.keyId}` }, { status: 500, times: 3 });
    const report = await service.rotateKey({ environment: 'demo', keyId: seeded.keyId });
    expect(report).toMatchObject({ completed: false, failedStep: 'delete_old', oldKeyState: 'active', newKeyState: 'signing' });
    expect(exchange.keys('demo')).toHaveLength(2);
    expect((await store.getSigningKey('demo'))?.keyId).toBe(report.newKeyId);
  });

  it('only keys held here can be rotated', async () => {
    await signedIn();
    const other = exchange.seedAccount('demo');
    expect(await errorCode(service.rotateKey({ environment: 'demo', keyId: other.keyId }))).toBe('not_held');
  });
});

describe('listApiKeys', () => {
  it('gives held keys their type, listed or not; keys not held here get none (Kalshi’s list does not say)', async () => {
    const seeded = await signedIn(); // an imported RSA key
    const ed = await service.createApiKey(options({ name: 'ed', algorithm: 'Ed25519' }));
    const gone = await service.createApiKey(options({ name: 'gone', algorithm: 'Ed25519' }));
    const bot = await service.createApiKey(options({ name: 'bot', destination: 'download' }));
    exchange.deleteKeyOutOfBand('demo', gone.keyId); // held but no longer listed: the unlisted item
    const { keys } = await service.listApiKeys({ environment: 'demo' });
    const typeOf = (keyId: string) => keys.find((k) => k.keyId === keyId)?.algorithm;
    expect([typeOf(seeded.keyId), typeOf(ed.keyId), typeOf(gone.keyId), typeOf(bot.keyId)]).toEqual([
      'RSA-PSS',
      'Ed25519',
      'Ed25519',
      undefined,
    ]);
    expect(keys.find((k) => k.keyId === gone.keyId)).toMatchObject({ held: true, deletedOnKalshi: true });
  });
});

describe('testKey, setSigningKey, forgetKey', () => {
  it('testKey records when the key was last verified', async () => {
    service = createKeyService({ store, fetch: exchangeFetch(exchange), now: () => clock });
    const seeded = exchange.seedAccount('demo', { usageTier: 'premier' });
    clock = Date.now();
    await service.importKey({ environment: 'demo', keyId: seeded.keyId, pem: seeded.privateKeyPem });
    clock += 1_000;
    const result = await service.testKey({ environment: 'demo', keyId: seeded.keyId });
    expect(result).toEqual({ balanceCents: 100_000, verifiedAt: clock });
    expect((await service.listApiKeys({ environment: 'demo' })).keys[0]?.lastVerifiedAt).toBe(clock);
  });

  it('switches signing only to a held key; forgetting the last one needs consent', async () => {
    const seeded = await signedIn();
    const other = exchange.seedAccount('demo');
    const codes: ErrorCode[] = [];
    for (const p of [
      service.setSigningKey({ environment: 'demo', keyId: other.keyId }),
      service.forgetKey({ environment: 'demo', keyId: seeded.keyId, confirmLockout: false }),
    ])
      codes.push((await errorCode(p)) as ErrorCode);
    expect(codes).toEqual(['not_held', 'lockout_unconfirmed']);
    const overview = await service.forgetKey({ environment: 'demo', keyId: seeded.keyId, confirmLockout: true });
    expect(overview).toMatchObject({ signingKey: null, heldKeys: [] });
    expect(exchange.keys('demo').map((k) => k.api_key_id)).toContain(seeded.keyId);
  });
});

describe('401 in words', () => {
  it('a production key used on demo is named as such when listing', async () => {
    const prod = exchange.seedAccount('production');
    await service.importKey({ environment: 'production', keyId: prod.keyId, pem: prod.privateKeyPem });
    // Pretend the stored key is demo's: copy the record under the demo environment.
    const key = (await store.getKey('production', prod.keyId))!;
    await store.saveKey({ ...key, environment: 'demo' });
    expect(await errorCode(service.listApiKeys({ environment: 'demo' }))).toBe('wrong_environment');
  });
});
