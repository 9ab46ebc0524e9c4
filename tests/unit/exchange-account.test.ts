/**
 * The sandbox exchange: account facts (tier, budgets, grants, progress, upgrade, communications id),
 * the balance and its fields, and the location attestation.
 */
import { describe, expect, it } from 'vitest';
import { freshSpki, HOSTS } from '../../exchange/client';
import { expectAuthError, useExchange } from '../helpers/exchange-harness';

const { production: PROD } = HOSTS;

const sx = useExchange();
const { call, setClock } = sx;

describe('account endpoints', () => {
  it('reports the usage tier and follows setUsageTier', async () => {
    const key = sx.ex.seedAccount('demo', { usageTier: 'basic' });
    const a = await call('/account/limits', { key });
    expect(a.status).toBe(200);
    expect(a.json).toEqual({
      usage_tier: 'basic',
      read: { refill_rate: 200, bucket_capacity: 600 },
      write: { refill_rate: 100, bucket_capacity: 100 },
      grants: [],
    });
    sx.ex.setUsageTier('demo', 'premier');
    const b = await call('/account/limits', { key });
    expect(b.json.usage_tier).toBe('premier');
    expect(b.json.read.refill_rate).toBeGreaterThan(20);
    // and the tier now allows uploads
    const up = await call('/api_keys', { method: 'POST', key, body: { name: 'x', public_key: freshSpki('ed25519').publicKeyPem } });
    expect(up.status).toBe(201);
  });

  it('returns a balance', async () => {
    const key = sx.ex.seedAccount('demo');
    setClock(1_800_000_000_123);
    const a = await call('/portfolio/balance', { key });
    expect(a.status).toBe(200);
    expect(a.json).toEqual({ balance: 100000, balance_dollars: '1000.00', portfolio_value: 0, updated_ts: 1_800_000_000 });
  });

  it('reset drops accounts and keys', async () => {
    const key = sx.ex.seedAccount('demo');
    sx.ex.reset();
    expect(sx.ex.keys('demo')).toEqual([]);
    expectAuthError(await call('/api_keys', { key }), 'NOT_FOUND');
  });
});

describe('GET /account/limits: figures and grants', () => {
  // Kalshi: bucket_capacity is 3× refill_rate for Write above Basic and for Read at Basic and Advanced.
  it.each([
    ['basic', [200, 600], [100, 100]],
    ['advanced', [300, 900], [300, 900]],
    ['expert', [600, 600], [600, 1800]],
    ['premier', [1200, 1200], [1200, 3600]],
    ['paragon', [2400, 2400], [2400, 7200]],
    ['prime', [4800, 4800], [4800, 14400]],
    ['prestige', [12000, 12000], [9600, 28800]],
  ] as const)("reports Kalshi's October-2026 budgets at %s: read %j, write %j (per second, bucket)", async (tier, read, write) => {
    const key = sx.ex.seedAccount('demo', { usageTier: tier });
    const a = await call('/account/limits', { key });
    expect(a.json.read).toEqual({ refill_rate: read[0], bucket_capacity: read[1] });
    expect(a.json.write).toEqual({ refill_rate: write[0], bucket_capacity: write[1] });
  });

  it('shows a 30-day volume grant above basic by default, and any grants a test sets', async () => {
    const key = sx.ex.seedAccount('demo', { usageTier: 'premier' });
    setClock(1_800_000_000_500);
    const a = await call('/account/limits', { key });
    expect(a.json.grants).toEqual([
      { exchange_instance: 'event_contract', level: 'premier', source: 'volume', expires_ts: 1_800_000_000 + 30 * 86_400 },
    ]);
    const grants = [
      { exchange_instance: 'event_contract', level: 'prime', source: 'manual' },
      { exchange_instance: 'margined', level: 'expert', source: 'volume', expires_ts: 1_801_000_000 },
    ] as const;
    sx.ex.setGrants('demo', [...grants]);
    expect((await call('/account/limits', { key })).json.grants).toEqual(grants);
    sx.ex.setGrants('demo', null);
    expect((await call('/account/limits', { key })).json.grants).toHaveLength(1);
  });
});

describe('usage-level progress, upgrade, communications id', () => {
  it('GET /account/api_usage_level/volume_progress answers the documented shape, or what a test sets', async () => {
    const key = sx.ex.seedAccount('demo');
    const a = await call('/account/api_usage_level/volume_progress', { key });
    expect(a.status).toBe(200);
    const [p] = a.json.volume_progress;
    expect(Number.isInteger(p.computed_ts)).toBe(true);
    expect(p.trailing_30d_volume_fp).toMatch(/^\d+\.\d{2}$/);
    expect(p.goals.map((g: { level: string }) => g.level)).toEqual(['expert', 'premier', 'paragon', 'prime', 'prestige']);
    for (const g of p.goals) {
      expect(g.earn_volume_goal_fp).toMatch(/^\d+\.\d{2}$/);
      expect(g.keep_volume_goal_fp).toMatch(/^\d+\.\d{2}$/);
    }
    const progress = [{ computed_ts: 1_796_000_000, trailing_30d_volume_fp: '12345.00', goals: [] }];
    sx.ex.setVolumeProgress('demo', progress);
    expect((await call('/account/api_usage_level/volume_progress', { key })).json).toEqual({ volume_progress: progress });
    expect((await call('/account/api_usage_level/volume_progress')).status).toBe(401);
  });

  it('POST /account/api_usage_level/upgrade: 403 without an API order among the last 100; then a permanent Advanced grant', async () => {
    const key = sx.ex.seedAccount('demo', { usageTier: 'basic' });
    const upgrade = { method: 'POST', key, body: {} };
    const refused = await call('/account/api_usage_level/upgrade', upgrade);
    expect(refused.status).toBe(403);
    expect(refused.json.error).toEqual({ code: 'forbidden', message: expect.any(String) });
    sx.ex.setRecentApiOrder('demo', true);
    const ok = await call('/account/api_usage_level/upgrade', upgrade);
    expect(ok.status).toBe(201);
    expect(ok.text).toBe('');
    const limits = (await call('/account/limits', { key })).json;
    expect(limits.usage_tier).toBe('advanced');
    expect(limits.grants).toEqual([{ exchange_instance: 'event_contract', level: 'advanced', source: 'manual' }]);
    // A higher tier is kept; a read-only key may not upgrade.
    sx.ex.setUsageTier('demo', 'premier');
    expect((await call('/account/api_usage_level/upgrade', upgrade)).status).toBe(201);
    expect((await call('/account/limits', { key })).json.usage_tier).toBe('premier');
    const reader = sx.ex.seedAccount('demo', { scopes: ['read'] });
    expect((await call('/account/api_usage_level/upgrade', { ...upgrade, key: reader })).status).toBe(403);
  });

  it('POST /account/api_usage_level/upgrade without a JSON body: 400 invalid_content_type (a guess from reports), nothing granted', async () => {
    const key = sx.ex.seedAccount('demo', { usageTier: 'basic' });
    sx.ex.setRecentApiOrder('demo', true);
    const bare = await call('/account/api_usage_level/upgrade', { method: 'POST', key });
    expect(bare.status).toBe(400);
    expect(bare.json.error).toMatchObject({ code: 'invalid_content_type', message: expect.any(String) });
    expect((await call('/account/limits', { key })).json.usage_tier).toBe('basic');
    expect((await call('/account/api_usage_level/upgrade', { method: 'POST', key, body: '{}' })).status).toBe(201);
  });

  it('GET /communications/id is stable per account, differs between accounts, and needs a signature', async () => {
    const a = sx.ex.seedAccount('demo');
    const b = sx.ex.seedAccount('demo');
    const p = sx.ex.seedAccount('production');
    const first = await call('/communications/id', { key: a });
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ communications_id: expect.any(String) });
    expect((await call('/communications/id', { key: b })).json).toEqual(first.json);
    const prod = await call('/communications/id', { key: p, host: PROD });
    expect(prod.json.communications_id).not.toBe(first.json.communications_id);
    expect((await call('/communications/id')).status).toBe(401);
  });
});

describe('GET /portfolio/balance: the documented fields', () => {
  it('answers balance and portfolio value in cents, balance_dollars as a string, updated_ts', async () => {
    const key = sx.ex.seedAccount('demo');
    sx.ex.setBalance('demo', 123_456, { portfolioValueCents: 7_890 });
    setClock(1_800_000_000_999);
    const a = await call('/portfolio/balance', { key });
    expect(a.json).toEqual({ balance: 123_456, balance_dollars: '1234.56', portfolio_value: 7_890, updated_ts: 1_800_000_000 });
    sx.ex.setBalance('demo', 5);
    expect((await call('/portfolio/balance', { key })).json).toMatchObject({ balance: 5, balance_dollars: '0.05', portfolio_value: 0 });
  });

  it('refuses a subaccount that is not an integer from 0 to 63 (a guess at its code and words)', async () => {
    const key = sx.ex.seedAccount('demo');
    for (const q of ['subaccount=64', 'subaccount=-1', 'subaccount=abc']) {
      const a = await call(`/portfolio/balance?${q}`, { key });
      expect(a.status, q).toBe(400);
      expect(a.json.error.code).toBe('invalid_parameters');
    }
  });
});

describe('location attestation', () => {
  it('GET /api_keys carries api_key_region_expiration_ts only when the account has one', async () => {
    const key = sx.ex.seedAccount('demo');
    setClock(1_800_000_000_000);
    expect('api_key_region_expiration_ts' in (await call('/api_keys', { key })).json).toBe(false);
    sx.ex.setRegionExpiration('demo', 1_795_000_000);
    expect((await call('/api_keys', { key })).json.api_key_region_expiration_ts).toBe(1_795_000_000);
    sx.ex.setLocationAttestation('demo', 'missing');
    expect('api_key_region_expiration_ts' in (await call('/api_keys', { key })).json).toBe(false);
    sx.ex.setRegionExpiration('demo', 1_900_000_000);
    sx.ex.setLocationAttestation('demo', 'expired');
    const expired = (await call('/api_keys', { key })).json.api_key_region_expiration_ts;
    expect(expired).toBeLessThan(1_800_000_000);
    sx.ex.setRegionExpiration('demo', null);
    expect('api_key_region_expiration_ts' in (await call('/api_keys', { key })).json).toBe(false);
  });

  it('an expired or missing attestation refuses neither the balance nor key management (Kalshi limits trading only)', async () => {
    const key = sx.ex.seedAccount('demo');
    for (const attestation of ['expired', 'missing'] as const) {
      sx.ex.setLocationAttestation('demo', attestation);
      expect((await call('/portfolio/balance', { key })).status).toBe(200);
      expect((await call('/api_keys', { key })).status).toBe(200);
      const made = await call('/api_keys/generate', { method: 'POST', key, body: { name: attestation } });
      expect(made.status).toBe(201);
      expect((await call(`/api_keys/${made.json.api_key_id}`, { method: 'DELETE', key })).status).toBe(204);
    }
  });
});
