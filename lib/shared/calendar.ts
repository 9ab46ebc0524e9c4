/**
 * Days as the user counts them: calendar dates in an IANA time zone, and the words for a date and
 * for "in 9 days" in the user's language. Only Intl (no browser globals), so the background can
 * describe and a page can word the same instant alike.
 */
import { AppError } from './errors';

const DAY_MS = 86_400_000;

/** Gregorian, Latin digits: the parts are read as numbers whatever the user's locale. */
const dateParts = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = dateParts.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US-u-ca-gregory-nu-latn', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' });
    } catch (cause) {
      throw new AppError('invalid_request', `Unknown time zone “${timeZone}”.`, { cause });
    }
    dateParts.set(timeZone, formatter);
  }
  return formatter;
}

/** Throws invalid_request unless `timeZone` is one Intl knows (e.g. "Europe/Paris", "UTC"). */
export function checkTimeZone(timeZone: string): void {
  partsFormatter(timeZone);
}

/** Year, month (1–12) and day of an instant in the zone. */
function dateIn(ms: number, timeZone: string): { year: number; month: number; day: number } {
  const parts = partsFormatter(timeZone).formatToParts(ms);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const bc = parts.some((p) => p.type === 'era' && p.value === 'BC');
  return { year: bc ? 1 - part('year') : part('year'), month: part('month'), day: part('day') };
}

/** The calendar date of an instant (ms) in the zone, as a day number: 0 is 1 January 1970. */
export function calendarDay(ms: number, timeZone: string): number {
  const { year, month, day } = dateIn(ms, timeZone);
  // setUTCFullYear, unlike Date.UTC, takes years 0–99 as they are.
  return Math.floor(new Date(0).setUTCFullYear(year, month - 1, day) / DAY_MS);
}

/**
 * Calendar days from `fromMs` to `toMs` in the zone: 0 the same day, 1 the next day (even a minute
 * after midnight), negative when `toMs` is on an earlier day.
 */
export function calendarDaysBetween(fromMs: number, toMs: number, timeZone: string): number {
  return calendarDay(toMs, timeZone) - calendarDay(fromMs, timeZone);
}

/** A locale Intl accepts, or English when the tag is malformed (a page's words never fail for it). */
function usableLocale(locale: string): string {
  try {
    return Intl.getCanonicalLocales(locale)[0] ?? 'en';
  } catch {
    return 'en';
  }
}

/**
 * An instant's date in the user's words and zone: "Jan 12" in 'en', "12 Jan" in 'en-GB'; with the
 * year when it is not the year of `nowMs` (given) in that zone.
 */
export function formatDay(ms: number, options: { locale: string; timeZone: string; nowMs?: number }): string {
  const { timeZone, nowMs } = options;
  checkTimeZone(timeZone);
  const otherYear = nowMs !== undefined && dateIn(ms, timeZone).year !== dateIn(nowMs, timeZone).year;
  return new Intl.DateTimeFormat(usableLocale(options.locale), {
    timeZone,
    day: 'numeric',
    month: 'short',
    ...(otherYear ? { year: 'numeric' } : {}),
  }).format(ms);
}

/** Whole calendar days from today in the user's words: "in 9 days", "tomorrow", "today", "3 days ago". */
export function formatDaysFromToday(days: number, locale: string): string {
  return new Intl.RelativeTimeFormat(usableLocale(locale), { numeric: 'auto' }).format(days, 'day');
}
