/**
 * Account health (lib/key-manager/account-health.ts): the location attestation and its 7-day edge in
 * the user's calendar, grants and the one that allows uploading, the next level, the upgrade offer,
 * and the badge's reasons. Pure: facts and a clock in, plain data out.
 */
import { describe, expect, it } from 'vitest';
import type { AccountLimits, UsageLevelGrant, VolumeProgress } from '../../lib/kalshi/account-wire-types';
import { describeAccountHealth, describeAttestation, type AccountFacts } from '../../lib/key-manager/account-health';
import { formatDay, formatDaysFromToday } from '../../lib/shared/calendar';
import { AppError } from '../../lib/shared/errors';

const DAY = 86_400_000;
const UTC = { timeZone: 'UTC' };
const LA = { timeZone: 'America/Los_Angeles' };
/** 12 Jan 2027 05:00 UTC, which is 11 Jan 21:00 in Los Angeles. */
const EXPIRY = Date.UTC(2027, 0, 12, 5);
const EXPIRY_S = EXPIRY / 1000;
const s = (ms: number) => ms / 1000;

describe('the location attestation', () => {
  it('absent: nothing to show, nothing to warn about', () => {
    expect(describeAttestation(null, { now: EXPIRY, ...UTC })).toEqual({ state: 'absent', expiresAt: null, daysLeft: null });
    const health = describeAccountHealth({ regionExpirationTs: null }, { now: EXPIRY, ...UTC });
    expect(health.attestation?.state).toBe('absent');
    expect(health.needsAttention).toEqual([]);
  });

  it('unread (the list failed): null, not absent', () => {
    expect(describeAccountHealth({}, { now: EXPIRY, ...UTC }).attestation).toBeNull();
  });

  it('valid, with days counted in the user’s calendar: 9 in UTC, 8 in Los Angeles for the same instants', () => {
    const now = Date.UTC(2027, 0, 3, 10);
    expect(describeAttestation(EXPIRY_S, { now, ...UTC })).toEqual({ state: 'valid', expiresAt: EXPIRY, daysLeft: 9 });
    expect(describeAttestation(EXPIRY_S, { now, ...LA })).toEqual({ state: 'valid', expiresAt: EXPIRY, daysLeft: 8 });
    // What a page would make of it.
    const { daysLeft } = describeAttestation(EXPIRY_S, { now, ...UTC });
    expect(`valid until ${formatDay(EXPIRY, { locale: 'en-GB', ...UTC })}, ${formatDaysFromToday(daysLeft!, 'en')}`).toBe(
      'valid until 12 Jan, in 9 days',
    );
  });

  it('the edge in UTC: expiring from 00:00 on 5 Jan (7 calendar days before 12 Jan), valid 1 ms before', () => {
    const edge = Date.UTC(2027, 0, 5);
    expect(describeAttestation(EXPIRY_S, { now: edge - 1, ...UTC })).toMatchObject({ state: 'valid', daysLeft: 8 });
    expect(describeAttestation(EXPIRY_S, { now: edge, ...UTC })).toMatchObject({ state: 'expiring', daysLeft: 7 });
    expect(describeAccountHealth({ regionExpirationTs: EXPIRY_S }, { now: edge, ...UTC }).needsAttention).toEqual(['attestation_expiring']);
    expect(describeAccountHealth({ regionExpirationTs: EXPIRY_S }, { now: edge - 1, ...UTC }).needsAttention).toEqual([]);
  });

  it('the edge in Los Angeles: the expiry falls on 11 Jan there, so the warning starts at local midnight on 4 Jan', () => {
    const edge = Date.UTC(2027, 0, 4, 8); // 00:00 PST
    expect(describeAttestation(EXPIRY_S, { now: edge - 1, ...LA })).toMatchObject({ state: 'valid', daysLeft: 8 });
    expect(describeAttestation(EXPIRY_S, { now: edge, ...LA })).toMatchObject({ state: 'expiring', daysLeft: 7 });
    // The same instant is not yet a warning in UTC.
    expect(describeAttestation(EXPIRY_S, { now: edge, ...UTC })).toMatchObject({ state: 'valid', daysLeft: 8 });
  });

  it('expiring on its last day until the very instant; expired from it on, with the days since as negative', () => {
    expect(describeAttestation(EXPIRY_S, { now: EXPIRY - 1, ...UTC })).toMatchObject({ state: 'expiring', daysLeft: 0 });
    expect(describeAttestation(EXPIRY_S, { now: EXPIRY, ...UTC })).toMatchObject({ state: 'expired', daysLeft: 0 });
    expect(describeAttestation(EXPIRY_S, { now: EXPIRY + 3 * DAY, ...UTC })).toMatchObject({ state: 'expired', daysLeft: -3 });
    const health = describeAccountHealth({ regionExpirationTs: EXPIRY_S }, { now: EXPIRY + 1, ...UTC });
    expect(health.needsAttention).toEqual(['attestation_expired']);
  });

  it('an unknown time zone is refused', () => {
    expect(() => describeAccountHealth({}, { now: 0, timeZone: 'Nowhere/Else' })).toThrow(AppError);
    expect(() => describeAttestation(null, { now: 0, timeZone: 'Nowhere/Else' })).toThrow(/invalid_request/);
  });
});

const NOW = Date.UTC(2027, 0, 3, 12);
const grant = (level: string, source: string, expiresInDays?: number, lane = 'event_contract'): UsageLevelGrant => ({
  exchange_instance: lane,
  level,
  source,
  ...(expiresInDays === undefined ? {} : { expires_ts: s(NOW + expiresInDays * DAY) }),
});
const limits = (usage_tier: string, grants: UsageLevelGrant[]): AccountLimits => ({
  usage_tier,
  read: { refill_rate: 1200, bucket_capacity: 1200 },
  write: { refill_rate: 1200, bucket_capacity: 2400 },
  grants,
});
const health = (facts: AccountFacts, now = NOW) => describeAccountHealth(facts, { now, ...UTC });

describe('level, budgets and grants', () => {
  it('a permanent grant set by Kalshi, and a volume grant renewed daily', () => {
    const h = health({ limits: limits('Premier', [grant('expert', 'manual'), grant('Premier', 'volume', 30)]) });
    expect(h.level).toBe('premier');
    expect(h.budgets).toEqual({ read: { refill_rate: 1200, bucket_capacity: 1200 }, write: { refill_rate: 1200, bucket_capacity: 2400 } });
    expect(h.grants).toEqual([
      {
        lane: 'event_contract',
        level: 'expert',
        source: 'manual',
        renewsDaily: false,
        expiresAt: null,
        daysLeft: null,
        state: 'permanent',
        allowsUpload: false,
      },
      {
        lane: 'event_contract',
        level: 'premier',
        source: 'volume',
        renewsDaily: true,
        expiresAt: NOW + 30 * DAY,
        daysLeft: 30,
        state: 'active',
        allowsUpload: true,
      },
    ]);
    expect(h.uploadGrant).toEqual({ level: 'premier', expiresAt: NOW + 30 * DAY, daysLeft: 30, endingSoon: false });
    expect(h.needsAttention).toEqual([]);
  });

  it('grants end on the same 7-day edge: active 8 days out, ending 7 days out, ended at the instant', () => {
    const at = (days: number, now = NOW) => health({ limits: limits('prime', [grant('prime', 'volume', days)]) }, now).grants![0]!;
    expect(at(8)).toMatchObject({ state: 'active', daysLeft: 8 });
    expect(at(7)).toMatchObject({ state: 'ending', daysLeft: 7 });
    // NOW is noon: an expiry at 23:59 seven days on is 7 calendar days away, one at 00:00 eight days on is 8.
    expect(at(7.5 - 1 / 1440)).toMatchObject({ state: 'ending', daysLeft: 7 });
    expect(at(7.5)).toMatchObject({ state: 'active', daysLeft: 8 });
    expect(at(0, NOW)).toMatchObject({ state: 'ended', daysLeft: 0 });
    expect(at(-2)).toMatchObject({ state: 'ended', daysLeft: -2 });
  });

  it('the upload grant ending within 7 days: Create key would become Generate on Kalshi, and the badge says so', () => {
    const h = health({ limits: limits('premier', [grant('expert', 'manual'), grant('premier', 'volume', 5)]) });
    expect(h.uploadGrant).toEqual({ level: 'premier', expiresAt: NOW + 5 * DAY, daysLeft: 5, endingSoon: true });
    expect(h.needsAttention).toEqual(['upload_grant_ending']);
  });

  it('no warning while another grant keeps uploads allowed: a permanent one, or one that ends later', () => {
    const permanent = health({ limits: limits('prime', [grant('prime', 'volume', 3), grant('premier', 'manual')]) });
    expect(permanent.uploadGrant).toEqual({ level: 'premier', expiresAt: null, daysLeft: null, endingSoon: false });
    const later = health({ limits: limits('prime', [grant('prime', 'volume', 3), grant('premier', 'manual', 20)]) });
    expect(later.uploadGrant).toMatchObject({ level: 'premier', daysLeft: 20, endingSoon: false });
    expect([permanent.needsAttention, later.needsAttention]).toEqual([[], []]);
  });

  it('only the predictions lane and live grants count for uploads', () => {
    expect(health({ limits: limits('expert', [grant('prime', 'manual', undefined, 'margined')]) }).uploadGrant).toBeNull();
    expect(health({ limits: limits('expert', [grant('premier', 'volume', -1)]) }).uploadGrant).toBeNull();
    expect(health({ limits: limits('basic', []) }).uploadGrant).toBeNull();
  });

  it('Upgrade to Advanced is offered to Basic accounts only, and never when the level is unknown', () => {
    expect(health({ limits: limits('basic', []) }).upgradeOffered).toBe(true);
    expect(health({ limits: limits('Basic', []) }).upgradeOffered).toBe(true);
    expect(health({ limits: limits('advanced', [grant('advanced', 'manual')]) }).upgradeOffered).toBe(false);
    expect(health({}).upgradeOffered).toBe(false);
  });

  it('nothing read: every fact unknown, nothing to warn about', () => {
    expect(health({})).toEqual({
      attestation: null,
      level: null,
      budgets: null,
      grants: null,
      uploadGrant: null,
      next: null,
      keep: null,
      upgradeOffered: false,
      communicationsId: null,
      needsAttention: [],
    });
    expect(health({ communicationsId: 'c-1' }).communicationsId).toBe('c-1');
  });

  it('every reason at once, attestation first', () => {
    const h = health({ regionExpirationTs: s(NOW + 2 * DAY), limits: limits('premier', [grant('premier', 'volume', 2)]) });
    expect(h.needsAttention).toEqual(['attestation_expiring', 'upload_grant_ending']);
  });
});

const GOALS = [
  ['expert', '10000.00', '7500.00'],
  ['premier', '100000.00', '75000.00'],
  ['paragon', '1000000.00', '750000.00'],
] as const;
const progress = (volume: string, computed_ts = s(NOW) - 3600): VolumeProgress => ({
  computed_ts,
  trailing_30d_volume_fp: volume,
  // Out of order on purpose: the goals are ranked by their figures, not by where Kalshi put them.
  goals: [...GOALS].reverse().map(([level, earn, keep]) => ({ level, earn_volume_goal_fp: earn, keep_volume_goal_fp: keep })),
});

describe('progress toward the next level', () => {
  it('from Expert: Premier next, with what is missing computed exactly', () => {
    const h = health({ limits: limits('expert', [grant('expert', 'volume', 30)]), volumeProgress: [progress('12345.5')] });
    expect(h.next).toEqual({
      level: 'premier',
      goalFp: '100000.00',
      trailingVolumeFp: '12345.50',
      remainingFp: '87654.50',
      fraction: 0.123455,
      computedAt: NOW - 3_600_000,
    });
    expect(h.keep).toEqual({
      level: 'expert',
      goalFp: '7500.00',
      trailingVolumeFp: '12345.50',
      remainingFp: '0.00',
      fraction: 1,
      computedAt: NOW - 3_600_000,
    });
  });

  it('the latest report wins; a goal already passed shows nothing missing', () => {
    const h = health({ limits: limits('basic', []), volumeProgress: [progress('20000.00', s(NOW)), progress('1.00', s(NOW) - 86_400)] });
    expect(h.next).toMatchObject({ level: 'expert', remainingFp: '0.00', fraction: 1, computedAt: NOW });
    expect(h.keep).toBeNull(); // Basic has no keep goal
  });

  it('a hundredth short is a hundredth short', () => {
    const h = health({ limits: limits('basic', []), volumeProgress: [progress('9999.99')] });
    expect(h.next).toMatchObject({ level: 'expert', remainingFp: '0.01' });
    expect(h.next!.fraction).toBeLessThan(1);
  });

  it('at the top there is no next level; with the level unknown, the lowest goal not yet reached', () => {
    expect(health({ limits: limits('prestige', []), volumeProgress: [progress('1.00')] }).next).toBeNull();
    expect(health({ volumeProgress: [progress('50000.00')] }).next).toMatchObject({ level: 'premier', remainingFp: '50000.00' });
    expect(health({ limits: limits('market_maker', []), volumeProgress: [progress('0.00')] }).next).toMatchObject({ level: 'expert' });
    expect(health({ volumeProgress: [] }).next).toBeNull();
  });

  it('the keep goal only while volume alone holds the level, not under a grant set by Kalshi', () => {
    const volumeOnly = health({ limits: limits('premier', [grant('premier', 'volume', 30)]), volumeProgress: [progress('70000.00')] });
    expect(volumeOnly.keep).toMatchObject({ level: 'premier', goalFp: '75000.00', remainingFp: '5000.00' });
    const manual = health({
      limits: limits('premier', [grant('premier', 'volume', 30), grant('premier', 'manual')]),
      volumeProgress: [progress('70000.00')],
    });
    expect(manual.keep).toBeNull();
    const higherManual = health({
      limits: limits('premier', [grant('premier', 'volume', 30), grant('paragon', 'manual', 60)]),
      volumeProgress: [progress('70000.00')],
    });
    expect(higherManual.keep).toBeNull();
  });

  it('a grant from a source Kalshi added later is kept as sent: it allows uploads by its level, renews on no schedule we know', () => {
    const h = health({ limits: limits('premier', [grant('premier', 'promotion', 30), grant('expert', '')]) });
    expect(h.grants).toEqual([
      expect.objectContaining({ level: 'premier', source: 'promotion', renewsDaily: false, state: 'active', allowsUpload: true }),
      expect.objectContaining({ level: 'expert', source: '', renewsDaily: false, state: 'permanent' }),
    ]);
    expect(h.uploadGrant).toMatchObject({ level: 'premier', daysLeft: 30 });
  });

  it('…and, like a grant set by Kalshi, it may hold the level whatever the volume: no keep goal then', () => {
    const other = health({
      limits: limits('premier', [grant('premier', 'volume', 30), grant('premier', 'promotion', 90)]),
      volumeProgress: [progress('70000.00')],
    });
    expect(other.keep).toBeNull();
  });
});

describe('plain data', () => {
  it('survives JSON and structured cloning unchanged', () => {
    const h = health({
      regionExpirationTs: s(NOW + 3 * DAY),
      limits: limits('premier', [grant('expert', 'manual'), grant('premier', 'volume', 4)]),
      volumeProgress: [progress('12.00')],
      communicationsId: 'c-1',
    });
    expect(JSON.parse(JSON.stringify(h))).toEqual(h);
    expect(structuredClone(h)).toEqual(h);
    expect(h.needsAttention).toEqual(['attestation_expiring', 'upload_grant_ending']);
  });
});
