/**
 * The sandbox exchange: POST /api_keys/generate, DELETE /api_keys/{id}, scopes, and keys deleted
 * out of band (on kalshi.com or another device).
 */
import { createPrivateKey, createPublicKey, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { freshSpki, HOSTS } from '../../exchange/client';
import { expectAuthError, expectInvalid, useExchange } from '../helpers/exchange-harness';

const { production: PROD } = HOSTS;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const sx = useExchange();
const { call } = sx;

describe('POST /api_keys/generate', () => {
  it('makes an RSA pair at the basic tier: PKCS#1 private key that signs accepted requests', async () => {
    const owner = sx.ex.seedAccount('demo', { usageTier: 'basic' });
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
    const rec = sx.ex.keys('demo').find((k) => k.api_key_id === gen.keyId);
    expect(rec?.public_key).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(JSON.stringify(sx.ex.keys('demo'))).not.toContain('PRIVATE');
    expect(createPublicKey(priv).equals(createPublicKey(rec!.public_key))).toBe(true);
  });

  it('makes an Ed25519 pair: PKCS#8 private key that signs accepted requests', async () => {
    const owner = sx.ex.seedAccount('production');
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
    const key = sx.ex.seedAccount('demo');
    expectInvalid(await call('/api_keys/generate', { method: 'POST', key, body }));
    expect(sx.ex.keys('demo')).toHaveLength(1);
  });
});

describe('DELETE /api_keys/{id}', () => {
  it('deletes with 204 and an empty body, then answers 404', async () => {
    const owner = sx.ex.seedAccount('demo');
    const victim = sx.ex.seedAccount('demo');
    const a = await call(`/api_keys/${victim.keyId}`, { method: 'DELETE', key: owner });
    expect(a.status).toBe(204);
    expect(a.text).toBe('');
    expect(sx.ex.keys('demo').map((k) => k.api_key_id)).toEqual([owner.keyId]);
    expectAuthError(await call('/api_keys', { key: victim }), 'NOT_FOUND');

    const again = await call(`/api_keys/${victim.keyId}`, { method: 'DELETE', key: owner });
    expect(again.status).toBe(404);
    expect(again.json.error.code).toBe('not_found');
  });

  it('answers 404 for a key of the other environment', async () => {
    const demo = sx.ex.seedAccount('demo');
    const prod = sx.ex.seedAccount('production');
    expect((await call(`/api_keys/${demo.keyId}`, { method: 'DELETE', host: PROD, key: prod })).status).toBe(404);
    expect(sx.ex.keys('demo')).toHaveLength(1);
  });

  it('answers 400 for an id that is not a UUID', async () => {
    const key = sx.ex.seedAccount('demo');
    expectInvalid(await call('/api_keys/not-a-uuid', { method: 'DELETE', key }));
    expectInvalid(await call('/api_keys/%E0%A4%A', { method: 'DELETE', key }));
    expect(sx.ex.keys('demo')).toHaveLength(1);
  });

  it('lets a key delete itself, locking that client out', async () => {
    const key = sx.ex.seedAccount('demo');
    expect((await call(`/api_keys/${key.keyId}`, { method: 'DELETE', key })).status).toBe(204);
    expectAuthError(await call('/api_keys', { key }), 'NOT_FOUND');
  });
});

describe('scopes', () => {
  it('lets a read-only key list but not delete, generate or upload', async () => {
    const reader = sx.ex.seedAccount('demo', { scopes: ['read'], usageTier: 'premier' });
    const other = sx.ex.seedAccount('demo');
    expect((await call('/api_keys', { key: reader })).status).toBe(200);

    const del = await call(`/api_keys/${other.keyId}`, { method: 'DELETE', key: reader });
    expect(del.status).toBe(403);
    expect(del.json.error.code).toBe('insufficient_scope');
    expect(typeof del.json.error.message).toBe('string');
    expect(sx.ex.keys('demo')).toHaveLength(2);

    expect((await call('/api_keys/generate', { method: 'POST', key: reader, body: { name: 'x' } })).json.error.code).toBe(
      'insufficient_scope',
    );
    const up = await call('/api_keys', { method: 'POST', key: reader, body: { name: 'x', public_key: freshSpki('ed25519').publicKeyPem } });
    expect(up.status).toBe(403);
    expect(up.json.error.code).toBe('insufficient_scope');
    expect(sx.ex.keys('demo')).toHaveLength(2);
  });

  it('lets read::portfolio_balance read the balance only', async () => {
    const key = sx.ex.seedAccount('demo', { scopes: ['read::portfolio_balance'] });
    expect((await call('/portfolio/balance', { key })).status).toBe(200);
    expect((await call('/api_keys', { key })).status).toBe(403);
    expect((await call('/account/limits', { key })).status).toBe(403);
  });

  it('refuses key management to a write::trade-only key', async () => {
    const key = sx.ex.seedAccount('demo', { scopes: ['read', 'write::trade'] });
    expect((await call('/api_keys/generate', { method: 'POST', key, body: { name: 'x' } })).status).toBe(403);
  });

  it('seedAccount refuses invalid scopes', () => {
    expect(() => sx.ex.seedAccount('demo', { scopes: ['write'] })).toThrow();
    expect(() => sx.ex.seedAccount('demo', { scopes: ['root'] })).toThrow();
  });
});

describe('deleteKeyOutOfBand (kalshi.com or another device deletes a key)', () => {
  it('removes the key without a request: it signs nothing any more and leaves the list', async () => {
    const owner = sx.ex.seedAccount('demo');
    const victim = sx.ex.seedAccount('demo', { name: 'phone' });
    expect((await call('/api_keys', { key: victim })).status).toBe(200);
    const logged = sx.ex.requests.length;

    expect(sx.ex.deleteKeyOutOfBand('demo', victim.keyId)).toBe(true);
    expect(sx.ex.requests).toHaveLength(logged); // no HTTP request was involved
    expectAuthError(await call('/api_keys', { key: victim }), 'NOT_FOUND');
    const list = await call('/api_keys', { key: owner });
    expect(list.json.api_keys.map((k: { api_key_id: string }) => k.api_key_id)).toEqual([owner.keyId]);
    // The client that still shows it gets a 404 when it tries to delete it.
    expect((await call(`/api_keys/${victim.keyId}`, { method: 'DELETE', key: owner })).status).toBe(404);
  });

  it('answers false for a key that is not there, or is in the other environment', () => {
    const demo = sx.ex.seedAccount('demo');
    expect(sx.ex.deleteKeyOutOfBand('production', demo.keyId)).toBe(false);
    expect(sx.ex.deleteKeyOutOfBand('demo', randomUUID())).toBe(false);
    expect(sx.ex.keys('demo')).toHaveLength(1);
  });
});
