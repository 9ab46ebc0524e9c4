/**
 * The sandbox exchange, exercised over real HTTPS with requests signed here by node:crypto
 * (never by the extension's code), so the sandbox and the extension check each other.
 */
import { constants, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../exchange/cli';
import { startExchange, type Exchange } from '../../exchange/server';
import { ensureTls } from '../../exchange/tls';

const PREFIX = '/trade-api/v2';
const PROD = 'external-api.kalshi.com';
const PROD_ALT = 'api.elections.kalshi.com';
const DEMO = 'demo-api.kalshi.co';
const DEMO_PREFERRED = 'external-api.demo.kalshi.co';
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let ex: Exchange;
/** null = real time; a number freezes the exchange's clock (the `now` option). */
let clock: number | null = null;

beforeAll(async () => {
  ex = await startExchange({ now: () => clock ?? Date.now() });
});
afterAll(async () => {
  await ex?.close();
});
beforeEach(() => {
  ex.reset();
  clock = null;
});

interface Credentials {
  keyId: string;
  privateKeyPem: string;
}

/** Kalshi signing done independently: RSA-PSS SHA-256 salt 32, or plain Ed25519. */
function signText(privateKeyPem: string, text: string): string {
  const key = createPrivateKey(privateKeyPem); // PKCS#1 and PKCS#8 both parse
  const data = Buffer.from(text, 'utf8');
  if (key.asymmetricKeyType === 'ed25519') return sign(null, data, key).toString('base64');
  return sign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }).toString('base64');
}

interface CallOptions {
  method?: string;
  /** Host header (and TLS server name). Default: the demo host. */
  host?: string;
  key?: Credentials;
  body?: unknown;
  /** Override the timestamp header (default: Date.now() in ms, or the frozen clock). */
  timestamp?: string;
  /** Override what gets signed as the path (default: the path without its query). */
  signedPath?: string;
  /** Override the signature entirely. */
  signature?: string;
  /** Drop these signing headers. */
  omit?: string[];
  timeoutMs?: number;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

/** One HTTPS request to the sandbox; `path` is relative to /trade-api/v2 and may carry a query. */
function call(path: string, o: CallOptions = {}): Promise<Answer> {
  const method = o.method ?? 'GET';
  const fullPath = PREFIX + path;
  const headers: Record<string, string> = { host: o.host ?? DEMO };
  if (o.key) {
    const ts = o.timestamp ?? String(clock ?? Date.now());
    const signed = o.signedPath ?? fullPath.split('?')[0]!;
    headers['KALSHI-ACCESS-KEY'] = o.key.keyId;
    headers['KALSHI-ACCESS-TIMESTAMP'] = ts;
    headers['KALSHI-ACCESS-SIGNATURE'] = o.signature ?? signText(o.key.privateKeyPem, ts + method + signed);
    for (const h of o.omit ?? []) delete headers[h];
  }
  let payload: string | undefined;
  if (o.body !== undefined) {
    payload = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    headers['content-type'] = 'application/json';
  }
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: ex.port,
        method,
        path: fullPath,
        headers,
        ca: ex.ca, // trust the sandbox certificate; its SANs are verified against the Host
        agent: false,
        ...(o.timeoutMs ? { timeout: o.timeoutMs } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject); // an answer cut off in the middle
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = undefined;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

function expectAuthError(a: Answer, details: string) {
  expect(a.status).toBe(401);
  expect(a.headers['content-type']).toMatch(/^application\/json/);
  expect(a.json).toEqual({ error: { code: 'authentication_error', message: 'authentication error', details } });
}

function expectInvalid(a: Answer) {
  expect(a.status).toBe(400);
  expect(a.json?.error?.code).toBe('invalid_parameters');
  expect(typeof a.json?.error?.message).toBe('string');
  expect(typeof a.json?.error?.details).toBe('string');
}

function freshSpki(type: 'rsa' | 'ed25519' = 'rsa', bits = 2048) {
  const pair = type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: bits }) : generateKeyPairSync('ed25519');
  return {
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

describe('public endpoints and routing', () => {
  it('answers GET /exchange/status without a signature, on every host', async () => {
    for (const host of [PROD, PROD_ALT, DEMO, DEMO_PREFERRED, `127.0.0.1:${ex.port}`]) {
      const a = await call('/exchange/status', { host });
      expect(a.status).toBe(200);
      expect(a.json).toEqual({ exchange_active: true, trading_active: true });
      expect(a.headers.date).toBeTruthy();
    }
  });

  it('answers unknown routes with a Kalshi-shaped 404', async () => {
    const key = ex.seedAccount('demo');
    for (const [path, method] of [
      ['/nope', 'GET'],
      ['/api_keys', 'PUT'],
      ['/api_keys/generate', 'GET'],
    ] as const) {
      const a = await call(path, { method, key });
      expect(a.status).toBe(404);
      expect(a.json?.error?.code).toBe('not_found');
    }
    // Outside /trade-api/v2 altogether.
    const outside = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port: ex.port, path: '/api_keys', ca: ex.ca, headers: { host: DEMO }, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(outside).toBe(404);
  });

  it('answers OPTIONS with 204', async () => {
    const a = await call('/api_keys', { method: 'OPTIONS' });
    expect(a.status).toBe(204);
    expect(a.text).toBe('');
  });
});

describe('request signing', () => {
  it('accepts a seeded RSA key (PKCS#1 PEM) and lists it', async () => {
    const key = ex.seedAccount('demo', { name: 'my bot' });
    expect(key.privateKeyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    const a = await call('/api_keys', { key });
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toMatch(/^application\/json/);
    expect(a.headers.date).toBeTruthy();
    expect(a.json).toEqual({
      api_keys: [{ api_key_id: key.keyId, name: 'my bot', scopes: ['read', 'write'], subaccount: null, fcm_subtrader_id: null }],
      api_key_region_expiration_ts: null,
    });
    expect(key.keyId).toMatch(UUID_V4);
  });

  it('accepts a seeded Ed25519 key (PKCS#8 PEM)', async () => {
    const key = ex.seedAccount('demo', { keyType: 'ed25519' });
    expect(key.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(createPrivateKey(key.privateKeyPem).asymmetricKeyType).toBe('ed25519');
    const a = await call('/api_keys', { key });
    expect(a.status).toBe(200);
    expect(a.json.api_keys.map((k: { api_key_id: string }) => k.api_key_id)).toEqual([key.keyId]);
    expect(ex.keys('demo')[0]?.key_type).toBe('ed25519');
  });

  it('signs the path without the query string: signing the query fails', async () => {
    const key = ex.seedAccount('demo');
    expect((await call('/api_keys?fcm_subtrader_id=x', { key })).status).toBe(200);
    const a = await call('/api_keys?fcm_subtrader_id=x', { key, signedPath: `${PREFIX}/api_keys?fcm_subtrader_id=x` });
    expectAuthError(a, 'BAD_SIGNATURE');
  });

  it('rejects a timestamp in seconds', async () => {
    const key = ex.seedAccount('demo');
    expectAuthError(await call('/api_keys', { key, timestamp: String(Math.floor(Date.now() / 1000)) }), 'STALE_TIMESTAMP');
  });

  it('rejects a non-numeric timestamp', async () => {
    const key = ex.seedAccount('demo');
    expectAuthError(await call('/api_keys', { key, timestamp: new Date().toISOString() }), 'INVALID_TIMESTAMP');
    expectAuthError(await call('/api_keys', { key, timestamp: '-5' }), 'INVALID_TIMESTAMP');
  });

  it('rejects timestamps more than 30 s from the exchange clock, either way', async () => {
    const key = ex.seedAccount('demo');
    clock = 1_800_000_000_000;
    expect((await call('/api_keys', { key, timestamp: String(clock - 29_000) })).status).toBe(200);
    expect((await call('/api_keys', { key, timestamp: String(clock + 29_000) })).status).toBe(200);
    expectAuthError(await call('/api_keys', { key, timestamp: String(clock - 31_000) }), 'STALE_TIMESTAMP');
    expectAuthError(await call('/api_keys', { key, timestamp: String(clock + 31_000) }), 'STALE_TIMESTAMP');
    // The real clock is far from the frozen one: an honest client is "stale" too.
    expectAuthError(await call('/api_keys', { key, timestamp: String(Date.now()) }), 'STALE_TIMESTAMP');
  });

  it('honours a custom maxSkewMs', async () => {
    let now = 1_800_000_000_000;
    const strict = await startExchange({ now: () => now, maxSkewMs: 1_000 });
    try {
      const key = strict.seedAccount('demo');
      const saved = ex;
      ex = strict;
      try {
        expect((await call('/api_keys', { key, timestamp: String(now - 900) })).status).toBe(200);
        expectAuthError(await call('/api_keys', { key, timestamp: String(now - 1_100) }), 'STALE_TIMESTAMP');
        now += 5_000;
        expect((await call('/api_keys', { key, timestamp: String(now) })).status).toBe(200);
      } finally {
        ex = saved;
      }
    } finally {
      await strict.close();
    }
  });

  it('rejects an unknown key id', async () => {
    const key = ex.seedAccount('demo');
    expectAuthError(await call('/api_keys', { key: { ...key, keyId: randomUUID() } }), 'NOT_FOUND');
  });

  it('rejects a key id and private key that do not belong together', async () => {
    const a = ex.seedAccount('demo');
    const b = ex.seedAccount('demo');
    expectAuthError(await call('/api_keys', { key: { keyId: a.keyId, privateKeyPem: b.privateKeyPem } }), 'BAD_SIGNATURE');
  });

  it('rejects RSA signatures that are not PSS with a 32-byte salt', async () => {
    const key = ex.seedAccount('demo');
    const ts = String(Date.now());
    const data = Buffer.from(`${ts}GET${PREFIX}/api_keys`);
    const pk = createPrivateKey(key.privateKeyPem);
    const pkcs1v15 = sign('sha256', data, pk).toString('base64');
    const maxSalt = sign('sha256', data, {
      key: pk,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN,
    }).toString('base64');
    expectAuthError(await call('/api_keys', { key, timestamp: ts, signature: pkcs1v15 }), 'BAD_SIGNATURE');
    expectAuthError(await call('/api_keys', { key, timestamp: ts, signature: maxSalt }), 'BAD_SIGNATURE');
    expectAuthError(await call('/api_keys', { key, timestamp: ts, signature: 'not base64 at all!' }), 'BAD_SIGNATURE');
  });

  it('rejects a request missing any signing header', async () => {
    const key = ex.seedAccount('demo');
    expectAuthError(await call('/api_keys'), 'MISSING_HEADERS');
    for (const h of ['KALSHI-ACCESS-KEY', 'KALSHI-ACCESS-TIMESTAMP', 'KALSHI-ACCESS-SIGNATURE']) {
      expectAuthError(await call('/api_keys', { key, omit: [h] }), 'MISSING_HEADERS');
    }
  });

  it('keeps environments apart by Host: a demo key fails on production and vice versa', async () => {
    const demo = ex.seedAccount('demo');
    const prod = ex.seedAccount('production');
    expectAuthError(await call('/api_keys', { key: demo, host: PROD }), 'NOT_FOUND');
    expectAuthError(await call('/api_keys', { key: demo, host: PROD_ALT }), 'NOT_FOUND');
    expectAuthError(await call('/api_keys', { key: prod, host: DEMO }), 'NOT_FOUND');

    const p = await call('/api_keys', { key: prod, host: PROD_ALT });
    expect(p.status).toBe(200);
    expect(p.json.api_keys.map((k: { api_key_id: string }) => k.api_key_id)).toEqual([prod.keyId]);
    expect((await call('/api_keys', { key: demo, host: DEMO_PREFERRED })).status).toBe(200);
    // Any other host (a plain local call) is demo.
    expect((await call('/api_keys', { key: demo, host: `127.0.0.1:${ex.port}` })).status).toBe(200);
    expect((await call('/api_keys', { key: demo, host: `localhost:${ex.port}` })).status).toBe(200);
    expect(ex.keys('demo').map((k) => k.api_key_id)).toEqual([demo.keyId]);
    expect(ex.keys('production').map((k) => k.api_key_id)).toEqual([prod.keyId]);
  });

  it('logs requests without secrets', async () => {
    const key = ex.seedAccount('production');
    await call('/api_keys?x=1', { key, host: PROD });
    await call('/exchange/status', { host: DEMO });
    expect(ex.requests).toEqual([
      { method: 'GET', path: `${PREFIX}/api_keys`, query: 'x=1', host: PROD, env: 'production', keyId: key.keyId, status: 200 },
      { method: 'GET', path: `${PREFIX}/exchange/status`, query: '', host: DEMO, env: 'demo', status: 200 },
    ]);
    expect(JSON.stringify(ex.requests)).not.toMatch(/PRIVATE|signature/i);
  });
});

describe('POST /api_keys (upload a public key)', () => {
  it.each(['basic', 'advanced', 'expert'] as const)('refuses the %s tier with 403 and adds nothing', async (tier) => {
    const key = ex.seedAccount('demo', { usageTier: tier });
    const before = ex.keys('demo');
    const a = await call('/api_keys', { method: 'POST', key, body: { name: 'laptop', public_key: freshSpki('ed25519').publicKeyPem } });
    expect(a.status).toBe(403);
    expect(a.json).toEqual({
      error: {
        code: 'insufficient_api_usage_level',
        message: 'insufficient API usage level',
        details: 'creating API keys from your own public key requires Premier or Market Maker usage level',
      },
    });
    expect(ex.keys('demo')).toEqual(before);
  });

  it('checks the tier before validating the body', async () => {
    const key = ex.seedAccount('demo', { usageTier: 'basic' });
    const a = await call('/api_keys', { method: 'POST', key, body: '{not json' });
    expect(a.status).toBe(403);
    expect(a.json.error.code).toBe('insufficient_api_usage_level');
  });

  it('lets a premier account upload an RSA SPKI, lists it, and accepts requests signed with it', async () => {
    const owner = ex.seedAccount('demo', { usageTier: 'premier' });
    const fresh = freshSpki('rsa');
    const a = await call('/api_keys', { method: 'POST', key: owner, body: { name: 'laptop', public_key: fresh.publicKeyPem } });
    expect(a.status).toBe(201);
    expect(a.json).toEqual({ api_key_id: expect.stringMatching(UUID_V4), warning: null });
    const newId: string = a.json.api_key_id;

    const list = await call('/api_keys', { key: owner });
    expect(list.json.api_keys).toContainEqual({
      api_key_id: newId,
      name: 'laptop',
      scopes: ['read', 'write'],
      subaccount: null,
      fcm_subtrader_id: null,
    });
    const record = ex.keys('demo').find((k) => k.api_key_id === newId);
    expect(record?.key_type).toBe('rsa');
    expect(createPublicKey(record!.public_key).equals(createPublicKey(fresh.publicKeyPem))).toBe(true);

    const own = await call('/api_keys', { key: { keyId: newId, privateKeyPem: fresh.privateKeyPem } });
    expect(own.status).toBe(200);
    // Not on the other environment.
    expectAuthError(await call('/api_keys', { host: PROD, key: { keyId: newId, privateKeyPem: fresh.privateKeyPem } }), 'NOT_FOUND');
  });

  it('accepts an Ed25519 SPKI with narrower scopes and a subaccount', async () => {
    const owner = ex.seedAccount('production', { usageTier: 'prestige' });
    const fresh = freshSpki('ed25519');
    const a = await call('/api_keys', {
      method: 'POST',
      host: PROD,
      key: owner,
      body: { name: 'reader', public_key: fresh.publicKeyPem, scopes: ['read'], subaccount: 63 },
    });
    expect(a.status).toBe(201);
    const rec = ex.keys('production').find((k) => k.api_key_id === a.json.api_key_id);
    expect(rec).toMatchObject({ name: 'reader', scopes: ['read'], subaccount: 63, fcm_subtrader_id: null, key_type: 'ed25519' });
    const reader = { keyId: a.json.api_key_id as string, privateKeyPem: fresh.privateKeyPem };
    expect((await call('/api_keys', { host: PROD, key: reader })).status).toBe(200);
  });

  const spki = freshSpki('rsa').publicKeyPem;
  const rsa1024 = freshSpki('rsa', 1024).publicKeyPem;
  const privatePem = freshSpki('rsa').privateKeyPem;
  const ecSpki = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  it.each([
    ['garbage public key', { name: 'x', public_key: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n' }],
    ['missing public key', { name: 'x' }],
    ['a private key instead of a public one', { name: 'x', public_key: privatePem }],
    ['RSA 1024', { name: 'x', public_key: rsa1024 }],
    ['an EC key', { name: 'x', public_key: ecSpki }],
    ['write without read', { name: 'x', public_key: spki, scopes: ['write'] }],
    ['an unknown scope', { name: 'x', public_key: spki, scopes: ['read', 'admin'] }],
    ['empty scopes', { name: 'x', public_key: spki, scopes: [] }],
    ['subaccount 64', { name: 'x', public_key: spki, subaccount: 64 }],
    ['subaccount -1', { name: 'x', public_key: spki, subaccount: -1 }],
    ['subaccount 1.5', { name: 'x', public_key: spki, subaccount: 1.5 }],
    ['subaccount and fcm_subtrader_id', { name: 'x', public_key: spki, subaccount: 1, fcm_subtrader_id: 'abc' }],
    ['an empty name', { name: '', public_key: spki }],
    ['a 101-character name', { name: 'n'.repeat(101), public_key: spki }],
    ['bad JSON', '{"name": '],
    ['a JSON array', '[]'],
  ])('rejects %s with 400 and adds nothing', async (_label, body) => {
    const key = ex.seedAccount('demo', { usageTier: 'premier' });
    expectInvalid(await call('/api_keys', { method: 'POST', key, body }));
    expect(ex.keys('demo')).toHaveLength(1);
  });

  it('accepts write::transfer without read, and a 100-character name', async () => {
    const key = ex.seedAccount('demo', { usageTier: 'premier' });
    const a = await call('/api_keys', {
      method: 'POST',
      key,
      body: { name: 'n'.repeat(100), public_key: spki, scopes: ['write::transfer', 'read::portfolio_balance'] },
    });
    expect(a.status).toBe(201);
  });

  it('refuses fcm_subtrader_id from a non-FCM account with 403', async () => {
    const key = ex.seedAccount('demo', { usageTier: 'premier' });
    const a = await call('/api_keys', { method: 'POST', key, body: { name: 'x', public_key: spki, fcm_subtrader_id: 'abc' } });
    expect(a.status).toBe(403);
    expect(a.json.error.code).toBeTruthy();
    expect(ex.keys('demo')).toHaveLength(1);
  });
});

describe('POST /api_keys/generate', () => {
  it('makes an RSA pair at the basic tier: PKCS#1 private key that signs accepted requests', async () => {
    const owner = ex.seedAccount('demo', { usageTier: 'basic' });
    const a = await call('/api_keys/generate', { method: 'POST', key: owner, body: { name: 'generated' } });
    expect(a.status).toBe(201);
    expect(a.json).toEqual({
      api_key_id: expect.stringMatching(UUID_V4),
      private_key: expect.stringMatching(/^-----BEGIN RSA PRIVATE KEY-----\n[\s\S]+-----END RSA PRIVATE KEY-----\n$/),
      key_type: 'rsa',
      warning: null,
    });
    const priv = createPrivateKey(a.json.private_key);
    expect(priv.asymmetricKeyDetails?.modulusLength).toBe(2048);

    const gen = { keyId: a.json.api_key_id as string, privateKeyPem: a.json.private_key as string };
    expect((await call('/portfolio/balance', { key: gen })).status).toBe(200);
    // The exchange keeps only the public half.
    const rec = ex.keys('demo').find((k) => k.api_key_id === gen.keyId);
    expect(rec?.public_key).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(JSON.stringify(ex.keys('demo'))).not.toContain('PRIVATE');
    expect(createPublicKey(priv).equals(createPublicKey(rec!.public_key))).toBe(true);
  });

  it('makes an Ed25519 pair: PKCS#8 private key that signs accepted requests', async () => {
    const owner = ex.seedAccount('production');
    const a = await call('/api_keys/generate', {
      method: 'POST',
      host: PROD,
      key: owner,
      body: { name: 'ed', key_type: 'ed25519', scopes: ['read'] },
    });
    expect(a.status).toBe(201);
    expect(a.json.key_type).toBe('ed25519');
    expect(a.json.private_key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(createPrivateKey(a.json.private_key).asymmetricKeyType).toBe('ed25519');
    const gen = { keyId: a.json.api_key_id as string, privateKeyPem: a.json.private_key as string };
    const list = await call('/api_keys', { host: PROD, key: gen });
    expect(list.status).toBe(200);
    expect(list.json.api_keys).toContainEqual({
      api_key_id: gen.keyId,
      name: 'ed',
      scopes: ['read'],
      subaccount: null,
      fcm_subtrader_id: null,
    });
  });

  it.each([
    ['an unknown key_type', { name: 'x', key_type: 'dsa' }],
    ['write without read', { name: 'x', scopes: ['write'] }],
    ['subaccount 64', { name: 'x', subaccount: 64 }],
    ['no name', {}],
  ])('rejects %s with 400', async (_label, body) => {
    const key = ex.seedAccount('demo');
    expectInvalid(await call('/api_keys/generate', { method: 'POST', key, body }));
    expect(ex.keys('demo')).toHaveLength(1);
  });
});

describe('DELETE /api_keys/{id}', () => {
  it('deletes with 204 and an empty body, then answers 404', async () => {
    const owner = ex.seedAccount('demo');
    const victim = ex.seedAccount('demo');
    const a = await call(`/api_keys/${victim.keyId}`, { method: 'DELETE', key: owner });
    expect(a.status).toBe(204);
    expect(a.text).toBe('');
    expect(ex.keys('demo').map((k) => k.api_key_id)).toEqual([owner.keyId]);
    expectAuthError(await call('/api_keys', { key: victim }), 'NOT_FOUND');

    const again = await call(`/api_keys/${victim.keyId}`, { method: 'DELETE', key: owner });
    expect(again.status).toBe(404);
    expect(again.json.error.code).toBe('not_found');
  });

  it('answers 404 for a key of the other environment', async () => {
    const demo = ex.seedAccount('demo');
    const prod = ex.seedAccount('production');
    expect((await call(`/api_keys/${demo.keyId}`, { method: 'DELETE', host: PROD, key: prod })).status).toBe(404);
    expect(ex.keys('demo')).toHaveLength(1);
  });

  it('answers 400 for an id that is not a UUID', async () => {
    const key = ex.seedAccount('demo');
    expectInvalid(await call('/api_keys/not-a-uuid', { method: 'DELETE', key }));
    expectInvalid(await call('/api_keys/%E0%A4%A', { method: 'DELETE', key }));
    expect(ex.keys('demo')).toHaveLength(1);
  });

  it('lets a key delete itself, locking that client out', async () => {
    const key = ex.seedAccount('demo');
    expect((await call(`/api_keys/${key.keyId}`, { method: 'DELETE', key })).status).toBe(204);
    expectAuthError(await call('/api_keys', { key }), 'NOT_FOUND');
  });
});

describe('scopes', () => {
  it('lets a read-only key list but not delete, generate or upload', async () => {
    const reader = ex.seedAccount('demo', { scopes: ['read'], usageTier: 'premier' });
    const other = ex.seedAccount('demo');
    expect((await call('/api_keys', { key: reader })).status).toBe(200);

    const del = await call(`/api_keys/${other.keyId}`, { method: 'DELETE', key: reader });
    expect(del.status).toBe(403);
    expect(del.json.error.code).toBe('insufficient_scope');
    expect(typeof del.json.error.message).toBe('string');
    expect(ex.keys('demo')).toHaveLength(2);

    expect((await call('/api_keys/generate', { method: 'POST', key: reader, body: { name: 'x' } })).json.error.code).toBe(
      'insufficient_scope',
    );
    const up = await call('/api_keys', { method: 'POST', key: reader, body: { name: 'x', public_key: freshSpki('ed25519').publicKeyPem } });
    expect(up.status).toBe(403);
    expect(up.json.error.code).toBe('insufficient_scope');
    expect(ex.keys('demo')).toHaveLength(2);
  });

  it('lets read::portfolio_balance read the balance only', async () => {
    const key = ex.seedAccount('demo', { scopes: ['read::portfolio_balance'] });
    expect((await call('/portfolio/balance', { key })).status).toBe(200);
    expect((await call('/api_keys', { key })).status).toBe(403);
    expect((await call('/account/limits', { key })).status).toBe(403);
  });

  it('refuses key management to a write::trade-only key', async () => {
    const key = ex.seedAccount('demo', { scopes: ['read', 'write::trade'] });
    expect((await call('/api_keys/generate', { method: 'POST', key, body: { name: 'x' } })).status).toBe(403);
  });

  it('seedAccount refuses invalid scopes', () => {
    expect(() => ex.seedAccount('demo', { scopes: ['write'] })).toThrow();
    expect(() => ex.seedAccount('demo', { scopes: ['root'] })).toThrow();
  });
});

describe('account endpoints', () => {
  it('reports the usage tier and follows setUsageTier', async () => {
    const key = ex.seedAccount('demo', { usageTier: 'basic' });
    const a = await call('/account/limits', { key });
    expect(a.status).toBe(200);
    expect(a.json).toEqual({
      usage_tier: 'basic',
      read: { refill_rate: 20, bucket_capacity: 20 },
      write: { refill_rate: 10, bucket_capacity: 10 },
      grants: [],
    });
    ex.setUsageTier('demo', 'premier');
    const b = await call('/account/limits', { key });
    expect(b.json.usage_tier).toBe('premier');
    expect(b.json.read.refill_rate).toBeGreaterThan(20);
    // and the tier now allows uploads
    const up = await call('/api_keys', { method: 'POST', key, body: { name: 'x', public_key: freshSpki('ed25519').publicKeyPem } });
    expect(up.status).toBe(201);
  });

  it('returns a balance', async () => {
    const key = ex.seedAccount('demo');
    clock = 1_800_000_000_123;
    const a = await call('/portfolio/balance', { key });
    expect(a.status).toBe(200);
    expect(a.json).toEqual({ balance: 100000, portfolio_value: 0, updated_ts: 1_800_000_000 });
  });

  it('reset drops accounts and keys', async () => {
    const key = ex.seedAccount('demo');
    ex.reset();
    expect(ex.keys('demo')).toEqual([]);
    expectAuthError(await call('/api_keys', { key }), 'NOT_FOUND');
  });
});

describe('failNext', () => {
  it('answers the next matching request with the fault, once', async () => {
    const key = ex.seedAccount('demo');
    ex.failNext({ method: 'GET', path: `${PREFIX}/api_keys` }, { status: 500 });
    // A different route is not affected.
    expect((await call('/portfolio/balance', { key })).status).toBe(200);
    const a = await call('/api_keys?x=1', { key });
    expect(a.status).toBe(500);
    expect(a.json).toEqual({ error: { code: 'internal_server_error', message: 'internal server error', details: 'injected fault' } });
    expect((await call('/api_keys', { key })).status).toBe(200);
    expect(ex.requests.map((r) => r.status)).toEqual([200, 500, 200]);
  });

  it('can send any body and headers, e.g. a 429 or a non-JSON proxy page', async () => {
    const key = ex.seedAccount('demo');
    ex.failNext(
      { method: 'post', path: `${PREFIX}/api_keys/generate` },
      {
        status: 429,
        headers: { 'retry-after': '2' },
      },
    );
    ex.failNext({ method: 'DELETE', path: `${PREFIX}/api_keys/${key.keyId}` }, { status: 502, body: '<html>Bad gateway</html>' });
    const a = await call('/api_keys/generate', { method: 'POST', key, body: { name: 'x' } });
    expect(a.status).toBe(429);
    expect(a.headers['retry-after']).toBe('2');
    expect(a.json.error.code).toBe('too_many_requests');
    const b = await call(`/api_keys/${key.keyId}`, { method: 'DELETE', key });
    expect(b.status).toBe(502);
    expect(b.text).toBe('<html>Bad gateway</html>');
    expect(ex.keys('demo')).toHaveLength(1); // the faulted DELETE did nothing
  });

  it('delays the real answer when given only delayMs', async () => {
    const key = ex.seedAccount('demo');
    ex.failNext({ method: 'GET', path: `${PREFIX}/api_keys` }, { delayMs: 300 });
    const t0 = Date.now();
    const a = await call('/api_keys', { key });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(a.status).toBe(200);
    expect(a.json.api_keys).toHaveLength(1);
  });

  it('lets a client time out, then serves normally', async () => {
    const key = ex.seedAccount('demo');
    ex.failNext({ method: 'GET', path: `${PREFIX}/api_keys` }, { delayMs: 5_000, status: 500 });
    const t0 = Date.now();
    await expect(call('/api_keys', { key, timeoutMs: 200 })).rejects.toThrow('client timeout');
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect((await call('/api_keys', { key })).status).toBe(200);
  });

  it('close() does not wait for pending delays', async () => {
    const other = await startExchange();
    const key = other.seedAccount('demo');
    other.failNext({ method: 'GET', path: `${PREFIX}/api_keys` }, { delayMs: 60_000 });
    const saved = ex;
    ex = other;
    const pending = call('/api_keys', { key }).catch((e: Error) => e);
    ex = saved;
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    await other.close();
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(await pending).toBeInstanceOf(Error); // the connection was cut
  });
});

describe('fault modes', () => {
  const freshSpkiPem = () => generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }) as string;

  it('times: the next n matching requests get the fault, then the real answer', async () => {
    const key = ex.seedAccount('demo');
    ex.failNext({ method: 'GET', path: `${PREFIX}/api_keys` }, { status: 503, times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call('/api_keys', { key })).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('faultMode: every matching request (a trailing * matches a prefix) until cleared; a one-off fault goes first', async () => {
    const key = ex.seedAccount('demo');
    ex.faultMode({ method: 'DELETE', path: `${PREFIX}/api_keys/*` }, { status: 500 });
    ex.failNext({ method: 'DELETE', path: `${PREFIX}/api_keys/${key.keyId}` }, { status: 503 });
    expect((await call(`/api_keys/${key.keyId}`, { method: 'DELETE', key })).status).toBe(503);
    expect((await call(`/api_keys/${randomUUID()}`, { method: 'DELETE', key })).status).toBe(500);
    expect((await call(`/api_keys/${key.keyId}`, { method: 'DELETE', key })).status).toBe(500);
    ex.faultMode({ method: 'DELETE', path: `${PREFIX}/api_keys/*` }, null);
    expect((await call(`/api_keys/${key.keyId}`, { method: 'DELETE', key })).status).toBe(204);
  });

  it("reset 'before': the connection drops and nothing happens", async () => {
    const key = ex.seedAccount('demo', { usageTier: 'premier' });
    ex.failNext({ method: 'POST', path: `${PREFIX}/api_keys` }, { reset: 'before' });
    await expect(call('/api_keys', { method: 'POST', key, body: { name: 'x', public_key: freshSpkiPem() } })).rejects.toThrow();
    expect(ex.keys('demo')).toHaveLength(1);
    expect(ex.requests.at(-1)?.status).toBe(0);
  });

  it.each([
    ['POST /api_keys', 'POST', '/api_keys', 'premier'],
    ['POST /api_keys/generate', 'POST', '/api_keys/generate', 'basic'],
  ] as const)("reset 'after' on %s: the key is made, then the connection drops without a byte", async (_, method, path, tier) => {
    const key = ex.seedAccount('demo', { usageTier: tier });
    ex.failNext({ method, path: `${PREFIX}${path}` }, { reset: 'after' });
    await expect(call(path, { method, key, body: { name: 'made', public_key: freshSpkiPem() } })).rejects.toThrow();
    expect(
      ex
        .keys('demo')
        .map((k) => k.name)
        .sort(),
    ).toEqual(['made', 'sandbox']);
  });

  it("reset 'after' on DELETE: the key is gone, the answer lost; asking again gets 404", async () => {
    const key = ex.seedAccount('demo');
    const other = ex.seedAccount('demo');
    ex.failNext({ method: 'DELETE', path: `${PREFIX}/api_keys/${other.keyId}` }, { reset: 'after' });
    await expect(call(`/api_keys/${other.keyId}`, { method: 'DELETE', key })).rejects.toThrow();
    expect(ex.keys('demo').map((k) => k.api_key_id)).toEqual([key.keyId]);
    expect((await call(`/api_keys/${other.keyId}`, { method: 'DELETE', key })).status).toBe(404);
  });

  it("reset 'mid-answer': the key is made and half the answer arrives", async () => {
    const key = ex.seedAccount('demo');
    ex.failNext({ method: 'POST', path: `${PREFIX}/api_keys/generate` }, { reset: 'mid-answer' });
    await expect(call('/api_keys/generate', { method: 'POST', key, body: { name: 'made' } })).rejects.toThrow();
    expect(ex.keys('demo')).toHaveLength(2);
  });

  it('garble: the change is made and the answer is not JSON', async () => {
    const key = ex.seedAccount('demo');
    ex.failNext({ method: 'POST', path: `${PREFIX}/api_keys/generate` }, { garble: true });
    const a = await call('/api_keys/generate', { method: 'POST', key, body: { name: 'made' } });
    expect(a.status).toBe(201);
    expect(a.text).toBe('<html>upstream hiccup</html>');
    expect(ex.keys('demo')).toHaveLength(2);
  });

  it('delayAfterMs: the change is made at once, the answer comes later', async () => {
    const key = ex.seedAccount('demo', { usageTier: 'premier' });
    ex.failNext({ method: 'POST', path: `${PREFIX}/api_keys` }, { delayAfterMs: 1_500 });
    let answered = false;
    const answer = call('/api_keys', { method: 'POST', key, body: { name: 'made', public_key: freshSpkiPem() } }).finally(
      () => (answered = true),
    );
    while (ex.keys('demo').length < 2) await new Promise((r) => setTimeout(r, 20));
    expect(answered).toBe(false);
    expect((await answer).status).toBe(201);
  });

  it('the Date header shows the exchange clock; a clock offset makes fresh timestamps stale (401)', async () => {
    const key = ex.seedAccount('demo');
    clock = Date.parse('2026-11-23T12:00:00Z');
    const a = await call('/api_keys', { key, timestamp: String(clock) });
    expect(a.headers.date).toBe('Mon, 23 Nov 2026 12:00:00 GMT');
    ex.setClockOffset(60_000);
    const b = await call('/api_keys', { key, timestamp: String(clock) });
    expect(b.headers.date).toBe('Mon, 23 Nov 2026 12:01:00 GMT');
    expectAuthError(b, 'STALE_TIMESTAMP');
    ex.reset();
    const again = ex.seedAccount('demo');
    expect((await call('/api_keys', { key: again, timestamp: String(clock) })).status).toBe(200); // reset() clears the offset
  });

  it('keeps the signatures it saw apart from the request log (for tests that look for leaks)', async () => {
    const key = ex.seedAccount('demo');
    await call('/api_keys', { key, signature: 'c2lnbmF0dXJl' });
    expect(ex.signatures).toEqual(['c2lnbmF0dXJl']);
    expect(JSON.stringify(ex.requests)).not.toContain('c2lnbmF0dXJl');
    ex.reset();
    expect(ex.signatures).toEqual([]);
  });
});

describe('TLS and the sandbox CLI', () => {
  it('makes one certificate even when two callers race, and reuses it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-tls-'));
    try {
      const tlsDir = join(dir, 'tls');
      const [a, b] = await Promise.all([ensureTls(tlsDir), ensureTls(tlsDir)]);
      expect(a.cert).toBe(b.cert);
      expect(a.key).toBe(b.key);
      const x509 = new X509Certificate(a.cert);
      expect(x509.checkPrivateKey(createPrivateKey(a.key))).toBe(true);
      for (const name of [PROD, PROD_ALT, DEMO, DEMO_PREFERRED, 'localhost']) expect(x509.checkHost(name)).toBe(name);
      expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
      expect((await ensureTls(tlsDir)).cert).toBe(a.cert);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('startSandbox seeds both environments and writes 0600 PKCS#1 key files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-cli-'));
    const sandbox = await startSandbox(0, { dir });
    const saved = ex;
    try {
      ex = sandbox.exchange;
      for (const env of ['demo', 'production'] as const) {
        const { keyId, keyPath } = sandbox.accounts[env];
        expect(keyPath).toBe(join(dir, `${env}-key.pem`));
        expect((await stat(keyPath)).mode & 0o777).toBe(0o600);
        const privateKeyPem = await readFile(keyPath, 'utf8');
        expect(privateKeyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
        expect(ex.keys(env)).toEqual([expect.objectContaining({ api_key_id: keyId, name: 'sandbox', scopes: ['read', 'write'] })]);
        const a = await call('/account/limits', { key: { keyId, privateKeyPem }, host: env === 'demo' ? DEMO : PROD });
        expect(a.json.usage_tier).toBe('basic');
      }
    } finally {
      ex = saved;
      await sandbox.exchange.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
