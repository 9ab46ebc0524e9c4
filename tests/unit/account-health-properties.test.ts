/**
 * Account health as properties: calendar days agree with an independent offset computation, days
 * left only fall as time passes, the state only moves forward, nothing is 'expired' before its
 * instant, and the description is always plain data.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UsageLevelGrant } from '../../lib/kalshi/account-wire-types';
import { describeAccountHealth, describeAttestation, WARNING_DAYS, type AttestationState } from '../../lib/key-manager/account-health';
import { calendarDay } from '../../lib/shared/calendar';

const DAY = 86_400_000;
/**
 * Zones with daylight saving, half-hour and 45-minute offsets, and both sides of the date line.
 * None moves its clocks across midnight (America/Santiago does, and there a calendar date repeats
 * for an hour: left out on purpose).
 */
const ZONES = [
  'UTC',
  'America/Los_Angeles',
  'Europe/London',
  'Asia/Kolkata',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
] as const;
const zone = fc.constantFrom(...ZONES);
/** 2024–2040. */
const instant = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2040, 0, 1) });
const ORDER: AttestationState[] = ['valid', 'expiring', 'expired'];

/** The zone's offset at an instant, from Intl's own "GMT+5:30" style name: an oracle apart from calendar.ts. */
function offsetMs(ms: number, timeZone: string): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(ms)
    .find((p) => p.type === 'timeZoneName')!.value;
  const m = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
  if (!m) throw new Error(`unexpected offset ${name}`);
  if (!m[1]) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3_600_000 + Number(m[3]) * 60_000);
}

describe('calendar days', () => {
  it('are the floor of local time over a day, with the offset Intl reports', () => {
    fc.assert(
      fc.property(instant, zone, (t, tz) => {
        expect(calendarDay(t, tz)).toBe(Math.floor((t + offsetMs(t, tz)) / DAY));
      }),
      { numRuns: 400 },
    );
  });
});

describe('the attestation over time', () => {
  it('daysLeft never rises and the state never goes back as now moves on', () => {
    fc.assert(
      fc.property(instant, instant, instant, zone, (a, b, e, tz) => {
        const [t1, t2] = a <= b ? [a, b] : [b, a];
        const expiry = Math.floor(e / 1000);
        const first = describeAttestation(expiry, { now: t1, timeZone: tz });
        const later = describeAttestation(expiry, { now: t2, timeZone: tz });
        expect(later.daysLeft!).toBeLessThanOrEqual(first.daysLeft!);
        expect(ORDER.indexOf(later.state)).toBeGreaterThanOrEqual(ORDER.indexOf(first.state));
      }),
      { numRuns: 300 },
    );
  });

  it('never expired before the instant, always from it; expiring exactly when WARNING_DAYS or fewer calendar days remain', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: -40 * DAY, max: 40 * DAY }), zone, (now, delta, tz) => {
        const expiry = Math.floor((now + delta) / 1000);
        const { state, daysLeft, expiresAt } = describeAttestation(expiry, { now, timeZone: tz });
        expect(expiresAt).toBe(expiry * 1000);
        expect(state === 'expired').toBe(now >= expiresAt!);
        expect(state === 'expiring').toBe(now < expiresAt! && daysLeft! <= WARNING_DAYS);
        expect(state === 'valid').toBe(daysLeft! > WARNING_DAYS);
        // Within a day (and an hour of daylight saving) of the exact difference.
        expect(Math.abs(daysLeft! - (expiresAt! - now) / DAY)).toBeLessThan(1 + 1 / 24 + 1e-9);
      }),
      { numRuns: 400 },
    );
  });
});

describe('the whole description', () => {
  const level = fc.constantFrom('basic', 'advanced', 'expert', 'premier', 'paragon', 'prime', 'prestige', 'Premier', 'market_maker');
  const grant: fc.Arbitrary<UsageLevelGrant> = fc.record(
    {
      exchange_instance: fc.constantFrom('event_contract', 'margined', 'perps'),
      level,
      source: fc.oneof(fc.constantFrom('volume', 'manual', ''), fc.string({ maxLength: 20 })),
      expires_ts: fc.integer({ min: 1_700_000_000, max: 2_200_000_000 }),
    },
    { requiredKeys: ['exchange_instance', 'level', 'source'] },
  );
  const fp = fc.bigInt({ min: 0n, max: 10n ** 12n }).map((h) => `${h / 100n}.${String(h % 100n).padStart(2, '0')}`);
  const facts = fc.record(
    {
      regionExpirationTs: fc.option(fc.integer({ min: 1_700_000_000, max: 2_200_000_000 })),
      limits: fc.record({
        usage_tier: level,
        read: fc.record({ refill_rate: fc.nat(20_000), bucket_capacity: fc.nat(40_000) }),
        write: fc.record({ refill_rate: fc.nat(20_000), bucket_capacity: fc.nat(40_000) }),
        grants: fc.array(grant, { maxLength: 5 }),
      }),
      volumeProgress: fc.array(
        fc.record({
          computed_ts: fc.integer({ min: 1_700_000_000, max: 2_200_000_000 }),
          trailing_30d_volume_fp: fp,
          goals: fc.array(fc.record({ level, earn_volume_goal_fp: fp, keep_volume_goal_fp: fp }), { maxLength: 6 }),
        }),
        { maxLength: 3 },
      ),
      communicationsId: fc.string({ minLength: 1, maxLength: 20 }),
    },
    { requiredKeys: [] },
  );

  it('is plain data, its reasons match its facts, and what is missing plus what was traded covers the goal', () => {
    fc.assert(
      fc.property(facts, fc.integer({ min: 1_700_000_000_000, max: 2_200_000_000_000 }), zone, (f, now, tz) => {
        const h = describeAccountHealth(f, { now, timeZone: tz });
        expect(JSON.parse(JSON.stringify(h))).toEqual(h);
        expect(h.needsAttention.includes('attestation_expired')).toBe(h.attestation?.state === 'expired');
        expect(h.needsAttention.includes('attestation_expiring')).toBe(h.attestation?.state === 'expiring');
        expect(h.needsAttention.includes('upload_grant_ending')).toBe(h.uploadGrant?.endingSoon === true);
        expect(h.upgradeOffered).toBe(f.limits?.usage_tier.toLowerCase() === 'basic');
        for (const p of [h.next, h.keep]) {
          if (!p) continue;
          const hundredths = (x: string) => BigInt(x.replace('.', ''));
          const traded = hundredths(p.trailingVolumeFp);
          const goal = hundredths(p.goalFp);
          expect(hundredths(p.remainingFp) + (traded < goal ? traded : goal)).toBe(goal);
          expect(p.fraction).toBeGreaterThanOrEqual(0);
          expect(p.fraction).toBeLessThanOrEqual(1);
        }
        for (const g of h.grants ?? []) expect(g.state === 'ended').toBe(g.expiresAt !== null && now >= g.expiresAt);
        // Every grant is described, whatever its source, and keeps the source it came with.
        expect(h.grants?.map((g) => g.source)).toEqual(f.limits?.grants.map((g) => g.source));
      }),
      { numRuns: 300 },
    );
  });
});
