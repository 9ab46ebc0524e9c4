import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { AccountSelect } from '../../components/AccountSelect';
import { EnvironmentSelect, environmentName } from '../../components/EnvironmentSelect';
import { HostAccess } from '../../components/HostAccess';
import { localizeError, t, tNodes, type ShownError } from '../../components/i18n';
import { errorInfoOf, send } from '../../components/messaging';
import { StatusMessage, type Status } from '../../components/StatusMessage';
import { ENVIRONMENTS, type Environment } from '../../lib/shared/environments';
import type { NewKeyOptions } from '../../lib/messages';
import type { AccountHealth, AccountInfo, KeyList as KeyListAnswer, KeyListItem, Overview, PopupSnapshot } from '../../lib/messages';
import { tierLabel } from '../../lib/messages';
import { LocationCheck, UsageLevel, userTimeZone } from './AccountHealth';
import { KeyList, type KeyAction } from './KeyList';
import { NewKeyForm } from './NewKeyForm';
import type { PopupContext, Shown } from './actions';
import type { Confirming } from './dialogs';
import { capture, type CopiedElement } from '../../lib/popup-shell';
import { saveSnapshot } from './snapshot';

/** Kalshi refused the signing key; the list was read with another held key. */
type SigningTrouble = { listedWith: string; problem: ShownError };
type Dialogs = typeof import('./dialogs');
// Dialogs appear only after a click: loaded then, keeping them off popup start-up.
const loadDialogs = () => import('./dialogs');

const ACCOUNT_UNKNOWN: AccountInfo = { tier: null, keySource: 'local', uploadRefused: false };

/** When Kalshi's list cannot be read: the keys this browser holds, none of them confirmed by Kalshi. */
const heldKeysOf = (o: Overview): KeyListItem[] =>
  o.heldKeys.map((k) => ({ ...k, held: true, signing: k.keyId === o.signingKey?.keyId, unconfirmed: true }));

/** The overview a snapshot stands for, until the worker answers. */
function overviewOf(snapshot: PopupSnapshot | null): Overview | null {
  const entry = snapshot?.byEnvironment[snapshot.active];
  if (!snapshot || !entry) return null;
  const { signingKey, heldKeys, accounts = [] } = entry;
  return { environment: snapshot.active, signingKey, heldKeys, accounts, secretWaiting: false };
}

/**
 * Kalshi's list with the keys the list seen last did not name first among those not held here: what
 * changed on the account since the user last looked is on the first screen, whatever its name.
 */
function newFirst(keys: KeyListItem[], seen: KeyListItem[] | undefined): { keys: KeyListItem[]; news: ReadonlySet<string> } {
  if (!seen) return { keys, news: new Set() }; // a first look: nothing to compare with
  const before = new Set(seen.map((k) => k.keyId));
  const news = new Set(keys.filter((k) => !k.held && !before.has(k.keyId)).map((k) => k.keyId));
  const rank = (k: KeyListItem) => (k.held ? 0 : news.has(k.keyId) ? 1 : 2);
  return {
    keys: keys
      .map((k, i) => [k, i] as const)
      .sort(([a, i], [b, j]) => rank(a) - rank(b) || i - j)
      .map(([k]) => k),
    news,
  };
}

/** Where a list is kept: lists are per environment and account. */
const listSlot = (environment: Environment, account: string | null | undefined) => `${environment}/${account ?? ''}`;

/** Kalshi's list and the usage level, asked for together. */
type Refresh = { environment: Environment; list: Promise<KeyListAnswer>; account: Promise<AccountInfo> | null };

export function App({ snapshot }: { snapshot: PopupSnapshot | null }) {
  const painted = snapshot?.byEnvironment[snapshot.active];
  const [overview, setOverview] = useState<Overview | null>(() => overviewOf(snapshot));
  // The lists seen last, per environment and account: painted at once on open and on a switch,
  // inert until that account's fresh list replaces them.
  const [lastLists] = useState(
    () =>
      new Map(
        ENVIRONMENTS.flatMap((env) => {
          const entry = snapshot?.byEnvironment[env];
          return entry?.keys ? [[listSlot(env, entry.signingKey?.account), entry.keys] as const] : [];
        }),
      ),
  );
  /** The keys on screen are Kalshi's list just read for the account shown: only then may they be acted on. */
  const [live, setLive] = useState(false);
  const loads = useRef(0);
  const shownSlot = useRef(snapshot ? listSlot(snapshot.active, painted?.signingKey?.account) : '');
  const [keys, setKeys] = useState<KeyListItem[] | null>(painted?.signingKey ? (painted.keys ?? null) : null);
  const [newKeys, setNewKeys] = useState<ReadonlySet<string>>(new Set());
  /** The keys shown come from Kalshi's list (now or last time), not only from this browser. */
  const [listed, setListed] = useState(true);
  const [trouble, setTrouble] = useState<SigningTrouble | null>(null);
  const [account, setAccount] = useState<AccountInfo | null>(painted?.account ?? null);
  const [health, setHealth] = useState<AccountHealth | null>(painted?.health ?? null);
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

  /** The first asks of this page may take the answers the worker began when it saw the popup open. */
  const opened = useRef(false);
  const refresh = (environment: Environment, withAccount: boolean): Refresh => {
    const opening = opened.current ? {} : { opening: true as const };
    opened.current = true;
    const list = send('listApiKeys', { environment, ...opening });
    list.catch(() => undefined); // read (or dropped) in load()
    const account = withAccount ? send('getAccount', { environment, ...opening }).catch((): AccountInfo => ACCOUNT_UNKNOWN) : null;
    return { environment, list, account };
  };

  /**
   * Shows an overview, then the exchange's key list (and, on first load or a switch, the usage tier
   * and any private key still waiting to be saved). `early`: the list already asked for, beside the
   * overview, when the snapshot said which environment and that it has a signing key.
   */
  async function load(next: Promise<Overview>, { initial = true, early = null as Refresh | null } = {}) {
    const mine = ++loads.current; // a later load (a switch) wins: answers for this one are dropped
    let o: Overview;
    setLive(false);
    try {
      o = await next;
    } catch (error) {
      setStatus({ kind: 'error', error: errorInfoOf(error) });
      return;
    }
    if (mine !== loads.current) return;
    setOverview(o);
    const env = o.environment;
    const slot = listSlot(env, o.signingKey?.account);
    // Another account or environment than the one on screen: nothing read for that one stays.
    if (slot !== shownSlot.current) ((shownSlot.current = slot), setAccount(null), setHealth(null));
    setKeys(o.signingKey ? (lastLists.get(slot) ?? null) : null); // this account's last list at once (or "Loading…"), the fresh one below
    setNewKeys(new Set());
    setListed(true);
    // Only when the worker says one waits: no extra round trip on an ordinary start-up.
    if (initial && o.secretWaiting) void showWaitingSecret(env);
    if (!o.signingKey) return setLive(true); // nothing to list: what is shown is all there is
    const { list, account } = early?.environment === env ? early : refresh(env, initial);
    try {
      // The usage level when it comes: the list does not wait for it.
      void account?.then((a) => mine === loads.current && setAccount(a));
      const fresh = await list;
      if (mine !== loads.current) return;
      // Read for another account than the one shown (the signing key changed meanwhile): read again.
      if (fresh.account !== o.signingKey.account) return void load(send('getOverview', { environment: env }));
      // The account's health after the list (it reads four more things of Kalshi), on open and on a switch.
      if (initial) void send('getAccountHealth', { environment: env, timeZone: userTimeZone() }).then(setHealth, () => setHealth(null));
      const shown = newFirst(fresh.keys, lastLists.get(slot));
      lastLists.set(slot, shown.keys);
      setKeys(shown.keys);
      setNewKeys(shown.news);
      setLive(true);
      // The first list after an update from before the accounts asked Kalshi whose each key is.
      if (o.signingKey.account === null) void send('getOverview', { environment: env }).then(setOverview, () => undefined);
      setTrouble(
        fresh.listedWith && fresh.signingProblem ? { listedWith: fresh.listedWith, problem: localizeError(fresh.signingProblem) } : null,
      );
      const recovered = fresh.recovery;
      if (recovered?.unreadable[0]) setStatus({ kind: 'error', error: localizeError(recovered.unreadable[0]) });
      else if (recovered && recovered.adopted.length + recovered.confirmedDeleted.length > 0) {
        setStatus({ kind: 'success', text: t('popup_recovered', recovered.adopted.length, recovered.confirmedDeleted.length) });
      }
    } catch (error) {
      if (mine !== loads.current) return;
      // Never "no API keys" without Kalshi's word: show what this browser holds, unconfirmed.
      setKeys(heldKeysOf(o));
      setListed(false);
      setTrouble(null);
      setStatus({ kind: 'error', error: errorInfoOf(error) });
    }
  }

  // What the user sees from Kalshi's list is what the next open paints first. Written only once that
  // list is live: the first render is the snapshot itself, nothing to write back.
  const saved = useRef(snapshot);
  const keptScreen = useRef('');
  /** The copy for the worker to serve at the next open, when it changed (lib/popup-shell). */
  const keepScreen = (screen: CopiedElement | null) => {
    const text = JSON.stringify(screen);
    if (!screen || text === keptScreen.current) return; // nothing new: no write before this paint
    keptScreen.current = text;
    void send('keepScreen', { screen }).catch(() => undefined); // not kept: the next open paints with the app
  };
  // Kept as the DOM changes, before the browser paints it: a popup closed as soon as its list shows
  // (a glance) still leaves its copy for the next open.
  useLayoutEffect(() => {
    // Only a list just read for the account shown: never a cached one under another account's header.
    if (live && overview) {
      const { signingKey, heldKeys, accounts } = overview;
      const entry = { signingKey, heldKeys, accounts, keys, account, health };
      saved.current = saveSnapshot(saved.current, overview.environment, entry);
      const main = document.querySelector('main.popup');
      if (main && !busy && !shown && !confirming && !main.querySelector('[data-filtered]')) keepScreen(capture(main));
    }
  }, [overview, keys, live, account, health, busy]);

  // Asked as soon as the first screen is in the DOM, not after it is painted (when useEffect would
  // run, a frame or more later): the worker and Kalshi work while the browser paints.
  useLayoutEffect(() => {
    // The first screen is the snapshot's: the worker's answers refresh it in place.
    const early = painted?.signingKey && snapshot ? refresh(snapshot.active, true) : null;
    void load(send('getOverview', { opening: true }), { early });
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
  // Anything that changes the account on Kalshi waits for its list, just read.
  const waiting = busy || !live;
  const canUpload = account?.keySource !== 'kalshi' && !refused;
  const nameOf = (keyId: string) => keys?.find((k) => k.keyId === keyId)?.name ?? keyId.slice(0, 8);

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
          <KeyList keys={keys} listed={listed} live={live} busy={busy} now={Date.now()} newKeys={newKeys} onAction={act} />
          {!live && listed && keys && <p class="hint">{t('popup_updating')}</p>}
          <UsageLevel health={health} busy={waiting} onUpgrade={upgrade} />
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
