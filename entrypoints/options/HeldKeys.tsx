import { useState } from 'preact/hooks';
import { accountName } from '../../components/AccountSelect';
import { environmentName } from '../../components/EnvironmentSelect';
import { t } from '../../components/i18n';
import { errorInfoOf, send } from '../../components/messaging';
import type { Status } from '../../components/StatusMessage';
import type { AccountSummary, AccountsView, KeySummary } from '../../lib/messages';

/** The keys this browser holds, grouped by environment and Kalshi account, each account named by the user. */
export function HeldKeys(props: { views: AccountsView[]; onRenamed: (view: AccountsView) => void; onStatus: (s: Status) => void }) {
  const groups = props.views.flatMap((view) => {
    const byAccount = view.accounts.map((a) => ({
      view,
      account: a as AccountSummary | null,
      keys: view.heldKeys.filter((k) => k.account === a.id),
    }));
    const unknown = view.heldKeys.filter((k) => !view.accounts.some((a) => a.id === k.account));
    return unknown.length > 0 ? [...byAccount, { view, account: null, keys: unknown }] : byAccount;
  });
  return (
    <section aria-labelledby="held-heading">
      <h2 id="held-heading">{t('options_held_heading')}</h2>
      {groups.length === 0 && <p class="hint">{t('options_held_none')}</p>}
      {groups.map(({ view, account, keys }) => (
        <div class="account-group" key={`${view.environment}:${account?.id ?? ''}`}>
          <h3>
            {environmentName(view.environment)} · {account ? accountName(account) : t('options_account_not_known')}
          </h3>
          {account && <AccountName environment={view.environment} account={account} {...props} />}
          <KeyItems keys={keys} />
        </div>
      ))}
    </section>
  );
}

function KeyItems({ keys }: { keys: KeySummary[] }) {
  return (
    <ul class="held">
      {keys.map((k) => (
        <li key={`${k.environment}:${k.keyId}`}>
          <strong>{k.name}</strong> <span class="badge">{environmentName(k.environment)}</span> <span class="badge">{k.algorithm}</span>{' '}
          <code>{k.keyId}</code>
        </li>
      ))}
    </ul>
  );
}

function AccountName(props: {
  environment: AccountsView['environment'];
  account: AccountSummary;
  onRenamed: (view: AccountsView) => void;
  onStatus: (s: Status) => void;
}) {
  const { environment, account } = props;
  const [name, setName] = useState(account.name ?? '');
  const [busy, setBusy] = useState(false);
  const id = `account-name-${environment}-${account.id}`;
  async function save(event: Event) {
    event.preventDefault();
    setBusy(true);
    try {
      const view = await send('nameAccount', { environment, account: account.id, name });
      props.onRenamed(view);
      const saved = view.accounts.find((a) => a.id === account.id);
      props.onStatus({ kind: 'success', text: t('options_account_named', saved ? accountName(saved) : name) });
    } catch (error) {
      props.onStatus({ kind: 'error', error: errorInfoOf(error) });
    } finally {
      setBusy(false);
    }
  }
  return (
    <form class="field field-inline account-name" onSubmit={(e) => void save(e)}>
      <label for={id}>{t('options_account_name_label')}</label>
      <input
        id={id}
        type="text"
        maxLength={40}
        autocomplete="off"
        placeholder={t('options_account_name_placeholder')}
        value={name}
        disabled={busy}
        onInput={(e) => setName(e.currentTarget.value)}
      />
      <button type="submit" disabled={busy}>
        {t('options_account_name_save')}
      </button>
      <p class="hint">{t('options_account_id', account.id)}</p>
    </form>
  );
}
