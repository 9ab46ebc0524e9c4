import type { AccountSummary } from '../lib/messages';
import { t } from './i18n';

/** An account's name: the user's, else the start of Kalshi's communications id. */
export function accountName(account: Pick<AccountSummary, 'id' | 'name'>): string {
  return account.name ?? t('account_unnamed', account.id.slice(0, 8));
}

/** Which of the environment's Kalshi accounts the extension acts on; shown only when there are several. */
export function AccountSelect(props: {
  id: string;
  accounts: AccountSummary[];
  value: string | null;
  disabled?: boolean;
  onChange: (account: string) => void;
}) {
  if (props.accounts.length < 2 || props.value === null) return null;
  return (
    <div class="field field-inline">
      <label for={props.id}>{t('account_label')}</label>
      <select id={props.id} value={props.value} disabled={props.disabled} onChange={(e) => props.onChange(e.currentTarget.value)}>
        {props.accounts.map((a) => (
          <option key={a.id} value={a.id}>
            {accountName(a)}
          </option>
        ))}
      </select>
    </div>
  );
}
