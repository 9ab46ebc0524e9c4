/**
 * The sandbox exchange: routing and request signing, over real HTTPS with requests signed by
 * node:crypto in exchange/client.ts (never by the extension's code), so the two check each other.
 */
import { constants, createPrivateKey, randomUUID, sign } from 'node:crypto';
import { request } from 'node:https';
import { describe, expect, it } from 'vitest';
import { HOSTS } from '../../exchange/client';
import { startExchange } from '../../exchange/server';
import { expectAuthError, useExchange } from '../helpers/exchange-harness';

const PREFIX = '/trade-api/v2';
const { production: PROD, productionAlt: PROD_ALT, demo: DEMO, demoPreferred: DEMO_PREFERRED } = HOSTS;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const sx = useExchange();
const { call, setClock } = sx;

describe('public endpoints and routing', () => {
  it('answers GET /exchange/status without a signature, on every host', async () => {
    for (const host of [PROD, PROD_ALT, DEMO, DEMO_PREFERRED, `127.0.0.1:${sx.ex.port}`]) {
      const a = await call('/exchange/status', { host });
      expect(a.status).toBe(200);
      expect(a.json).toEqual({ exchange_active: true, trading_active: true });
      expect(a.headers.date).toBeTruthy();
    }
  });

  it('answers unknown routes with a Kalshi-shaped 404', async () => {
    const key = sx.ex.seedAccount('demo');
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
      request({ host: '127.0.0.1', port: sx.ex.port, path: '/api_keys', ca: sx.ex.ca, headers: { host: DEMO }, agent: false }, (res) => {
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
    const key = sx.ex.seedAccount('demo', { name: 'my bot' });
    expect(key.privateKeyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    const a = await call('/api_keys', { key });
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toMatch(/^application\/json/);
    expect(a.headers.date).toBeTruthy();
    expect(a.json).toEqual({
      api_keys: [{ api_key_id: key.keyId, name: 'my bot', scopes: ['read', 'write'], subaccount: null, fcm_subtrader_id: null }],
    });
    // Newer and optional: absent while the account has no location attestation on record.
    expect('api_key_region_expiration_ts' in a.json).toBe(false);
    expect(key.keyId).toMatch(UUID_V4);
  });

  it('accepts a seeded Ed25519 key (PKCS#8 PEM)', async () => {
    const key = sx.ex.seedAccount('demo', { keyType: 'ed25519' });
    expect(key.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(createPrivateKey(key.privateKeyPem).asymmetricKeyType).toBe('ed25519');
    const a = await call('/api_keys', { key });
    expect(a.status).toBe(200);
    expect(a.json.api_keys.map((k: { api_key_id: string }) => k.api_key_id)).toEqual([key.keyId]);
    expect(sx.ex.keys('demo')[0]?.key_type).toBe('ed25519');
  });

  it('signs the path without the query string: signing the query fails', async () => {
    const key = sx.ex.seedAccount('demo');
    expect((await call('/api_keys?fcm_subtrader_id=x', { key })).status).toBe(200);
    const a = await call('/api_keys?fcm_subtrader_id=x', { key, signedPath: `${PREFIX}/api_keys?fcm_subtrader_id=x` });
    expectAuthError(a, 'BAD_SIGNATURE');
  });

  it('rejects a timestamp in seconds', async () => {
    const key = sx.ex.seedAccount('demo');
    expectAuthError(await call('/api_keys', { key, timestamp: String(Math.floor(Date.now() / 1000)) }), 'STALE_TIMESTAMP');
  });

  it('rejects a non-numeric timestamp', async () => {
    const key = sx.ex.seedAccount('demo');
    expectAuthError(await call('/api_keys', { key, timestamp: new Date().toISOString() }), 'INVALID_TIMESTAMP');
    expectAuthError(await call('/api_keys', { key, timestamp: '-5' }), 'INVALID_TIMESTAMP');
  });

  it('rejects timestamps more than 30 s from the exchange clock, either way', async () => {
    const key = sx.ex.seedAccount('demo');
    const clock = 1_800_000_000_000;
    setClock(clock);
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
      const saved = sx.ex;
      sx.ex = strict;
      try {
        expect((await call('/api_keys', { key, timestamp: String(now - 900) })).status).toBe(200);
        expectAuthError(await call('/api_keys', { key, timestamp: String(now - 1_100) }), 'STALE_TIMESTAMP');
        now += 5_000;
        expect((await call('/api_keys', { key, timestamp: String(now) })).status).toBe(200);
      } finally {
        sx.ex = saved;
      }
    } finally {
      await strict.close();
    }
  });

  it('rejects an unknown key id', async () => {
    const key = sx.ex.seedAccount('demo');
    expectAuthError(await call('/api_keys', { key: { ...key, keyId: randomUUID() } }), 'NOT_FOUND');
  });

  it('rejects a key id and private key that do not belong together', async () => {
    const a = sx.ex.seedAccount('demo');
    const b = sx.ex.seedAccount('demo');
    expectAuthError(await call('/api_keys', { key: { keyId: a.keyId, privateKeyPem: b.privateKeyPem } }), 'BAD_SIGNATURE');
  });

  it('rejects RSA signatures that are not PSS with a 32-byte salt', async () => {
    const key = sx.ex.seedAccount('demo');
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
    const key = sx.ex.seedAccount('demo');
    expectAuthError(await call('/api_keys'), 'MISSING_HEADERS');
    for (const h of ['KALSHI-ACCESS-KEY', 'KALSHI-ACCESS-TIMESTAMP', 'KALSHI-ACCESS-SIGNATURE']) {
      expectAuthError(await call('/api_keys', { key, omit: [h] }), 'MISSING_HEADERS');
    }
  });

  it('keeps environments apart by Host: a demo key fails on production and vice versa', async () => {
    const demo = sx.ex.seedAccount('demo');
    const prod = sx.ex.seedAccount('production');
    expectAuthError(await call('/api_keys', { key: demo, host: PROD }), 'NOT_FOUND');
    expectAuthError(await call('/api_keys', { key: demo, host: PROD_ALT }), 'NOT_FOUND');
    expectAuthError(await call('/api_keys', { key: prod, host: DEMO }), 'NOT_FOUND');

    const p = await call('/api_keys', { key: prod, host: PROD_ALT });
    expect(p.status).toBe(200);
    expect(p.json.api_keys.map((k: { api_key_id: string }) => k.api_key_id)).toEqual([prod.keyId]);
    expect((await call('/api_keys', { key: demo, host: DEMO_PREFERRED })).status).toBe(200);
    // Any other host (a plain local call) is demo.
    expect((await call('/api_keys', { key: demo, host: `127.0.0.1:${sx.ex.port}` })).status).toBe(200);
    expect((await call('/api_keys', { key: demo, host: `localhost:${sx.ex.port}` })).status).toBe(200);
    expect(sx.ex.keys('demo').map((k) => k.api_key_id)).toEqual([demo.keyId]);
    expect(sx.ex.keys('production').map((k) => k.api_key_id)).toEqual([prod.keyId]);
  });

  it('logs requests without secrets', async () => {
    const key = sx.ex.seedAccount('production');
    await call('/api_keys?x=1', { key, host: PROD });
    await call('/exchange/status', { host: DEMO });
    expect(sx.ex.requests).toEqual([
      {
        method: 'GET',
        path: `${PREFIX}/api_keys`,
        query: 'x=1',
        host: PROD,
        env: 'production',
        keyId: key.keyId,
        account: 'main',
        status: 200,
      },
      { method: 'GET', path: `${PREFIX}/exchange/status`, query: '', host: DEMO, env: 'demo', status: 200 },
    ]);
    expect(JSON.stringify(sx.ex.requests)).not.toMatch(/PRIVATE|signature/i);
  });
});

describe('401 bodies as Kalshi sends them', () => {
  it('answers a bad signature with the body seen from the real exchange, byte for byte', async () => {
    const a = sx.ex.seedAccount('demo');
    const b = sx.ex.seedAccount('demo');
    const r = await call('/api_keys', { key: { keyId: a.keyId, privateKeyPem: b.privateKeyPem } });
    expect(r.status).toBe(401);
    expect(r.text).toBe(
      '{"error":{"code":"authentication_error","message":"authentication_error",' +
        '"details":"rpc error: code = Unauthenticated desc = INCORRECT_API_KEY_SIGNATURE"}}',
    );
  });

  it('keeps the same shape for the other reasons, naming the reason in details', async () => {
    const r = await call('/account/limits');
    expect(r.status).toBe(401);
    expect(r.json).toEqual({
      error: {
        code: 'authentication_error',
        message: 'authentication_error',
        details: expect.stringMatching(/^rpc error: code = Unauthenticated desc = /),
      },
    });
  });
});
