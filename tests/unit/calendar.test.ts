/** Calendar days in the user's zone, and the words for a date and for "in 9 days" (lib/shared/calendar.ts). */
import { describe, expect, it } from 'vitest';
import { calendarDay, calendarDaysBetween, checkTimeZone, formatDay, formatDaysFromToday } from '../../lib/shared/calendar';
import { AppError } from '../../lib/shared/errors';

const DAY = 86_400_000;
/** 12 Jan 2027, 05:00 UTC: still 11 Jan in Los Angeles, 12 Jan 19:00 on Kiritimati (UTC+14). */
const EXPIRY = Date.UTC(2027, 0, 12, 5);
/** 3 Jan 2027, 10:00 UTC: 02:00 on 3 Jan in Los Angeles, midnight starting 4 Jan on Kiritimati. */
const NOW = Date.UTC(2027, 0, 3, 10);

describe('calendar days', () => {
  it('day numbers count from 1 January 1970 in the given zone', () => {
    expect(calendarDay(0, 'UTC')).toBe(0);
    expect(calendarDay(0, 'America/Los_Angeles')).toBe(-1);
    expect(calendarDay(DAY - 1, 'UTC')).toBe(0);
    expect(calendarDay(DAY, 'UTC')).toBe(1);
    expect(calendarDay(EXPIRY, 'UTC')).toBe(Math.floor(EXPIRY / DAY));
    // Years below 100 are not taken for 19xx.
    const year50 = new Date(0).setUTCFullYear(50, 0, 1);
    expect(calendarDay(year50, 'UTC') * DAY).toBe(year50);
  });

  it('the same two instants are a different number of days apart in different zones', () => {
    expect(calendarDaysBetween(NOW, EXPIRY, 'UTC')).toBe(9);
    expect(calendarDaysBetween(NOW, EXPIRY, 'America/Los_Angeles')).toBe(8);
    expect(calendarDaysBetween(NOW, EXPIRY, 'Pacific/Kiritimati')).toBe(8);
    expect(calendarDaysBetween(NOW - 1, EXPIRY, 'Pacific/Kiritimati')).toBe(9);
    expect(calendarDaysBetween(EXPIRY, NOW, 'America/Los_Angeles')).toBe(-8);
    expect(calendarDaysBetween(EXPIRY, EXPIRY + 60_000, 'UTC')).toBe(0);
  });

  it('a minute past midnight is the next day, also on a 23-hour day (clocks forward)', () => {
    const beforeMidnight = Date.UTC(2027, 0, 11, 23, 59);
    expect(calendarDaysBetween(beforeMidnight, beforeMidnight + 120_000, 'UTC')).toBe(1);
    // London moves to summer time at 01:00 UTC on 28 March 2027: that day ends at 23:00 UTC.
    const march28 = Date.UTC(2027, 2, 28, 0, 30);
    expect(calendarDaysBetween(march28, Date.UTC(2027, 2, 28, 22, 59), 'Europe/London')).toBe(0);
    expect(calendarDaysBetween(march28, Date.UTC(2027, 2, 28, 23, 0), 'Europe/London')).toBe(1);
    expect(calendarDaysBetween(march28, Date.UTC(2027, 2, 28, 23, 0), 'UTC')).toBe(0);
  });

  it('an unknown zone is refused as invalid_request, naming it', () => {
    for (const call of [
      () => checkTimeZone('Mars/Olympus'),
      () => calendarDay(0, 'Mars/Olympus'),
      () => formatDay(0, { locale: 'en', timeZone: 'Mars/Olympus' }),
    ]) {
      expect(call).toThrow(AppError);
      expect(call).toThrow(/invalid_request: Unknown time zone “Mars\/Olympus”/);
    }
    expect(() => checkTimeZone('Europe/Paris')).not.toThrow();
  });
});

describe('words', () => {
  it('a date in the user’s locale and zone', () => {
    expect(formatDay(EXPIRY, { locale: 'en', timeZone: 'UTC' })).toBe('Jan 12');
    expect(formatDay(EXPIRY, { locale: 'en-GB', timeZone: 'UTC' })).toBe('12 Jan');
    expect(formatDay(EXPIRY, { locale: 'en', timeZone: 'America/Los_Angeles' })).toBe('Jan 11');
    expect(formatDay(EXPIRY, { locale: 'fr', timeZone: 'UTC' })).toBe('12 janv.');
  });

  it('with the year only when it is not this year in that zone', () => {
    expect(formatDay(EXPIRY, { locale: 'en', timeZone: 'UTC', nowMs: NOW })).toBe('Jan 12');
    expect(formatDay(EXPIRY, { locale: 'en', timeZone: 'UTC', nowMs: Date.UTC(2026, 11, 30) })).toBe('Jan 12, 2027');
    // 31 Dec 2026 23:30 UTC is already 2027 in Berlin.
    const newYear = Date.UTC(2026, 11, 31, 23, 30);
    expect(formatDay(EXPIRY, { locale: 'en', timeZone: 'Europe/Berlin', nowMs: newYear })).toBe('Jan 12');
    expect(formatDay(EXPIRY, { locale: 'en', timeZone: 'UTC', nowMs: newYear })).toBe('Jan 12, 2027');
  });

  it('a malformed locale tag falls back to English instead of failing', () => {
    expect(formatDay(EXPIRY, { locale: 'not a locale!', timeZone: 'UTC' })).toBe('Jan 12');
    expect(formatDaysFromToday(2, '%%')).toBe('in 2 days');
  });

  it('days from today', () => {
    expect([9, 1, 0, -1, -3].map((d) => formatDaysFromToday(d, 'en'))).toEqual([
      'in 9 days',
      'tomorrow',
      'today',
      'yesterday',
      '3 days ago',
    ]);
    expect(formatDaysFromToday(9, 'de')).toBe('in 9 Tagen');
  });
});
