/**
 * The account's health as the worker reads it (four signed reads after the list) and the toolbar
 * badge it draws: appearing when something needs the user, clearing when the cause is gone.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { BadgeReason } from '../../lib/key-manager/attention';
import { expectCode, P, signedIn, useHarness } from '../helpers/service-harness';

const DAY_S = 86_400;
const nowS = () => Math.floor(Date.now() / 1000);
const UTC = { environment: 'demo' as const, timeZone: 'UTC' };

const h = useHarness();
let badge: BadgeReason[][];
beforeEach(() => {
  badge = [];
  h.restart({ badge: (reasons) => badge.push(reasons) });
});

describe('the account health', () => {
  it('the location check: valid, expiring within 7 days, expired, absent — and the badge follows', async () => {
    await signedIn(h.exchange, h.service);
    h.exchange.setRegionExpiration('demo', nowS() + 30 * DAY_S);
    expect((await h.service.getAccountHealth(UTC)).attestation).toMatchObject({ state: 'valid', daysLeft: 30 });
    expect(badge.at(-1)).toEqual([]);

    h.exchange.setRegionExpiration('demo', nowS() + 3 * DAY_S);
    expect((await h.service.getAccountHealth(UTC)).attestation).toMatchObject({ state: 'expiring', daysLeft: 3 });
    expect(badge.at(-1)).toEqual(['attestation_expiring']);

    h.exchange.setRegionExpiration('demo', nowS() - DAY_S);
    expect((await h.service.getAccountHealth(UTC)).attestation).toMatchObject({ state: 'expired' });
    expect(badge.at(-1)).toEqual(['attestation_expired']);

    h.exchange.setRegionExpiration('demo', null);
    expect((await h.service.getAccountHealth(UTC)).attestation).toMatchObject({ state: 'absent', expiresAt: null });
    expect(badge.at(-1), 'the cause is gone: the badge clears').toEqual([]);
  });

  it('grants with their source and expiry, the budgets, the next level, and the upload grant ending', async () => {
    await signedIn(h.exchange, h.service, 'premier');
    h.exchange.setGrants('demo', [
      { exchange_instance: 'event_contract', level: 'premier', source: 'volume', expires_ts: nowS() + 2 * DAY_S },
      { exchange_instance: 'event_contract', level: 'advanced', source: 'manual' },
    ]);
    const health = await h.service.getAccountHealth(UTC);
    expect(health.level).toBe('premier');
    expect(health.grants).toEqual([
      expect.objectContaining({ level: 'premier', source: 'volume', renewsDaily: true, state: 'ending', daysLeft: 2 }),
      expect.objectContaining({ level: 'advanced', source: 'manual', state: 'permanent', expiresAt: null }),
    ]);
    expect(health.budgets).toEqual({
      read: expect.objectContaining({ refill_rate: 1200 }),
      write: expect.objectContaining({ refill_rate: 1200 }),
    });
    expect(health.next).toMatchObject({ level: 'paragon' });
    expect(health.uploadGrant).toMatchObject({ level: 'premier', endingSoon: true });
    expect(health.communicationsId).toBe(h.exchange.communicationsId('demo'));
    expect(badge.at(-1)).toEqual(['upload_grant_ending']);
  });

  it('a fact Kalshi does not give is unknown, the others still shown', async () => {
    await signedIn(h.exchange, h.service);
    h.exchange.faultMode({ method: 'GET', path: `${P}/account/api_usage_level/volume_progress` }, { status: 500 });
    const health = await h.service.getAccountHealth(UTC);
    expect(health.next).toBeNull();
    expect(health.level).toBe('premier');
  });

  it('Upgrade to Advanced: 2xx raises the level; Kalshi’s 403 says why', async () => {
    await signedIn(h.exchange, h.service, 'basic');
    expect((await h.service.getAccountHealth(UTC)).upgradeOffered).toBe(true);
    await expectCode(h.service.upgradeUsageLevel(UTC), 'upgrade_not_eligible');
    h.exchange.setRecentApiOrder('demo', true);
    const after = await h.service.upgradeUsageLevel(UTC);
    expect(after.grants).toContainEqual(expect.objectContaining({ level: 'advanced', source: 'manual' }));
    expect(h.exchange.requests.filter((r) => r.path === `${P}/account/api_usage_level/upgrade`).map((r) => r.status)).toEqual([
      403,
      expect.any(Number),
    ]);
  });

  it('an unknown time zone is refused before any request', async () => {
    await signedIn(h.exchange, h.service);
    const before = h.exchange.requests.length;
    await expectCode(h.service.getAccountHealth({ environment: 'demo', timeZone: 'Mars/Olympus' }), 'invalid_request');
    expect(h.exchange.requests.length).toBe(before);
  });
});

describe('the badge for the signing key', () => {
  it('a passing test of the signing key leaves the badge clear; a refused one shows it', async () => {
    const seeded = await signedIn(h.exchange, h.service);
    await h.service.testKey({ environment: 'demo', keyId: seeded.keyId });
    expect(badge.at(-1)).toEqual([]);
    // Too many requests says nothing of the key: no badge.
    h.exchange.faultMode({ method: 'GET', path: `${P}/portfolio/balance` }, { status: 429 });
    await expectCode(h.service.testKey({ environment: 'demo', keyId: seeded.keyId }), 'rate_limited');
    expect(badge.at(-1)).toEqual([]);
    h.exchange.faultMode({ method: 'GET', path: `${P}/portfolio/balance` }, null);
    h.exchange.deleteKeyOutOfBand('demo', seeded.keyId);
    await expectCode(h.service.testKey({ environment: 'demo', keyId: seeded.keyId }), 'unauthorized');
    expect(badge.at(-1)).toEqual(['signing_key_failing']);
  });
});
