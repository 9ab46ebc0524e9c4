import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { EnvironmentSelect, environmentName } from '../../components/EnvironmentSelect';
import { localizeError, t, tNodes } from '../../components/i18n';
import { errorInfoOf, send } from '../../components/messaging';
import { StatusMessage, type Status } from '../../components/StatusMessage';
import type { Environment } from '../../lib/shared/environments';
import type { NewKeyOptions, OneTimeSecret } from '../../lib/messages';
import type { AccountInfo, KeyListItem, Overview } from '../../lib/messages';
import { tierLabel } from '../../lib/messages';
import { KeyList, type KeyAction } from './KeyList';
import { NewKeyForm } from './NewKeyForm';
import type { Confirming } from './dialogs';

type Shown = { keyName: string; keyId: string; secret: OneTimeSecret };
type Dialogs = typeof import('./dialogs');
// Dialogs appear only after a click: loaded then, keeping them off popup start-up.
const loadDialogs = () => import('./dialogs');

const dollars = (cents: number) => (cents / 100).toLocaleString('en-US', { style: 'currency', currency: 'USD' });

export function App() {
  const [overview, setOverview] = useState<Overview | null>(null);
  const [keys, setKeys] = useState<KeyListItem[] | null>(null);
  const [account, setAccount] = useState<AccountInfo | null>(null);
  const [uploadRefused, setUploadRefused] = useState(false);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<Confirming | null>(null);
  const [shown, setShown] = useState<Shown | null>(null);
  const [dialogs, setDialogs] = useState<Dialogs | null>(null);
  useEffect(() => {
    if ((confirming || shown) && !dialogs) void loadDialogs().then((module) => setDialogs(() => module));
  }, [confirming, shown]);

  /** Shows an overview, then the exchange's key list (and, on first load or a switch, the usage tier). */
  async function load(next: Promise<Overview>, { withAccount = true } = {}) {
    try {
      const o = await next;
      setOverview(o);
      setKeys(o.lastKnownKeys); // the last list at once (or "Loading…"), the fresh one below
      if (!o.signingKey) return;
      const env = o.environment;
      const [list] = await Promise.all([
        send('listApiKeys', { environment: env }),
        withAccount && send('getAccount', { environment: env }).then(setAccount, () => setAccount({ tier: null, keySource: 'local' })),
      ]);
      setKeys(list.keys);
      const recovered = list.recovery;
      if (recovered?.unreadable[0]) setStatus({ kind: 'error', error: localizeError(recovered.unreadable[0]) });
      else if (recovered && recovered.adopted.length + recovered.confirmedDeleted.length > 0) {
        setStatus({ kind: 'success', text: t('popup_recovered', recovered.adopted.length, recovered.confirmedDeleted.length) });
      }
    } catch (error) {
      setKeys([]);
      setStatus({ kind: 'error', error: errorInfoOf(error) });
    }
  }

  useEffect(() => {
    document.title = t('extName');
    void load(send('getOverview', {}));
  }, []);

  /** Runs one user action: busy while it runs, its result in the status region. */
  async function run(busyText: string, work: () => Promise<Status>): Promise<boolean> {
    setBusy(true);
    setStatus({ kind: 'busy', text: busyText });
    try {
      setStatus(await work());
      return true;
    } catch (error) {
      setStatus({ kind: 'error', error: errorInfoOf(error) });
      return false;
    } finally {
      setBusy(false);
    }
  }

  if (!overview) {
    return (
      <Page>
        <p class="hint">{t('popup_loading')}</p>
        <StatusMessage status={status} />
      </Page>
    );
  }
  const environment = overview.environment;
  const reload = () => load(send('getOverview', { environment }), { withAccount: false });
  const canUpload = account?.keySource !== 'kalshi' && !uploadRefused;
  const locksOut = (key: KeyListItem) => key.signing && overview.heldKeys.length <= 1;

  const createKey = (request: NewKeyOptions) =>
    run(request.source === 'local' ? t('popup_busy_create_local') : t('popup_busy_create_kalshi'), async () => {
      try {
        const created = await send('createApiKey', { environment, ...request });
        if (created.secret) setShown({ keyName: created.name, keyId: created.keyId, secret: created.secret });
        await reload();
        return {
          kind: 'success',
          text: created.held ? t('popup_created_held', created.name) : t('popup_created_shown_once', created.name),
        };
      } catch (error) {
        const { code } = errorInfoOf(error);
        if (code === 'usage_tier') setUploadRefused(true);
        // The key may exist after all: the list settles it (kept here, or flagged for deletion).
        if (code === 'outcome_unknown' || code === 'key_lost') await reload();
        throw error;
      }
    });

  const act = (action: KeyAction, key: KeyListItem) => {
    if (action === 'delete' || action === 'forget' || action === 'rotate') return setConfirming({ action, key });
    if (action === 'copy') {
      void navigator.clipboard.writeText(key.keyId).then(
        () => setStatus({ kind: 'success', text: t('popup_copied_key_id', key.name) }),
        () => setStatus({ kind: 'success', text: t('popup_copy_refused', key.keyId) }),
      );
      return;
    }
    if (action === 'test') {
      return void run(t('popup_busy_test', key.name), async () => {
        const result = await send('testKey', { environment, keyId: key.keyId });
        await reload();
        return { kind: 'success', text: t('popup_test_ok', key.name, dollars(result.balanceCents)) };
      });
    }
    return void run(t('popup_busy_switch', key.name), async () => {
      await load(send('setSigningKey', { environment, keyId: key.keyId }), { withAccount: false });
      return { kind: 'success', text: t('popup_switched', key.name) };
    });
  };

  const confirm = async ({ action, key }: Confirming) => {
    setConfirming(null);
    const confirmLockout = locksOut(key);
    if (action === 'delete') {
      await run(t('popup_busy_delete', key.name), async () => {
        await send('deleteApiKey', { environment, keyId: key.keyId, confirmLockout });
        await reload();
        return { kind: 'success', text: t('popup_deleted', key.name, environmentName(environment)) };
      });
    } else if (action === 'forget') {
      await run(t('popup_busy_forget', key.name), async () => {
        await load(send('forgetKey', { environment, keyId: key.keyId, confirmLockout }), { withAccount: false });
        return { kind: 'success', text: t('popup_forgotten', key.name) };
      });
    } else {
      await run(t('popup_busy_rotate', key.name), async () => {
        const report = await send('rotateKey', { environment, keyId: key.keyId });
        await reload();
        const lines = (await loadDialogs()).rotationLines(report);
        if (report.completed || !report.error) return { kind: 'success', text: lines[0] ?? '', lines: lines.slice(1) };
        return { kind: 'error', error: localizeError(report.error), lines };
      });
    }
  };

  return (
    <Page
      header={
        <EnvironmentSelect
          id="environment"
          value={environment}
          disabled={busy}
          onChange={(env: Environment) => {
            setStatus({ kind: 'idle' });
            setAccount(null);
            setUploadRefused(false);
            void load(send('setEnvironment', { environment: env }));
          }}
        />
      }
    >
      {overview.signingKey ? (
        <>
          <p class="hint signing-line">
            {tNodes(
              'popup_signing_line',
              <strong>{overview.signingKey.name}</strong>,
              <code>{overview.signingKey.keyId.slice(0, 8)}</code>,
              <strong>{account ? usageLevel(account.tier) : '…'}</strong>,
            )}
          </p>
          <KeyList keys={keys} busy={busy} now={Date.now()} onAction={act} />
          <StatusMessage status={status} />
          <NewKeyForm busy={busy} canUpload={canUpload} tierNote={tierNote(account, canUpload)} onSubmit={createKey} />
        </>
      ) : (
        <section class="empty">
          <p>{t('popup_no_key', environmentName(environment))}</p>
          <button type="button" class="primary" onClick={() => void browser.runtime.openOptionsPage()}>
            {t('popup_import_a_key')}
          </button>
          <StatusMessage status={status} />
        </section>
      )}
      {dialogs && confirming && (
        <dialogs.ConfirmFor
          confirming={confirming}
          environment={environment}
          locksOut={locksOut(confirming.key)}
          onCancel={() => setConfirming(null)}
          onConfirm={() => void confirm(confirming)}
        />
      )}
      {dialogs && shown && <dialogs.SecretDialog {...shown} onClose={() => setShown(null)} />}
    </Page>
  );
}

/** Kalshi's name for the usage level as it sends it ("premier" shows as "Premier"); "Unknown" in the user's language. */
function usageLevel(tier: string | null): string {
  return tier === null ? t('tier_unknown') : tierLabel(tier);
}

function tierNote(account: AccountInfo | null, canUpload: boolean): string {
  if (!account) return t('popup_tier_checking');
  if (canUpload && account.tier === null) return t('popup_tier_unknown_note');
  if (canUpload) return t('popup_tier_can_upload');
  return t('popup_tier_cannot_upload', usageLevel(account.tier));
}

function Page({ children, header }: { children?: ComponentChildren; header?: ComponentChildren }) {
  return (
    <main class="popup">
      <header class="popup-header">
        <h1>{t('popup_heading')}</h1>
        {header}
      </header>
      {children}
    </main>
  );
}
