/**
 * The sandbox exchange: several Kalshi accounts in one environment. A key belongs to one account
 * and every signed request acts on that account only; a plain Env still means the default account.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { freshSpki, HOSTS, type Answer } from '../../exchange/client';
import { expectAuthError, useExchange } from '../helpers/exchange-harness';

const { production: PROD } = HOSTS;
const B = { env: 'demo', account: 'b' } as const;
const ids = (a: Answer): string[] => a.json.api_keys.map((k: { api_key_id: string }) => k.api_key_id);

const sx = useExchange();
const { call, setClock } = sx;

/** Account A is the default ('main'), seeded the way existing tests do; B is a second account. */
function twoAccounts(aOpts = {}, bOpts = {}) {
  const a = sx.ex.seedAccount('demo', aOpts);
  const b = sx.ex.seedAccount('demo', { ...bOpts, account: 'b' });
  return { a, b };
}

describe('keys belong to one account', () => {
  it("lists only the signing key's own account", async () => {
    const { a, b } = twoAccounts();
    const a2 = sx.ex.seedAccount('demo', { name: 'second of A' });
    const b2 = sx.ex.seedAccount(B, { name: 'second of B' });
    expect(sx.ex.accounts('demo')).toEqual(['main', 'b']);
    expect(ids(await call('/api_keys', { key: a }))).toEqual([a.keyId, a2.keyId]);
    expect(ids(await call('/api_keys', { key: b2 }))).toEqual([b.keyId, b2.keyId]);
    expect(sx.ex.keys('demo').map((k) => k.api_key_id)).toEqual([a.keyId, a2.keyId]);
    expect(sx.ex.keys(B).map((k) => k.api_key_id)).toEqual([b.keyId, b2.keyId]);
  });

  it('gives each account its own communications id and user id, stable across calls', async () => {
    const { a, b } = twoAccounts();
    const idA = (await call('/communications/id', { key: a })).json.communications_id;
    const idB = (await call('/communications/id', { key: b })).json.communications_id;
    expect(idA).toEqual(expect.any(String));
    expect(idB).toEqual(expect.any(String));
    expect(idB).not.toBe(idA);
    expect((await call('/communications/id', { key: a })).json.communications_id).toBe(idA);
    expect((await call('/communications/id', { key: b })).json.communications_id).toBe(idB);
    expect(sx.ex.communicationsId('demo')).toBe(idA);
    expect(sx.ex.communicationsId(B)).toBe(idB);
    expect(sx.ex.userId(B)).not.toBe(sx.ex.userId('demo'));
  });

  it("creates and generates in the signing key's account only", async () => {
    const { a, b } = twoAccounts({}, { usageTier: 'premier' });
    const up = await call('/api_keys', {
      method: 'POST',
      key: b,
      body: { name: 'uploaded', public_key: freshSpki('ed25519').publicKeyPem },
    });
    expect(up.status).toBe(201);
    const gen = await call('/api_keys/generate', { method: 'POST', key: b, body: { name: 'generated' } });
    expect(gen.status).toBe(201);
    expect(sx.ex.keys(B).map((k) => k.name)).toEqual(['sandbox', 'uploaded', 'generated']);
    expect(sx.ex.keys('demo').map((k) => k.api_key_id)).toEqual([a.keyId]);
    expect(ids(await call('/api_keys', { key: a }))).toEqual([a.keyId]);
    // The generated key acts for B as well.
    const made = { keyId: gen.json.api_key_id as string, privateKeyPem: gen.json.private_key as string };
    expect((await call('/communications/id', { key: made })).json.communications_id).toBe(sx.ex.communicationsId(B));
  });

  it("refuses to delete another account's key with the 404 of an unknown key; that key survives", async () => {
    const { a, b } = twoAccounts();
    const foreign = await call(`/api_keys/${a.keyId}`, { method: 'DELETE', key: b });
    const unknown = await call(`/api_keys/${randomUUID()}`, { method: 'DELETE', key: b });
    expect(foreign.status).toBe(404);
    expect(foreign.json).toEqual({ error: { code: 'not_found', message: 'not found', details: 'no such API key' } });
    expect(foreign.json).toEqual(unknown.json);
    expect(sx.ex.keys('demo').map((k) => k.api_key_id)).toEqual([a.keyId]);
    expect((await call('/api_keys', { key: a })).status).toBe(200);
    // Out of band, too, a key is deleted only from the account named.
    expect(sx.ex.deleteKeyOutOfBand(B, a.keyId)).toBe(false);
    expect(sx.ex.deleteKeyOutOfBand('demo', b.keyId)).toBe(false);
    expect(sx.ex.deleteKeyOutOfBand(B, b.keyId)).toBe(true);
    expect(sx.ex.keys('demo')).toHaveLength(1);
  });
});

describe('account facts are per account', () => {
  it('location attestation and api_key_region_expiration_ts', async () => {
    const { a, b } = twoAccounts();
    setClock(1_800_000_000_000);
    sx.ex.setRegionExpiration(B, 1_795_000_000);
    expect((await call('/api_keys', { key: b })).json.api_key_region_expiration_ts).toBe(1_795_000_000);
    expect('api_key_region_expiration_ts' in (await call('/api_keys', { key: a })).json).toBe(false);
    sx.ex.setRegionExpiration('demo', 1_900_000_000);
    sx.ex.setLocationAttestation(B, 'missing');
    expect('api_key_region_expiration_ts' in (await call('/api_keys', { key: b })).json).toBe(false);
    expect((await call('/api_keys', { key: a })).json.api_key_region_expiration_ts).toBe(1_900_000_000);
  });

  it('usage tier, grants and the right to upload', async () => {
    const { a, b } = twoAccounts({ usageTier: 'basic' });
    sx.ex.setUsageTier(B, 'premier');
    setClock(1_800_000_000_000);
    const limitsA = (await call('/account/limits', { key: a })).json;
    const limitsB = (await call('/account/limits', { key: b })).json;
    expect([limitsA.usage_tier, limitsA.grants]).toEqual(['basic', []]);
    expect([limitsB.usage_tier, limitsB.read.refill_rate]).toEqual(['premier', 1200]);
    expect(limitsB.grants).toEqual([
      { exchange_instance: 'event_contract', level: 'premier', source: 'volume', expires_ts: 1_800_000_000 + 30 * 86_400 },
    ]);
    const manual = [{ exchange_instance: 'margined', level: 'prime', source: 'manual' }] as const;
    sx.ex.setGrants('demo', [...manual]);
    expect((await call('/account/limits', { key: a })).json.grants).toEqual(manual);
    expect((await call('/account/limits', { key: b })).json.grants).toEqual(limitsB.grants);

    const upload = (key: typeof a) =>
      call('/api_keys', { method: 'POST', key, body: { name: 'up', public_key: freshSpki('ed25519').publicKeyPem } });
    expect((await upload(a)).status).toBe(403);
    expect((await upload(b)).status).toBe(201);
    sx.ex.setUploadAllowed(B, false);
    sx.ex.setUploadAllowed('demo', true);
    expect((await upload(b)).status).toBe(403);
    expect((await upload(a)).status).toBe(201);
  });

  it('upgrade: 201 for the account with a recent API order, 403 for the other', async () => {
    const { a, b } = twoAccounts({ usageTier: 'basic' }, { usageTier: 'basic' });
    sx.ex.setRecentApiOrder(B, true);
    expect((await call('/account/api_usage_level/upgrade', { method: 'POST', key: a, body: {} })).status).toBe(403);
    expect((await call('/account/api_usage_level/upgrade', { method: 'POST', key: b, body: {} })).status).toBe(201);
    expect((await call('/account/limits', { key: b })).json.usage_tier).toBe('advanced');
    expect((await call('/account/limits', { key: a })).json).toMatchObject({ usage_tier: 'basic', grants: [] });
  });

  it('volume progress and balance', async () => {
    const { a, b } = twoAccounts();
    const progress = [{ computed_ts: 1_796_000_000, trailing_30d_volume_fp: '12345.00', goals: [] }];
    sx.ex.setVolumeProgress(B, progress);
    expect((await call('/account/api_usage_level/volume_progress', { key: b })).json.volume_progress).toEqual(progress);
    const ofA = (await call('/account/api_usage_level/volume_progress', { key: a })).json.volume_progress;
    expect(ofA).toHaveLength(1);
    expect(ofA[0].trailing_30d_volume_fp).toBe('0.00');
    sx.ex.setBalance(B, 555, { portfolioValueCents: 7 });
    expect((await call('/portfolio/balance', { key: b })).json).toMatchObject({ balance: 555, portfolio_value: 7 });
    expect((await call('/portfolio/balance', { key: a })).json).toMatchObject({ balance: 100_000, portfolio_value: 0 });
  });

  it("FCM membership: subtrader ids carry the account's own user id", () => {
    sx.ex.setFcmMember(B, true);
    sx.ex.setFcmMember('demo', true);
    expect(() => sx.ex.seedAccount(B, { fcmSubtraderId: `${sx.ex.userId('demo')}_x` })).toThrow('fcmSubtraderId');
    expect(() => sx.ex.seedAccount('demo', { fcmSubtraderId: `${sx.ex.userId(B)}_x` })).toThrow('fcmSubtraderId');
    const bound = sx.ex.seedAccount(B, { fcmSubtraderId: `${sx.ex.userId(B)}_x` });
    expect(sx.ex.keys(B).map((k) => [k.api_key_id, k.fcm_subtrader_id])).toEqual([[bound.keyId, `${sx.ex.userId(B)}_x`]]);
  });
});

describe('the default account and the controls', () => {
  it("a plain env means the 'main' account, however it is named", async () => {
    const plain = sx.ex.seedAccount('demo');
    const named = sx.ex.seedAccount({ env: 'demo', account: 'main' });
    const viaOption = sx.ex.seedAccount('demo', { account: 'main' });
    expect(sx.ex.accounts('demo')).toEqual(['main']);
    expect(sx.ex.keys('demo').map((k) => k.api_key_id)).toEqual([plain.keyId, named.keyId, viaOption.keyId]);
    expect(ids(await call('/api_keys', { key: named }))).toEqual([plain.keyId, named.keyId, viaOption.keyId]);
    expect(sx.ex.communicationsId({ env: 'demo', account: 'main' })).toBe(sx.ex.communicationsId('demo'));
    expect((await call('/communications/id', { key: plain })).json.communications_id).toBe(sx.ex.communicationsId('demo'));
    sx.ex.setUsageTier({ env: 'demo', account: 'main' }, 'prime');
    expect((await call('/account/limits', { key: plain })).json.usage_tier).toBe('prime');
  });

  it('the same label in two environments names two accounts', async () => {
    const demoB = sx.ex.seedAccount(B);
    const prodB = sx.ex.seedAccount({ env: 'production', account: 'b' });
    expect(sx.ex.accounts('production')).toEqual(['b']);
    expect(sx.ex.communicationsId({ env: 'production', account: 'b' })).not.toBe(sx.ex.communicationsId(B));
    expect(ids(await call('/api_keys', { key: prodB, host: PROD }))).toEqual([prodB.keyId]);
    expectAuthError(await call('/api_keys', { key: demoB, host: PROD }), 'NOT_FOUND');
  });

  it('refuses conflicting or empty account names; reads make no account', () => {
    expect(() => sx.ex.seedAccount(B, { account: 'c' })).toThrow('seedAccount');
    expect(() => sx.ex.seedAccount({ env: 'demo', account: '' })).toThrow('label');
    expect(() => sx.ex.setUsageTier({ env: 'demo', account: '' }, 'basic')).toThrow('label');
    expect(sx.ex.keys({ env: 'demo', account: 'nobody' })).toEqual([]);
    expect(sx.ex.deleteKeyOutOfBand({ env: 'demo', account: 'nobody' }, randomUUID())).toBe(false);
    expect(sx.ex.accounts('demo')).toEqual([]);
  });

  it('reset() forgets every account', async () => {
    const { a, b } = twoAccounts();
    const idB = sx.ex.communicationsId(B);
    sx.ex.reset();
    expect(sx.ex.accounts('demo')).toEqual([]);
    expect(sx.ex.keys(B)).toEqual([]);
    expectAuthError(await call('/api_keys', { key: b }), 'NOT_FOUND');
    expectAuthError(await call('/api_keys', { key: a }), 'NOT_FOUND');
    expect(sx.ex.communicationsId(B)).not.toBe(idB);
  });
});

describe('the request log', () => {
  it('names the account of the key a request was signed with', async () => {
    const { a, b } = twoAccounts();
    await call('/api_keys', { key: a });
    await call('/api_keys', { key: b });
    await call('/api_keys', { key: b, signature: 'c2lnbmF0dXJl' }); // a known key, a bad signature
    await call('/api_keys', { key: { keyId: randomUUID(), privateKeyPem: b.privateKeyPem } });
    await call('/exchange/status');
    await call(`/api_keys/${b.keyId}`, { method: 'DELETE', key: b }); // the key deletes itself
    expect(sx.ex.requests.map((r) => [r.keyId === undefined ? '-' : r.keyId, r.account ?? '-', r.status])).toEqual([
      [a.keyId, 'main', 200],
      [b.keyId, 'b', 200],
      [b.keyId, 'b', 401],
      [expect.any(String), '-', 401],
      ['-', '-', 200],
      [b.keyId, 'b', 204],
    ]);
    expect('account' in sx.ex.requests[4]!).toBe(false);
  });
});
