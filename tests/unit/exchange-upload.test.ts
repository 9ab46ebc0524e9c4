/**
 * The sandbox exchange: POST /api_keys (a public key the caller made), its tier gate and the
 * refusal bodies a client must read without relying on a code.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { callExchange, freshSpki, HOSTS } from '../../exchange/client';
import { startExchange, UPLOAD_REFUSAL_SHAPES, UPLOAD_REFUSALS, type UploadRefusalShape } from '../../exchange/server';
import { expectAuthError, expectInvalid, useExchange } from '../helpers/exchange-harness';

const { production: PROD } = HOSTS;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const sx = useExchange();
const { call } = sx;

describe('POST /api_keys (upload a public key)', () => {
  it.each(['basic', 'advanced', 'expert'] as const)('refuses the %s tier with 403 and adds nothing', async (tier) => {
    const key = sx.ex.seedAccount('demo', { usageTier: tier });
    const before = sx.ex.keys('demo');
    const a = await call('/api_keys', { method: 'POST', key, body: { name: 'laptop', public_key: freshSpki('ed25519').publicKeyPem } });
    expect(a.status).toBe(403);
    // As seen from the real exchange: a generic code, nothing about tiers a client could key on.
    expect(a.json).toEqual({ error: { code: 'forbidden', message: 'insufficient API usage level' } });
    expect(sx.ex.keys('demo')).toEqual(before);
  });

  it('checks the tier before validating the body', async () => {
    const key = sx.ex.seedAccount('demo', { usageTier: 'basic' });
    const a = await call('/api_keys', { method: 'POST', key, body: '{not json' });
    expect(a.status).toBe(403);
    expect(a.json.error.message).toBe('insufficient API usage level');
  });

  it('lets a premier account upload an RSA SPKI, lists it, and accepts requests signed with it', async () => {
    const owner = sx.ex.seedAccount('demo', { usageTier: 'premier' });
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
    const record = sx.ex.keys('demo').find((k) => k.api_key_id === newId);
    expect(record?.key_type).toBe('rsa');
    expect(createPublicKey(record!.public_key).equals(createPublicKey(fresh.publicKeyPem))).toBe(true);

    const own = await call('/api_keys', { key: { keyId: newId, privateKeyPem: fresh.privateKeyPem } });
    expect(own.status).toBe(200);
    // Not on the other environment.
    expectAuthError(await call('/api_keys', { host: PROD, key: { keyId: newId, privateKeyPem: fresh.privateKeyPem } }), 'NOT_FOUND');
  });

  it('accepts an Ed25519 SPKI with narrower scopes and a subaccount', async () => {
    const owner = sx.ex.seedAccount('production', { usageTier: 'prestige' });
    const fresh = freshSpki('ed25519');
    const a = await call('/api_keys', {
      method: 'POST',
      host: PROD,
      key: owner,
      body: { name: 'reader', public_key: fresh.publicKeyPem, scopes: ['read'], subaccount: 63 },
    });
    expect(a.status).toBe(201);
    const rec = sx.ex.keys('production').find((k) => k.api_key_id === a.json.api_key_id);
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
    ['bad JSON', '{"name": '],
    ['a JSON array', '[]'],
  ])('rejects %s with 400 and adds nothing', async (_label, body) => {
    const key = sx.ex.seedAccount('demo', { usageTier: 'premier' });
    expectInvalid(await call('/api_keys', { method: 'POST', key, body }));
    expect(sx.ex.keys('demo')).toHaveLength(1);
  });

  it('accepts write::transfer without read, and a 500-character name (Kalshi publishes no limit)', async () => {
    const key = sx.ex.seedAccount('demo', { usageTier: 'premier' });
    const a = await call('/api_keys', {
      method: 'POST',
      key,
      body: { name: 'n'.repeat(500), public_key: spki, scopes: ['write::transfer', 'read::portfolio_balance'] },
    });
    expect(a.status).toBe(201);
    expect(sx.ex.keys('demo').map((k) => k.name.length)).toContain(500);
  });

  it('refuses fcm_subtrader_id from a non-FCM account with 403', async () => {
    const key = sx.ex.seedAccount('demo', { usageTier: 'premier' });
    const a = await call('/api_keys', { method: 'POST', key, body: { name: 'x', public_key: spki, fcm_subtrader_id: 'abc' } });
    expect(a.status).toBe(403);
    expect(a.json.error.code).toBeTruthy();
    expect(sx.ex.keys('demo')).toHaveLength(1);
  });
});

describe('the upload refusal carries no code a client may rely on', () => {
  const upload = (key: { keyId: string; privateKeyPem: string }) =>
    call('/api_keys', { method: 'POST', key, body: { name: 'laptop', public_key: freshSpki('ed25519').publicKeyPem } });
  const BODIES: Array<[UploadRefusalShape, string]> = [
    ['forbidden', '{"error":{"code":"forbidden","message":"insufficient API usage level"}}'],
    ['no-code', '{"error":{"message":"insufficient API usage level"}}'],
    ['spec', '{"message":"Forbidden - insufficient API usage level, or fcm_subtrader_id from a non-FCM caller"}'],
  ];

  it.each(BODIES)('setUploadRefusal(%s) sends exactly %s and adds nothing', async (shape, text) => {
    const key = sx.ex.seedAccount('demo', { usageTier: 'basic' });
    sx.ex.setUploadRefusal(shape);
    const a = await upload(key);
    expect(a.status).toBe(403);
    expect(a.headers['content-type']).toMatch(/^application\/json/);
    expect(a.text).toBe(text);
    expect(sx.ex.keys('demo')).toHaveLength(1);
  });

  it("defaults to the body seen from Kalshi; the option sets another, and reset() goes back to the option's", async () => {
    const key = sx.ex.seedAccount('demo', { usageTier: 'expert' });
    expect((await upload(key)).text).toBe(BODIES[0]![1]);
    const other = await startExchange({ uploadRefusal: 'spec' });
    try {
      const k = other.seedAccount('demo');
      const viaOther = () =>
        callExchange(other, '/api_keys', { method: 'POST', key: k, body: { name: 'x', public_key: freshSpki().publicKeyPem } });
      expect((await viaOther()).text).toBe(BODIES[2]![1]);
      other.setUploadRefusal('no-code');
      expect((await viaOther()).text).toBe(BODIES[1]![1]);
      other.reset();
      const again = other.seedAccount('demo');
      const a = await callExchange(other, '/api_keys', {
        method: 'POST',
        key: again,
        body: { name: 'x', public_key: freshSpki().publicKeyPem },
      });
      expect(a.text).toBe(BODIES[2]![1]);
    } finally {
      await other.close();
    }
  });

  it('offers no shape whose code mentions a tier or usage level, and refuses unknown shapes', async () => {
    expect(UPLOAD_REFUSAL_SHAPES.sort()).toEqual(['forbidden', 'no-code', 'spec']);
    for (const body of Object.values(UPLOAD_REFUSALS)) {
      const codes = JSON.stringify(body).match(/"code":"[^"]*"/g) ?? [];
      for (const code of codes) expect(code).not.toMatch(/tier|usage.?level/i);
    }
    expect(() => sx.ex.setUploadRefusal('insufficient_api_usage_level' as UploadRefusalShape)).toThrow();
    await expect(startExchange({ uploadRefusal: 'tier' as UploadRefusalShape })).rejects.toThrow();
  });

  it('setUploadAllowed(false) refuses a prime account (a lapsed grant) while /account/limits still says prime', async () => {
    const key = sx.ex.seedAccount('demo', { usageTier: 'prime' });
    expect((await upload(key)).status).toBe(201);
    sx.ex.setUploadAllowed('demo', false);
    const a = await upload(key);
    expect(a.status).toBe(403);
    expect(a.text).toBe(BODIES[0]![1]);
    expect((await call('/account/limits', { key })).json.usage_tier).toBe('prime');
    expect(sx.ex.keys('demo')).toHaveLength(2);
    sx.ex.setUploadAllowed('demo', 'by-tier');
    expect((await upload(key)).status).toBe(201);
  });

  it('setUploadAllowed(true) lets a basic account upload; the other environment keeps the tier rule', async () => {
    const key = sx.ex.seedAccount('demo', { usageTier: 'basic' });
    const prod = sx.ex.seedAccount('production', { usageTier: 'basic' });
    sx.ex.setUploadAllowed('demo', true);
    expect((await upload(key)).status).toBe(201);
    const p = await call('/api_keys', { method: 'POST', host: PROD, key: prod, body: { name: 'x', public_key: freshSpki().publicKeyPem } });
    expect(p.status).toBe(403);
    expect(() => sx.ex.setUploadAllowed('demo', 'yes' as never)).toThrow();
  });
});
