/**
 * Grants for bots (lib/bots): the extension signs for a program only what a live grant allows, on
 * Kalshi's API paths as signed. Property tests: no request outside a grant is ever let through.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBudgets } from '../../lib/bots/budget';
import { API_PREFIX, decide, POWERS, powerOf, PRESETS, WEBSOCKET_PATH, type Grant, type Power } from '../../lib/bots/grants';
import { grantOf, hashToken, isToken, newToken, sameHash } from '../../lib/bots/tokens';

const NOW = 1_800_000_000_000;
const grant = (powers: readonly Power[], extra: Partial<Grant> = {}): Grant => ({
  id: 'g1',
  name: 'market maker',
  environment: 'demo',
  keyId: 'k1',
  account: 'acct',
  powers: [...powers],
  createdAt: NOW - 1_000,
  expiresAt: NOW + 3_600_000,
  perSecond: 10,
  tokenHash: 'ab'.repeat(32),
  ...extra,
});

/** Paths a hostile or careless caller might send: Kalshi's, near misses, and tricks. */
const segment = fc.oneof(
  fc.constantFrom('portfolio', 'orders', 'order_groups', 'balance', 'api_keys', 'generate', 'transfer', 'subaccounts', 'markets', 'events'),
  fc.constantFrom('..', '.', '', '%2e%2e', '%2F', 'a b', 'KXBTC-25DEC31-T100000', 'abc?x=1', 'x#y', 'é', '\\', 'orders;', 'ORDERS'),
  fc.string({ maxLength: 8 }),
);
const path = fc.oneof(
  fc.array(segment, { maxLength: 5 }).map((s) => `${API_PREFIX}/${s.join('/')}`),
  fc.array(segment, { maxLength: 5 }).map((s) => `/${s.join('/')}`),
  fc.constantFrom(WEBSOCKET_PATH, `${WEBSOCKET_PATH}/`, API_PREFIX, `${API_PREFIX}//portfolio/orders`, `/trade-api/v3/portfolio/orders`),
  fc.string(),
);
const method = fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'get', 'HEAD', 'OPTIONS'), fc.string({ maxLength: 6 }));
const powers = fc.subarray([...POWERS]);

describe('which power a request needs', () => {
  it.each([
    ['GET', '/trade-api/v2/portfolio/balance', 'read'],
    ['GET', '/trade-api/v2/markets/KXBTC-25DEC31-T100000', 'read'],
    ['GET', WEBSOCKET_PATH, 'read'],
    ['POST', '/trade-api/v2/portfolio/orders', 'trade'],
    ['DELETE', '/trade-api/v2/portfolio/orders/4f1c0e0a-1b2c-4d5e-8f90-123456789abc', 'trade'],
    ['POST', '/trade-api/v2/portfolio/orders/batched', 'trade'],
    ['POST', '/trade-api/v2/portfolio/events/orders', 'trade'],
    ['POST', '/trade-api/v2/portfolio/events/orders/abc/decrease', 'trade'],
    ['POST', '/trade-api/v2/portfolio/events/positions', 'write'],
    ['POST', '/trade-api/v2/portfolio/orders/abc/amend', 'trade'],
    ['PUT', '/trade-api/v2/portfolio/order_groups/abc/reset', 'trade'],
    ['POST', '/trade-api/v2/portfolio/subaccounts/transfer', 'transfer'],
    ['GET', '/trade-api/v2/api_keys', 'read'],
    ['DELETE', '/trade-api/v2/api_keys/k1', 'keys'],
    ['POST', '/trade-api/v2/api_keys/generate', 'keys'],
    ['POST', '/trade-api/v2/portfolio/subaccounts', 'write'],
  ] as const)('%s %s needs %s', (m, p, power) => {
    expect(powerOf(m, p)).toBe(power);
  });

  it.each([
    ['GET', '/trade-api/v2/portfolio/orders?status=resting'],
    ['GET', '/trade-api/v2/portfolio/../api_keys'],
    ['GET', '/trade-api/v2/portfolio/%2e%2e/api_keys'],
    ['GET', '/trade-api/v2//api_keys'],
    ['GET', '/trade-api/v2/'],
    ['GET', '/trade-api/v3/portfolio/balance'],
    ['GET', 'https://evil.example/trade-api/v2/portfolio/balance'],
    ['POST', WEBSOCKET_PATH],
    ['PATCH', '/trade-api/v2/portfolio/orders'],
    ['get', '/trade-api/v2/portfolio/balance'],
  ])('%s %s is not one of Kalshi’s API paths as signed', (m, p) => {
    expect(powerOf(m, p)).toBeUndefined();
  });
});

describe('a grant decides', () => {
  it('a Read only grant reads and never places an order', () => {
    const read = grant(PRESETS.read);
    expect(decide(read, 'GET', '/trade-api/v2/portfolio/balance', NOW)).toEqual({ ok: true, power: 'read' });
    expect(decide(read, 'POST', '/trade-api/v2/portfolio/orders', NOW)).toMatchObject({
      ok: false,
      refusal: { code: 'outside_grant', needs: 'trade', message: expect.stringContaining('placing or cancelling orders') },
    });
  });

  it('Trade places orders, and still never moves money or touches keys', () => {
    const trade = grant(PRESETS.trade);
    expect(decide(trade, 'POST', '/trade-api/v2/portfolio/orders', NOW)).toEqual({ ok: true, power: 'trade' });
    for (const [m, p] of [
      ['POST', '/trade-api/v2/portfolio/subaccounts/transfer'],
      ['POST', '/trade-api/v2/api_keys'],
      ['DELETE', '/trade-api/v2/api_keys/k1'],
    ])
      expect(decide(trade, m!, p!, NOW)).toMatchObject({ ok: false, refusal: { code: 'outside_grant' } });
  });

  it('no token, a revoked grant, an expired one: refused in words', () => {
    const p = '/trade-api/v2/portfolio/balance';
    expect(decide(undefined, 'GET', p, NOW)).toMatchObject({ ok: false, refusal: { code: 'unknown_grant' } });
    expect(decide(grant(PRESETS.read, { revokedAt: NOW - 1 }), 'GET', p, NOW)).toMatchObject({
      ok: false,
      refusal: { code: 'grant_revoked', message: 'The grant “market maker” was revoked.' },
    });
    expect(decide(grant(PRESETS.read, { expiresAt: NOW }), 'GET', p, NOW)).toMatchObject({ ok: false, refusal: { code: 'grant_expired' } });
  });

  it('property: whatever is let through is a Kalshi API path as signed, of a power the grant names', () => {
    fc.assert(
      fc.property(powers, method, path, (allowed, m, p) => {
        const decision = decide(grant(allowed), m, p, NOW);
        if (!decision.ok) return;
        expect(allowed).toContain(decision.power);
        expect(['GET', 'POST', 'PUT', 'DELETE']).toContain(m);
        expect(p === WEBSOCKET_PATH || /^\/trade-api\/v2(\/(?!\.{1,2}(\/|$))[A-Za-z0-9_.~-]+)+$/.test(p)).toBe(true);
        if (decision.power === 'read') expect(m).toBe('GET');
        if (m !== 'GET' && p.split('/').includes('api_keys')) expect(decision.power).toBe('keys');
      }),
      { numRuns: 5_000 },
    );
  });

  it('property: a grant past its expiry or revoked lets nothing through', () => {
    fc.assert(
      fc.property(powers, method, path, fc.integer({ min: 0, max: 10 ** 9 }), (allowed, m, p, late) => {
        expect(decide(grant(allowed, { expiresAt: NOW - late }), m, p, NOW).ok).toBe(false);
        expect(decide(grant(allowed, { revokedAt: NOW - late }), m, p, NOW).ok).toBe(false);
      }),
    );
  });
});

describe('tokens', () => {
  it('are 256 random bits, told apart from a key id, kept only as a hash', async () => {
    const [a, b] = [newToken(), newToken()];
    expect(a).not.toBe(b);
    expect(isToken(a)).toBe(true);
    expect(isToken('4f1c0e0a-1b2c-4d5e-8f90-123456789abc')).toBe(false);
    const hash = await hashToken(a);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(a.slice(4));
    expect(await hashToken(a)).toBe(hash);
    expect(await hashToken(b)).not.toBe(hash);
  });

  it('find their grant, and nothing for a near miss', async () => {
    const token = newToken();
    const mine = grant(PRESETS.read, { id: 'mine', tokenHash: await hashToken(token) });
    const other = grant(PRESETS.trade, { id: 'other', tokenHash: await hashToken(newToken()) });
    expect((await grantOf([other, mine], token))?.id).toBe('mine');
    const nearMiss = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect(await grantOf([other, mine], nearMiss)).toBeUndefined();
    for (const junk of [undefined, '', 'Bearer ' + token, token + ' ', 42]) expect(await grantOf([mine], junk)).toBeUndefined();
  });

  it('property: sameHash is string equality', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(sameHash(a, b)).toBe(a === b);
      }),
    );
    fc.assert(
      fc.property(fc.string(), (a) => {
        expect(sameHash(a, a)).toBe(true);
      }),
    );
  });
});

describe('each grant’s requests per second', () => {
  it('property: no second ever holds more than the grant’s rate (a full bucket at the start)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 300 }), (perSecond, gaps) => {
        const budgets = createBudgets();
        const g = { id: 'g', perSecond };
        const taken: number[] = [];
        let now = 0;
        for (const gap of gaps) {
          now += gap;
          if (budgets.take(g, now)) taken.push(now);
        }
        // Any window of one second: the bucket's capacity, plus what it refilled within the window.
        for (const start of taken) expect(taken.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(2 * perSecond);
      }),
    );
  });

  it('refuses once a second’s worth is spent, and refills with time', () => {
    const budgets = createBudgets();
    const g = { id: 'g', perSecond: 3 };
    expect([1, 2, 3, 4].map(() => budgets.take(g, 0))).toEqual([true, true, true, false]);
    expect(budgets.take(g, 333)).toBe(false);
    expect(budgets.take(g, 334)).toBe(true);
    budgets.forget('g');
    expect([1, 2, 3].every(() => budgets.take(g, 334))).toBe(true);
  });
});
