import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { EnvironmentSelect, environmentName } from '../../components/EnvironmentSelect';
import { HostAccess } from '../../components/HostAccess';
import { localizeError, t, tNodes, type ShownError } from '../../components/i18n';
import { errorInfoOf, send } from '../../components/messaging';
import { StatusMessage, type Status } from '../../components/StatusMessage';
import type { Environment } from '../../lib/shared/environments';
import type { NewKeyOptions } from '../../lib/messages';
import type { AccountInfo, KeyListItem, Overview } from '../../lib/messages';
import { tierLabel } from '../../lib/messages';
import { KeyList, type KeyAction } from './KeyList';
import { NewKeyForm } from './NewKeyForm';
import type { PopupContext, Shown } from './actions';
import type { Confirming } from './dialogs';

/** Kalshi refused the signing key; the list was read with another held key. */
type SigningTrouble = { listedWith: string; problem: ShownError };
type Dialogs = typeof import('./dialogs');
// Dialogs appear only after a click: loaded then, keeping them off popup start-up.
const loadDialogs = () => import('./dialogs');

/** When Kalshi's list cannot be read: the keys this browser holds, none of them confirmed by Kalshi. */
function heldKeysOf(o: Overview): KeyListItem[] {
  return o.heldKeys.map((k) => ({
    keyId: k.keyId,
    name: k.name,
    scopes: k.scopes,
    subaccount: k.subaccount,
    held: true,
    signing: k.keyId === o.signingKey?.keyId,
    lastVerifiedAt: k.lastVerifiedAt,
    unconfirmed: true,
  }));
}

export function App() {
  const [overview, setOverview] = useState<Overview | null>(null);
  const [keys, setKeys] = useState<KeyListItem[] | null>(null);
  /** The keys shown come from Kalshi's list (now or last time), not only from this browser. */
  const [listed, setListed] = useState(true);
  const [trouble, setTrouble] = useState<SigningTrouble | null>(null);
  const [account, setAccount] = useState<AccountInfo | null>(null);
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

  /** Opens the dialog for a private key the worker still keeps unsaved (a popup closed too early, say). */
  async function showWaitingSecret(environment: Environment): Promise<boolean> {
    const waiting = await send('takeSecret', { environment }).catch(() => null);
    if (waiting) setShown(waiting);
    return waiting !== null;
  }

  /**
   * Shows an overview, then the exchange's key list (and, on first load or a switch, the usage tier
   * and any private key still waiting to be saved).
   */
  async function load(next: Promise<Overview>, { initial = true } = {}) {
    let o: Overview;
    try {
      o = await next;
    } catch (error) {
      setStatus({ kind: 'error', error: errorInfoOf(error) });
      return;
    }
    setOverview(o);
    setKeys(o.lastKnownKeys); // the last list at once (or "Loading…"), the fresh one below
    setListed(true);
    const env = o.environment;
    if (initial) void showWaitingSecret(env);
    if (!o.signingKey) return;
    try {
      const [list] = await Promise.all([
        send('listApiKeys', { environment: env }),
        initial &&
          send('getAccount', { environment: env }).then(setAccount, () =>
            setAccount({ tier: null, keySource: 'local', uploadRefused: false }),
          ),
      ]);
      setKeys(list.keys);
      setTrouble(
        list.listedWith && list.signingProblem ? { listedWith: list.listedWith, problem: localizeError(list.signingProblem) } : null,
      );
      const recovered = list.recovery;
      if (recovered?.unreadable[0]) setStatus({ kind: 'error', error: localizeError(recovered.unreadable[0]) });
      else if (recovered && recovered.adopted.length + recovered.confirmedDeleted.length > 0) {
        setStatus({ kind: 'success', text: t('popup_recovered', recovered.adopted.length, recovered.confirmedDeleted.length) });
      }
    } catch (error) {
      // Never "no API keys" without Kalshi's word: show what this browser holds, unconfirmed.
      setKeys(heldKeysOf(o));
      setListed(false);
      setTrouble(null);
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
      <Page>
        <p class="hint">{t('popup_loading')}</p>
        <StatusMessage status={status} />
      </Page>
    );
  }
  const environment = overview.environment;
  const reload = () => load(send('getOverview', { environment }), { initial: false });
  const refused = uploadRefused || account?.uploadRefused === true;
  const canUpload = account?.keySource !== 'kalshi' && !refused;
  // Only held keys that work can take over signing; before any list, what this browser holds.
  const locksOut = (key: KeyListItem) =>
    key.signing && (keys ? !keys.some((k) => k.held && !k.signing && !k.deletedOnKalshi && !k.lost) : overview.heldKeys.length <= 1);
  const nameOf = (keyId: string) => keys?.find((k) => k.keyId === keyId)?.name ?? keyId.slice(0, 8);

  const ctx: PopupContext = {
    environment,
    keys,
    locksOut,
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
            setOfferKalshi(null);
            setTrouble(null);
            void load(send('setEnvironment', { environment: env }));
          }}
        />
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
          {trouble && (
            <section class="signing-trouble" aria-labelledby="signing-trouble-title">
              <p id="signing-trouble-title" class="status-title">
                {t('popup_signing_refused', overview.signingKey.name)}
              </p>
              <p>{trouble.problem.message}</p>
              <p>{t('popup_signing_refused_listed_with', nameOf(trouble.listedWith))}</p>
            </section>
          )}
          <p class="hint signing-line">
            {tNodes(
              'popup_signing_line',
              <strong>{overview.signingKey.name}</strong>,
              <code>{overview.signingKey.keyId.slice(0, 8)}</code>,
              <strong>{account ? usageLevel(account.tier) : '…'}</strong>,
            )}
          </p>
          {!listed && <p class="hint">{t('popup_keys_held_only')}</p>}
          <KeyList keys={keys} listed={listed} busy={busy} now={Date.now()} onAction={act} />
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
            <NewKeyForm busy={busy} canUpload={canUpload} tierNote={tierNote(account, canUpload, refused)} onSubmit={createKey} />
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
          locksOut={confirming.lockout === true || locksOut(confirming.key)}
          onCancel={() => setConfirming(null)}
          onConfirm={() => later((m) => m.confirm(ctx, confirming))}
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

/** Kalshi's name for the usage level as it sends it ("premier" shows as "Premier"); "Unknown" in the user's language. */
function usageLevel(tier: string | null): string {
  return tier === null ? t('tier_unknown') : tierLabel(tier);
}

function tierNote(account: AccountInfo | null, canUpload: boolean, refused: boolean): string {
  if (refused) return t('popup_tier_upload_refused');
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
