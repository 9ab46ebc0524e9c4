/**
 * The sandbox driven by a client nobody here wrote: Kalshi's official TypeScript SDK
 * (`kalshi-typescript`), signing with its own code, against the exchange at 127.0.0.1 under
 * Kalshi's demo host name. Every answer is checked against the documented shape
 * (shared/kalshi-api-keys.md and the SDK's dist/models/*.d.ts).
 */
import { generateKeyPairSync } from 'node:crypto';
import { Agent, type RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import axios, { AxiosError, type AxiosInstance } from 'axios';
import {
  AccountApi,
  ApiKeysApi,
  CommunicationsApi,
  Configuration,
  ExchangeInstance,
  PortfolioApi,
  type GenerateApiKeyRequest,
} from 'kalshi-typescript';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callExchange, freshSpki, HOSTS, type Credentials } from '../../exchange/client';
import { startExchange, TIERS, type Exchange } from '../../exchange/server';

const BASE_PATH = `https://${HOSTS.demoPreferred}/trade-api/v2`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let ex: Exchange;
let agent: SandboxAgent;

/**
 * As Chromium's --host-resolver-rules: the URL, Host header and TLS server name stay Kalshi's;
 * only the TCP connection goes to the sandbox's port on 127.0.0.1.
 */
class SandboxAgent extends Agent {
  constructor(private readonly target: Pick<Exchange, 'port' | 'ca'>) {
    super({ ca: target.ca });
  }
  override createConnection(options: RequestOptions, callback?: (err: Error | null, stream: Duplex) => void) {
    return super.createConnection({ ...options, host: '127.0.0.1', port: this.target.port }, callback);
  }
}

beforeAll(async () => {
  ex = await startExchange({ port: 0 });
  agent = new SandboxAgent(ex);
});
afterAll(async () => {
  agent?.destroy();
  await ex?.close();
});
beforeEach(() => ex.reset());

/**
 * The SDK's API objects for one key. Each gets its own axios instance: the SDK adds its signing
 * interceptor to the instance it is given, by default axios' global one, shared by every key.
 */
function sdk(key: Credentials) {
  const configuration = new Configuration({ apiKey: key.keyId, privateKeyPem: key.privateKeyPem, basePath: BASE_PATH });
  const http = (): AxiosInstance => axios.create({ httpsAgent: agent, proxy: false });
  return {
    keys: new ApiKeysApi(configuration, undefined, http()),
    account: new AccountApi(configuration, undefined, http()),
    portfolio: new PortfolioApi(configuration, undefined, http()),
    communications: new CommunicationsApi(configuration, undefined, http()),
  };
}

/** The HTTP status of a refused SDK call. */
async function refusal(promise: Promise<unknown>): Promise<{ status: number; data: unknown }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AxiosError);
  const response = (error as AxiosError).response;
  return { status: response?.status ?? 0, data: response?.data };
}

const nullableNumber = (v: unknown) => v === null || Number.isInteger(v);
const nullableString = (v: unknown) => v === null || typeof v === 'string';

/** ApiKey (models/api-key.d.ts): exactly these fields. */
function expectApiKey(k: Record<string, unknown>) {
  expect(Object.keys(k).sort()).toEqual(['api_key_id', 'fcm_subtrader_id', 'name', 'scopes', 'subaccount']);
  expect(k.api_key_id).toMatch(UUID);
  expect(typeof k.name).toBe('string');
  expect(Array.isArray(k.scopes) && k.scopes.every((s) => typeof s === 'string')).toBe(true);
  expect(nullableNumber(k.subaccount)).toBe(true);
  expect(nullableString(k.fcm_subtrader_id)).toBe(true);
}

describe('kalshi-typescript SDK against the sandbox', () => {
  it('lists keys: GetApiKeysResponse, signed by the SDK, under the demo host name', async () => {
    const owner = ex.seedAccount('demo', { name: 'owner' });
    const { status, data } = await sdk(owner).keys.getApiKeys();
    expect(status).toBe(200);
    expect(Object.keys(data)).toEqual(['api_keys']); // no region expiration on record: the field is absent
    expect(data.api_keys).toHaveLength(1);
    expectApiKey(data.api_keys[0] as unknown as Record<string, unknown>);
    expect(data.api_keys[0]).toMatchObject({ api_key_id: owner.keyId, name: 'owner', scopes: ['read', 'write'] });
    expect(ex.requests.at(-1)).toMatchObject({ path: '/trade-api/v2/api_keys', host: HOSTS.demoPreferred, env: 'demo', status: 200 });

    ex.setRegionExpiration('demo', 1_795_000_000);
    expect((await sdk(owner).keys.getApiKeys()).data.api_key_region_expiration_ts).toBe(1_795_000_000);
  });

  it('reads the account limits: GetAccountApiLimitsResponse with BucketLimit and ApiUsageLevelGrant', async () => {
    const owner = ex.seedAccount('demo', { usageTier: 'premier' });
    const { data } = await sdk(owner).account.getAccountApiLimits();
    expect(Object.keys(data).sort()).toEqual(['grants', 'read', 'usage_tier', 'write']);
    expect(TIERS).toContain(data.usage_tier);
    for (const bucket of [data.read, data.write]) {
      expect(Object.keys(bucket).sort()).toEqual(['bucket_capacity', 'refill_rate']);
      expect(Number.isInteger(bucket.refill_rate) && Number.isInteger(bucket.bucket_capacity)).toBe(true);
    }
    expect(data.read.refill_rate).toBe(1200);
    expect(data.grants.length).toBeGreaterThan(0);
    for (const g of data.grants) {
      expect(Object.values(ExchangeInstance)).toContain(g.exchange_instance);
      expect(TIERS).toContain(g.level);
      expect(['volume', 'manual']).toContain(g.source);
      expect(g.expires_ts === undefined || nullableNumber(g.expires_ts)).toBe(true);
    }
  });

  it('reads the volume progress and the communications id', async () => {
    const owner = ex.seedAccount('demo');
    const s = sdk(owner);
    const progress = (await s.account.getAccountApiUsageLevelVolumeProgress()).data.volume_progress;
    for (const p of progress) {
      expect(Number.isInteger(p.computed_ts) && typeof p.trailing_30d_volume_fp === 'string').toBe(true);
      for (const g of p.goals) expect(Object.keys(g).sort()).toEqual(['earn_volume_goal_fp', 'keep_volume_goal_fp', 'level']);
    }
    const { data } = await s.communications.getCommunicationsID();
    expect(Object.keys(data)).toEqual(['communications_id']);
    expect(typeof data.communications_id).toBe('string');
  });

  it('reads the balance: GetBalanceResponse; a subaccount key with and without ?subaccount', async () => {
    const owner = ex.seedAccount('demo');
    ex.setBalance('demo', 123_456, { portfolioValueCents: 500 });
    const { data } = await sdk(owner).portfolio.getBalance();
    expect(data).toEqual({ balance: 123_456, balance_dollars: '1234.56', portfolio_value: 500, updated_ts: expect.any(Number) });

    // The SDK signs the path without the query string, as the doc says: ?subaccount=2 is accepted.
    const sub2 = ex.seedAccount('demo', { subaccount: 2 });
    ex.setBalance('demo', 700, { subaccount: 2 });
    expect((await sdk(sub2).portfolio.getBalance(2)).data).toMatchObject({ balance: 700, balance_dollars: '7.00' });
    expect(ex.requests.at(-1)).toMatchObject({ path: '/trade-api/v2/portfolio/balance', query: 'subaccount=2', status: 200 });
    // Without the query it acts for its own subaccount (Kalshi's newest docs).
    expect((await sdk(sub2).portfolio.getBalance()).data).toMatchObject({ balance: 700 });
  });

  it.each(['rsa', 'ed25519'] as const)('creates a key from a %s public key made here (Premier)', async (type) => {
    const owner = ex.seedAccount('demo', { usageTier: 'premier' });
    const pair = freshSpki(type);
    const { status, data } = await sdk(owner).keys.createApiKey({
      name: `laptop-${type}`,
      public_key: pair.publicKeyPem,
      scopes: ['read'],
    });
    expect(status).toBe(201);
    expect(data).toEqual({ api_key_id: expect.stringMatching(UUID), warning: null });
    expect(ex.keys('demo').find((k) => k.api_key_id === data.api_key_id)).toMatchObject({ key_type: type, scopes: ['read'] });
    await expectKeyWorks({ keyId: data.api_key_id, privateKeyPem: pair.privateKeyPem }, type);
  });

  it('gets the upload refusal below Premier as a 403 whose body names no tier', async () => {
    const owner = ex.seedAccount('demo', { usageTier: 'basic' });
    const public_key = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const { status, data } = await refusal(sdk(owner).keys.createApiKey({ name: 'x', public_key }));
    expect(status).toBe(403);
    expect(JSON.stringify(data)).not.toMatch(/"code":"[^"]*(tier|usage)/i);
  });

  it.each(['rsa', 'ed25519'] as const)('generates a %s key on the server: GenerateApiKeyResponse', async (keyType) => {
    const owner = ex.seedAccount('demo');
    // key_type is newer than SDK 3.30's GenerateApiKeyRequest: sent as an extra field.
    const request = (keyType === 'rsa' ? { name: 'gen' } : { name: 'gen', key_type: keyType }) as GenerateApiKeyRequest;
    const { status, data } = await sdk(owner).keys.generateApiKey(request);
    expect(status).toBe(201);
    expect(Object.keys(data).sort()).toEqual(['api_key_id', 'key_type', 'private_key', 'warning']);
    expect(data).toMatchObject({ api_key_id: expect.stringMatching(UUID), warning: null, key_type: keyType });
    expect(data.private_key).toMatch(keyType === 'rsa' ? /^-----BEGIN RSA PRIVATE KEY-----\n/ : /^-----BEGIN PRIVATE KEY-----\n/);
    await expectKeyWorks({ keyId: data.api_key_id, privateKeyPem: data.private_key }, keyType);
  });

  it('deletes a key: 204 with an empty body, gone from the list, 404 the second time', async () => {
    const owner = ex.seedAccount('demo');
    const victim = ex.seedAccount('demo');
    const s = sdk(owner);
    const { status, data } = await s.keys.deleteApiKey(victim.keyId);
    expect(status).toBe(204);
    expect([undefined, '']).toContain(data as unknown);
    expect((await s.keys.getApiKeys()).data.api_keys.map((k) => k.api_key_id)).toEqual([owner.keyId]);
    expect((await refusal(s.keys.deleteApiKey(victim.keyId))).status).toBe(404);
  });
});

/**
 * Proves a fresh key with a signed GET /api_keys. The SDK signs RSA only (createSign('RSA-SHA256')
 * with PSS): an Ed25519 key fails inside the SDK before any request, so this side signs it.
 */
async function expectKeyWorks(key: Credentials, type: 'rsa' | 'ed25519') {
  if (type === 'rsa') {
    expect((await sdk(key).keys.getApiKeys()).status).toBe(200);
    return;
  }
  const before = ex.requests.length;
  await expect(sdk(key).keys.getApiKeys()).rejects.toThrow(/Unsupported crypto operation/);
  expect(ex.requests).toHaveLength(before); // nothing was sent
  expect((await callExchange(ex, '/api_keys', { key, host: HOSTS.demoPreferred })).status).toBe(200);
}
