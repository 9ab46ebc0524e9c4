/**
 * What decides whether the account's keys keep working: the location check (above the list when it
 * needs the user), and the usage level with its grants, progress and budgets (folded below it).
 */
import { t } from '../../components/i18n';
import { tierLabel, type AccountHealth, type GrantHealth } from '../../lib/messages';
import { formatDay, formatDaysFromToday } from '../../lib/shared/calendar';

/** The user's language and zone, as the browser knows them: read once per page (each formatter made costs a millisecond). */
let known: { locale: string; timeZone: string; numbers: Intl.NumberFormat } | undefined;
const where = () =>
  (known ??= {
    locale: navigator.language,
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    numbers: new Intl.NumberFormat(navigator.language, { maximumFractionDigits: 0 }),
  });
export const userTimeZone = () => where().timeZone;

const day = (ms: number) => formatDay(ms, { locale: where().locale, timeZone: where().timeZone, nowMs: Date.now() });
const when = (days: number) => formatDaysFromToday(days, where().locale);
const count = (n: number) => where().numbers.format(n);
const contracts = (fp: string) => count(Number(fp));

/** The location check: a line while valid, a warning from 7 days before, and plain words once expired. */
export function LocationCheck({ health }: { health: AccountHealth | null }) {
  const a = health?.attestation;
  if (!a || a.state === 'absent' || a.expiresAt === null || a.daysLeft === null) return null;
  if (a.state === 'valid') return <p class="hint health-line">{t('health_location_valid', day(a.expiresAt), when(a.daysLeft))}</p>;
  const words =
    a.state === 'expiring'
      ? t('health_location_expiring', day(a.expiresAt), when(a.daysLeft))
      : t('health_location_expired', day(a.expiresAt));
  return (
    <p class={`health-warning health-${a.state}`} role="note">
      {words}
    </p>
  );
}

/** One grant in words: "volume" and "manual" in ours, any other source as Kalshi sent it (Preact escapes it as text). */
export function grantLine(g: GrantHealth): string {
  const level = tierLabel(g.level) + (g.lane === 'event_contract' ? '' : ` (${g.lane})`);
  if (g.state === 'ended' && g.expiresAt !== null) return t('health_grant_ended', level, day(g.expiresAt));
  const until = g.expiresAt === null ? null : day(g.expiresAt);
  if (g.source === 'volume') return until === null ? t('health_grant_volume_permanent', level) : t('health_grant_volume', level, until);
  if (g.source === 'manual') return until === null ? t('health_grant_manual_permanent', level) : t('health_grant_manual', level, until);
  if (g.source === '') return until === null ? t('health_grant_unsourced_permanent', level) : t('health_grant_unsourced', level, until);
  return until === null ? t('health_grant_other_permanent', level, g.source) : t('health_grant_other', level, g.source, until);
}

/** The usage level in one line, its grants, progress and budgets one click away, and Upgrade for Basic. */
export function UsageLevel(props: { health: AccountHealth | null; busy: boolean; onUpgrade: () => void }) {
  const h = props.health;
  if (!h || h.level === null) return null;
  const budgets = h.budgets ? t('health_budgets', count(h.budgets.read.refill_rate), count(h.budgets.write.refill_rate)) : '';
  const ending = h.uploadGrant?.endingSoon && h.uploadGrant.expiresAt !== null && h.uploadGrant.daysLeft !== null ? h.uploadGrant : null;
  return (
    <>
      {ending && (
        <p class="health-warning health-expiring" role="note" data-no-copy>
          {t('health_upload_grant_ending', tierLabel(ending.level), day(ending.expiresAt!), when(ending.daysLeft!))}
        </p>
      )}
      <details class="health" data-no-copy /* below the list: the screen copy leaves it to the app */>
        <summary id="health-details">{t('health_summary', tierLabel(h.level), budgets)}</summary>
        {h.grants && h.grants.length > 0 && (
          <ul class="health-grants" aria-label={t('health_grants_label')}>
            {h.grants.map((g) => (
              <li key={`${g.lane}-${g.level}-${g.source}`}>{grantLine(g)}</li>
            ))}
          </ul>
        )}
        {h.next && (
          <p class="hint">
            {t(
              'health_next_level',
              tierLabel(h.next.level),
              contracts(h.next.trailingVolumeFp),
              contracts(h.next.goalFp),
              `${Math.floor(h.next.fraction * 100)}%`,
            )}
          </p>
        )}
        {h.keep && (
          <p class="hint">
            {t('health_keep_level', tierLabel(h.keep.level), contracts(h.keep.trailingVolumeFp), contracts(h.keep.goalFp))}
          </p>
        )}
        {h.upgradeOffered && (
          <button type="button" disabled={props.busy} onClick={props.onUpgrade}>
            {t('health_upgrade')}
          </button>
        )}
      </details>
    </>
  );
}
