import { useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { AccountSelect } from '../../components/AccountSelect';
import { EnvironmentSelect, environmentName } from '../../components/EnvironmentSelect';
import { HostAccess } from '../../components/HostAccess';
import { t } from '../../components/i18n';
import { errorInfoOf, send } from '../../components/messaging';
import { StatusMessage, type Status } from '../../components/StatusMessage';
import type { Environment } from '../../lib/shared/environments';
import type { AccountInfo, KeyListItem, NewKeyOptions, Overview, PopupSnapshot } from '../../lib/messages';
import { LocationCheck, UsageLevel } from './AccountHealth';
import { BotsLine } from './BotsLine';
import { KeyList, type KeyAction } from './KeyList';
import { NewKeyForm } from './NewKeyForm';
import { Page } from './Page';
import { SigningLine, usageLevel } from './SigningLine';
import { SigningRefused } from './SigningRefused';
import type { PopupContext, Shown } from './actions';
import type { Confirming } from './dialogs';
import { usePopupData } from './use-popup-data';
import { useScreenCopy } from './use-screen-copy';

type Dialogs = typeof import('./dialogs');
// Dialogs appear only after a click: loaded then, keeping them off popup start-up.
const loadDialogs = () => import('./dialogs');

export function App({ snapshot }: { snapshot: PopupSnapshot | null }) {
  const [uploadRefused, setUploadRefused] = useState(false);
  /** A create Kalshi refused to take a public key for: offered again, made on Kalshi. */
  const [offerKalshi, setOfferKalshi] = useState<NewKeyOptions | null>(null);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<Confirming | null>(null);
  const [shown, setShown] = useState<Shown | null>(null);
  const [dialogs, setDialogs] = useState<Dialogs | null>(null);
  useEffect(() => {
    if ((confirming || shown) && !dialogs) void loadDialogs().then((module) => setDialogs(() => module));
  }, [confirming, shown]);

  const data = usePopupData(snapshot, setStatus, setShown);
  const { overview, keys, newKeys, live, listed, trouble, setTrouble, account, setAccount, health, setHealth, load, showWaitingSecret } =
    data;
  // What the next open paints first is kept from the page (Page's <main>) as it changes.
  const main = useRef<HTMLElement>(null);
  useScreenCopy(main, snapshot, data, busy, shown || confirming);

  /** Runs one user action: busy while it runs, its result in the status region. */
  async function run(busyText: string, work: () => Promise<Status>): Promise<boolean> {
    setBusy(true);
    setOfferKalshi(null);
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
      <Page main={main}>
        <p class="hint">{t('popup_loading')}</p>
        <StatusMessage status={status} />
      </Page>
    );
  }
  const environment = overview.environment;
  const reload = () => load(send('getOverview', { environment }), { initial: false });
  const refused = uploadRefused || account?.uploadRefused === true;
  // Anything that changes the account on Kalshi waits for its list, just read.
  const waiting = busy || !live;
  const canUpload = account?.keySource !== 'kalshi' && !refused;

  const ctx: PopupContext = {
    environment,
    keys,
    heldCount: overview.heldKeys.length,
    run,
    load,
    reload,
    showWaitingSecret,
    setStatus,
    setConfirming,
    setShown,
    setUploadRefused,
    setOfferKalshi,
  };
  /** Every action runs from the lazily loaded actions module (with the dialogs). */
  const later = (work: (m: Dialogs) => unknown) => void loadDialogs().then(work);
  const createKey = (request: NewKeyOptions) => loadDialogs().then((m) => m.createKey(ctx, request));
  const act = (action: KeyAction, key: KeyListItem) => later((m) => m.act(ctx, action, key));
  const upgrade = () => later((m) => m.upgrade(ctx, setHealth, setAccount));

  /** Another environment or account: nothing read for the last one stays on screen (load() drops its facts). */
  const switchTo = (next: Promise<Overview>) => {
    setStatus({ kind: 'idle' });
    setUploadRefused(false);
    setOfferKalshi(null);
    setTrouble(null);
    void load(next);
  };

  return (
    <Page
      main={main}
      header={
        <>
          <EnvironmentSelect
            id="environment"
            value={environment}
            disabled={busy}
            onChange={(env: Environment) => switchTo(send('setEnvironment', { environment: env }))}
          />
          <AccountSelect
            id="account"
            accounts={overview.accounts}
            value={overview.signingKey?.account ?? null}
            disabled={busy}
            onChange={(id) => switchTo(send('switchAccount', { environment, account: id }))}
          />
        </>
      }
    >
      <HostAccess
        environment={environment}
        onGranted={() => {
          // Kalshi is reachable again: read the list (and the usage level) that failed without it.
          setStatus({ kind: 'idle' });
          void load(send('getOverview', { environment }));
        }}
      />
      {overview.signingKey ? (
        <>
          <LocationCheck health={health} />
          {trouble && <SigningRefused trouble={trouble} signingName={overview.signingKey.name} keys={keys} />}
          <SigningLine signingKey={overview.signingKey} account={account} />
          {!listed && <p class="hint">{t('popup_keys_held_only')}</p>}
          <KeyList keys={keys} listed={listed} live={live} busy={busy} now={Date.now()} newKeys={newKeys} onAction={act} />
          {!live && listed && keys && <p class="hint">{t('popup_updating')}</p>}
          <UsageLevel health={health} busy={waiting} onUpgrade={upgrade} />
          {live && <BotsLine />}
          <StatusMessage status={status} />
          {offerKalshi && (
            <div class="status-action">
              <button type="button" class="primary" disabled={busy} onClick={() => void createKey({ ...offerKalshi, source: 'kalshi' })}>
                {t('popup_generate_instead', offerKalshi.name)}
              </button>
            </div>
          )}
          {/* A create would be signed with the refused key: a working key must sign first. */}
          {trouble ? (
            <p class="hint">{t('popup_create_needs_working_key')}</p>
          ) : (
            <NewKeyForm busy={waiting} canUpload={canUpload} tierNote={tierNote(account, canUpload, refused)} onSubmit={createKey} />
          )}
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
          locksOut={confirming.lockout === true || dialogs.locksOut(ctx, confirming.key)}
          onCancel={() => setConfirming(null)}
          onConfirm={(confirmed) => later((m) => m.confirm(ctx, confirmed))}
        />
      )}
      {dialogs && shown && (
        <dialogs.SecretDialog
          key={shown.keyId}
          keyName={shown.keyName}
          keyId={shown.keyId}
          secret={shown.secret}
          expiresAt={shown.expiresAt}
          onSaved={() => later((m) => m.secretSaved(ctx, shown))}
          onClose={() => setShown(null)}
        />
      )}
    </Page>
  );
}

function tierNote(account: AccountInfo | null, canUpload: boolean, refused: boolean): string {
  if (refused) return t('popup_tier_upload_refused');
  if (!account) return t('popup_tier_checking');
  if (canUpload && account.tier === null) return t('popup_tier_unknown_note');
  if (canUpload) return t('popup_tier_can_upload');
  return t('popup_tier_cannot_upload', usageLevel(account.tier));
}
