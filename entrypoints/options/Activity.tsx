import { useEffect, useRef, useState } from 'preact/hooks';
import { accountName } from '../../components/AccountSelect';
import { environmentName } from '../../components/EnvironmentSelect';
import { localizeError, t, type MessageKey } from '../../components/i18n';
import { errorInfoOf, send } from '../../components/messaging';
import type { Status } from '../../components/StatusMessage';
import { ENVIRONMENTS, isEnvironment, type Environment } from '../../lib/shared/environments';
import type { AccountId, AccountsView, ActivityEntry, ActivityFilter, ActivityList, ActivityOperation } from '../../lib/messages';
import { activityCsv, activityFileName } from './activity-csv';

const OPERATION_WORDS: Record<ActivityOperation, MessageKey> = {
  import: 'activity_op_import',
  create: 'activity_op_create',
  generate: 'activity_op_generate',
  handed_over: 'activity_op_handed_over',
  delete: 'activity_op_delete',
  forget: 'activity_op_forget',
  rotate: 'activity_op_rotate',
  test: 'activity_op_test',
  use_for_signing: 'activity_op_use_for_signing',
  keep: 'activity_op_keep',
  bot_request: 'activity_op_bot_request',
};
const CSV_HEADER: MessageKey[] = [
  'activity_csv_time',
  'activity_col_environment',
  'activity_csv_account',
  'activity_csv_key_name',
  'activity_csv_key_id',
  'activity_col_operation',
  'activity_col_outcome',
  'activity_csv_error_code',
  'activity_csv_bot',
  'activity_csv_request',
  'activity_csv_status',
  'activity_csv_count',
];
const COLUMNS: MessageKey[] = [
  'activity_col_time',
  'activity_col_environment',
  'activity_col_key',
  'activity_col_operation',
  'activity_col_outcome',
];
const ALL = 'all';

/** The time in the user's locale, e.g. "14 Mar 2026, 09:26:53". */
const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

function Outcome({ entry }: { entry: ActivityEntry }) {
  // A bot's request: Kalshi's status, or the extension's refusal (its code, as the bot was told).
  if (entry.bot)
    return (
      <span class={entry.outcome === 'ok' ? undefined : 'activity-refused'}>
        {entry.bot.refusal ? t('activity_bot_refused', entry.bot.status, entry.bot.refusal) : t('activity_bot_status', entry.bot.status)}
      </span>
    );
  if (entry.outcome === 'ok') return <>{t('activity_outcome_ok')}</>;
  const code = entry.errorCode ?? 'internal';
  return (
    <>
      <span class="activity-refused">{t(entry.outcome === 'unknown' ? 'activity_outcome_unknown' : 'activity_outcome_refused', code)}</span>
      <br />
      <span class="hint">{localizeError({ code }).message}</span>
    </>
  );
}

/** Starts a download of `text` as a file, from this page (no permission needed). */
function download(text: string, fileName: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the file by then; the URL only holds memory.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * The activity log, newest first, with filters and Export CSV. `version` changes after this page
 * changed something; Refresh reads it again (after the popup did something, say).
 */
export function Activity({ version, views, onStatus }: { version: number; views: AccountsView[]; onStatus: (status: Status) => void }) {
  const [environment, setEnvironment] = useState<Environment | typeof ALL>(ALL);
  // Wrapped, since null is an account value of its own (entries no account was told apart for).
  const [account, setAccount] = useState<{ value: AccountId | null } | null>(null);
  const [list, setList] = useState<ActivityList | null>(null);
  const [reads, setReads] = useState(0);
  const latest = useRef(0);
  const accounts = list?.accounts ?? [];

  useEffect(() => {
    const read = ++latest.current;
    const filter: ActivityFilter = {
      ...(environment === ALL ? {} : { environment }),
      ...(account === null ? {} : { account: account.value }),
    };
    send('getActivity', filter).then(
      (value) => read === latest.current && setList(value),
      (error: unknown) => read === latest.current && onStatus({ kind: 'error', error: errorInfoOf(error) }),
    );
  }, [environment, account, version, reads]);

  const entries = list?.entries ?? [];
  // The user's names for the accounts (options page, HeldKeys); an account no longer held shows its id.
  const named = new Map(views.flatMap((v) => v.accounts.map((a) => [a.id, accountName(a)] as const)));
  // Accounts are named only where the user has several in one environment.
  const several = (env: Environment) => (views.find((v) => v.environment === env)?.accounts.length ?? 0) > 1;
  const nameOf = (id: AccountId | null) =>
    id === null ? t('activity_account_none') : (named.get(id) ?? t('account_unnamed', id.slice(0, 8)));

  function exportCsv() {
    const fileName = activityFileName(Date.now());
    download(
      activityCsv(
        entries,
        CSV_HEADER.map((key) => t(key)),
      ),
      fileName,
    );
    onStatus({ kind: 'success', text: t('activity_exported', entries.length, fileName) });
  }

  return (
    <section aria-labelledby="activity-heading">
      <h2 id="activity-heading">{t('activity_heading')}</h2>
      <p class="hint">{t('activity_intro')}</p>
      <div class="activity-controls">
        <div class="field field-inline">
          <label for="activity-environment">{t('activity_filter_environment')}</label>
          <select
            id="activity-environment"
            value={environment}
            onChange={(e) => {
              const value = e.currentTarget.value;
              setEnvironment(isEnvironment(value) ? value : ALL);
            }}
          >
            <option value={ALL}>{t('activity_all_environments')}</option>
            {ENVIRONMENTS.map((env) => (
              <option key={env} value={env}>
                {environmentName(env)}
              </option>
            ))}
          </select>
        </div>
        {ENVIRONMENTS.some(several) && accounts.length > 1 && (
          <div class="field field-inline">
            <label for="activity-account">{t('activity_filter_account')}</label>
            <select
              id="activity-account"
              value={account === null ? ALL : String(accounts.indexOf(account.value))}
              onChange={(e) => {
                const i = e.currentTarget.value;
                setAccount(i === ALL ? null : { value: accounts[Number(i)] ?? null });
              }}
            >
              <option value={ALL}>{t('activity_all_accounts')}</option>
              {accounts.map((a, i) => (
                <option key={i} value={String(i)}>
                  {nameOf(a)}
                </option>
              ))}
            </select>
          </div>
        )}
        <button type="button" onClick={() => setReads((n) => n + 1)}>
          {t('activity_refresh')}
        </button>
        <button type="button" onClick={exportCsv} disabled={entries.length === 0}>
          {t('activity_export')}
        </button>
      </div>
      {list === null ? null : entries.length === 0 ? (
        <p class="hint">{t('activity_none')}</p>
      ) : (
        // Scrolls sideways on a narrow window; focusable so the keyboard can scroll it too.
        <div class="activity-scroll" tabIndex={0} role="region" aria-labelledby="activity-heading">
          <table class="activity">
            <thead>
              <tr>
                {COLUMNS.map((key) => (
                  <th key={key} scope="col">
                    {t(key)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id}>
                  <td>
                    <time dateTime={new Date(e.at).toISOString()}>{timeFormat.format(e.at)}</time>
                  </td>
                  <td>
                    {environmentName(e.environment)}
                    {several(e.environment) && ` · ${nameOf(e.account)}`}
                  </td>
                  <td>
                    {e.keyName ?? t('activity_key_unnamed')} {e.keyId && <code>{e.keyId.slice(0, 8)}</code>}
                  </td>
                  <td>
                    {e.bot ? t('activity_bot_request', e.bot.grantName, e.bot.count) : t(OPERATION_WORDS[e.operation])}
                    {e.bot && (
                      <>
                        <br />
                        <code>
                          {e.bot.method} {e.bot.path}
                        </code>
                      </>
                    )}
                  </td>
                  <td>
                    <Outcome entry={e} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
