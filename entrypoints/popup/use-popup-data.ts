/**
 * What the popup shows of the account and how it loads (App.tsx draws it): the overview, Kalshi's
 * key list and the usage level, painted first from the snapshot, then from the worker's answers.
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { localizeError, t, type ShownError } from '../../components/i18n';
import { errorInfoOf, send } from '../../components/messaging';
import type { Status } from '../../components/StatusMessage';
import { ENVIRONMENTS, type Environment } from '../../lib/shared/environments';
import type { AccountHealth, AccountInfo, KeyList as KeyListAnswer, KeyListItem, Overview, PopupSnapshot } from '../../lib/messages';
import { userTimeZone } from './AccountHealth';
import type { Shown } from './actions';

/** Kalshi refused the signing key; the list was read with another held key. */
export type SigningTrouble = { listedWith: string; problem: ShownError };

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

/**
 * The popup's data from `snapshot` on, and the loads that refresh it; loading starts before the first
 * paint. The loads report beside the data: in the status region (`setStatus`), and with the dialog
 * for a private key still waiting to be saved (`setShown`).
 */
export function usePopupData(snapshot: PopupSnapshot | null, setStatus: (status: Status) => void, setShown: (shown: Shown | null) => void) {
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
      const shown = newFirst(fresh.keys, lastLists.get(slot));
      lastLists.set(slot, shown.keys);
      setKeys(shown.keys);
      setNewKeys(shown.news);
      setLive(true);
      // The account's health after the list (it reads four more things of Kalshi), on open and on a switch.
      if (initial) void send('getAccountHealth', { environment: env, timeZone: userTimeZone() }).then(setHealth, () => setHealth(null));
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

  // Asked as soon as the first screen is in the DOM, not after it is painted (when useEffect would
  // run, a frame or more later): the worker and Kalshi work while the browser paints.
  useLayoutEffect(() => {
    // The first screen is the snapshot's: the worker's answers refresh it in place.
    const early = painted?.signingKey && snapshot ? refresh(snapshot.active, true) : null;
    void load(send('getOverview', { opening: true }), { early });
  }, []);

  return {
    overview,
    keys,
    newKeys,
    live,
    listed,
    trouble,
    setTrouble,
    account,
    setAccount,
    health,
    setHealth,
    load,
    showWaitingSecret,
  };
}
