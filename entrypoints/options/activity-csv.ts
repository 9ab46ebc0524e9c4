/** The activity log as a CSV file: the entries shown, in their order, under a header in the user's language. */
import { toCsv } from '../../lib/shared/csv';
import type { ActivityEntry } from '../../lib/messages';

/**
 * `header` names the columns: time (UTC, ISO 8601, so any spreadsheet sorts it), environment, account,
 * key name, key id, operation, outcome, error code, and for a bot's requests its grant, the request,
 * the status and how many in that minute. Values are the log's own codes, the same in every language.
 */
export function activityCsv(entries: readonly ActivityEntry[], header: readonly string[]): string {
  const rows = entries.map((e) => [
    new Date(e.at).toISOString(),
    e.environment,
    e.account ?? '',
    e.keyName ?? '',
    e.keyId ?? '',
    e.operation,
    e.outcome,
    e.errorCode ?? e.bot?.refusal ?? '',
    e.bot?.grantName ?? '',
    e.bot ? `${e.bot.method} ${e.bot.path}` : '',
    e.bot ? String(e.bot.status) : '',
    e.bot ? String(e.bot.count) : '',
  ]);
  return toCsv([header, ...rows]);
}

/** e.g. kalshi-key-activity-2026-03-14.csv (the UTC date). */
export const activityFileName = (now: number) => `kalshi-key-activity-${new Date(now).toISOString().slice(0, 10)}.csv`;
