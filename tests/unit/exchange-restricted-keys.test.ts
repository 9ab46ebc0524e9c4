/**
 * The sandbox exchange: keys a browser cannot use freely. FCM-bound keys (denied on every REST
 * endpoint) and subaccount-restricted keys (their own subaccount only).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { freshSpki } from '../../exchange/client';
import { expectAuthError, expectInvalid, useExchange } from '../helpers/exchange-harness';

const PREFIX = '/trade-api/v2';

const sx = useExchange();
const { call } = sx;

describe('FCM-bound keys', () => {
  it('an FCM member binds a generated key to {user_id}_{suffix}; the 201 carries a warning', async () => {
    const owner = sx.ex.seedAccount('demo');
    sx.ex.setFcmMember('demo', true);
    const subtrader = `${sx.ex.userId('demo')}_Bot7`;
    const a = await call('/api_keys/generate', { method: 'POST', key: owner, body: { name: 'bot', fcm_subtrader_id: subtrader } });
    expect(a.status).toBe(201);
    expect(a.json).toEqual({
      api_key_id: expect.any(String),
      private_key: expect.any(String),
      key_type: 'rsa',
      warning: expect.any(String),
    });
    expect(a.json.warning.length).toBeGreaterThan(0);
    const list = await call('/api_keys', { key: owner });
    expect(list.json.api_keys).toContainEqual(
      expect.objectContaining({ api_key_id: a.json.api_key_id, fcm_subtrader_id: subtrader, subaccount: null }),
    );
    // The list can be narrowed to one subtrader.
    const only = await call(`/api_keys?fcm_subtrader_id=${encodeURIComponent(subtrader)}`, { key: owner });
    expect(only.json.api_keys.map((k: { api_key_id: string }) => k.api_key_id)).toEqual([a.json.api_key_id]);
  });

  it('uploads bound to a subtrader get a warning too; an unbound key gets warning null', async () => {
    const owner = sx.ex.seedAccount('demo', { usageTier: 'premier' });
    sx.ex.setFcmMember('demo', true);
    const body = { name: 'bot', public_key: freshSpki('ed25519').publicKeyPem };
    const bound = await call('/api_keys', { method: 'POST', key: owner, body: { ...body, fcm_subtrader_id: `${sx.ex.userId('demo')}_1` } });
    expect(bound.status).toBe(201);
    expect(typeof bound.json.warning).toBe('string');
    const plain = await call('/api_keys', { method: 'POST', key: owner, body: { ...body, public_key: freshSpki().publicKeyPem } });
    expect(plain.json).toEqual({ api_key_id: expect.any(String), warning: null });
  });

  it.each([
    ['an empty suffix', (u: string) => `${u}_`],
    ['a 17-character suffix', (u: string) => `${u}_${'a'.repeat(17)}`],
    ['a dash in the suffix', (u: string) => `${u}_ab-c`],
    ['a non-ASCII letter', (u: string) => `${u}_é`],
    ['no underscore', (u: string) => `${u}abc`],
    ["another user's id", () => `${randomUUID()}_abc`],
    ['the user id in capitals (case-sensitive)', (u: string) => `${u.toUpperCase()}_abc`],
  ])('refuses %s in fcm_subtrader_id with 400', async (_label, make) => {
    const owner = sx.ex.seedAccount('demo');
    sx.ex.setFcmMember('demo', true);
    const a = await call('/api_keys/generate', {
      method: 'POST',
      key: owner,
      body: { name: 'x', fcm_subtrader_id: make(sx.ex.userId('demo')) },
    });
    expectInvalid(a);
    expect(sx.ex.keys('demo')).toHaveLength(1);
  });

  it('accepts suffixes of 1 and 16 letters or digits', async () => {
    const owner = sx.ex.seedAccount('demo');
    sx.ex.setFcmMember('demo', true);
    for (const suffix of ['z', 'aZ09bY18cX27dW36']) {
      const a = await call('/api_keys/generate', {
        method: 'POST',
        key: owner,
        body: { name: 'x', fcm_subtrader_id: `${sx.ex.userId('demo')}_${suffix}` },
      });
      expect(a.status, suffix).toBe(201);
    }
  });

  it('denies a bound key on every REST endpoint, key management included, after the signature check', async () => {
    sx.ex.seedAccount('demo', { usageTier: 'premier' });
    sx.ex.setFcmMember('demo', true);
    const bound = sx.ex.seedAccount('demo', { fcmSubtraderId: `${sx.ex.userId('demo')}_desk` });
    const other = sx.ex.seedAccount('demo');
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', '/api_keys'],
      ['POST', '/api_keys', { name: 'x', public_key: freshSpki().publicKeyPem }],
      ['POST', '/api_keys/generate', { name: 'x' }],
      ['DELETE', `/api_keys/${other.keyId}`],
      ['DELETE', `/api_keys/${bound.keyId}`],
      ['GET', '/account/limits'],
      ['GET', '/account/api_usage_level/volume_progress'],
      ['POST', '/account/api_usage_level/upgrade'],
      ['GET', '/communications/id'],
      ['GET', '/portfolio/balance'],
    ];
    for (const [method, path, body] of attempts) {
      const a = await call(path, { method, key: bound, body });
      expect(a.status, `${method} ${path}`).toBe(403);
      expect(a.json).toEqual({ error: { code: 'forbidden', message: expect.any(String) } });
    }
    expect(sx.ex.keys('demo')).toHaveLength(3);
    // A bad signature with the bound key's id is still a 401.
    expectAuthError(await call('/api_keys', { key: { keyId: bound.keyId, privateKeyPem: other.privateKeyPem } }), 'BAD_SIGNATURE');
    // Still public: the exchange status.
    expect((await call('/exchange/status')).status).toBe(200);
  });

  it('seedAccount binds only on an FCM member, with a well-formed id', () => {
    expect(() => sx.ex.seedAccount('demo', { fcmSubtraderId: `${sx.ex.userId('demo')}_a` })).toThrow();
    sx.ex.setFcmMember('demo', true);
    expect(() => sx.ex.seedAccount('demo', { fcmSubtraderId: 'nobody_a' })).toThrow();
    expect(sx.ex.seedAccount('demo', { fcmSubtraderId: `${sx.ex.userId('demo')}_a` }).keyId).toBeTruthy();
  });
});

describe('subaccount-restricted keys', () => {
  it('a key for subaccount 3 acts for it with ?subaccount=3 or without the query; naming another is refused (a guess)', async () => {
    const owner = sx.ex.seedAccount('demo');
    const gen = await call('/api_keys/generate', { method: 'POST', key: owner, body: { name: 'sub3', subaccount: 3 } });
    const sub3 = { keyId: gen.json.api_key_id as string, privateKeyPem: gen.json.private_key as string };
    sx.ex.setBalance('demo', 4_200, { subaccount: 3 });

    const own = await call('/portfolio/balance?subaccount=3', { key: sub3 });
    expect(own.status).toBe(200);
    expect(own.json).toMatchObject({ balance: 4_200, balance_dollars: '42.00' });
    // Kalshi's newest docs: a key restricted to a subaccount acts for it without the query.
    const bare = await call('/portfolio/balance', { key: sub3 });
    expect([bare.status, bare.json.balance]).toEqual([200, 4_200]);
    for (const path of ['/portfolio/balance?subaccount=0', '/portfolio/balance?subaccount=4']) {
      const a = await call(path, { key: sub3 });
      expect(a.status, path).toBe(403);
      expect(a.json.error.code).toBe('forbidden');
    }
    // The signature covers the path without the query: signing the query fails.
    expectAuthError(
      await call('/portfolio/balance?subaccount=3', { key: sub3, signedPath: `${PREFIX}/portfolio/balance?subaccount=3` }),
      'BAD_SIGNATURE',
    );
  });

  it('a key for subaccount 0 is refused the others (a guess); an unrestricted key reads any, 0 by default', async () => {
    const zero = sx.ex.seedAccount('demo', { subaccount: 0 });
    const full = sx.ex.seedAccount('demo');
    sx.ex.setBalance('demo', 900, { subaccount: 5 });
    expect((await call('/portfolio/balance', { key: zero })).json.balance).toBe(100_000);
    expect((await call('/portfolio/balance?subaccount=5', { key: zero })).status).toBe(403);
    expect((await call('/portfolio/balance?subaccount=5', { key: full })).json.balance).toBe(900);
    expect((await call('/portfolio/balance?subaccount=6', { key: full })).json).toMatchObject({ balance: 0, balance_dollars: '0.00' });
    expect((await call('/portfolio/balance', { key: full })).json.balance).toBe(100_000);
  });
});
