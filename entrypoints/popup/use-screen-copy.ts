/**
 * What the next open paints first: the data snapshot (snapshot.ts) and the worker's copy of the
 * screen (lib/popup-shell), both written from what the popup shows (App.tsx).
 */
import type { RefObject } from 'preact';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { send } from '../../components/messaging';
import type { AccountHealth, AccountInfo, KeyListItem, Overview, PopupSnapshot } from '../../lib/messages';
import { capture, type CopiedElement } from '../../lib/popup-shell';
import { saveSnapshot } from './snapshot';

/** What is on screen of the account (usePopupData). */
interface OnScreen {
  overview: Overview | null;
  keys: KeyListItem[] | null;
  live: boolean;
  account: AccountInfo | null;
  health: AccountHealth | null;
}

/**
 * Keeps the snapshot and the screen copy of `main` (the popup's `<main class="popup">`) as the screen
 * changes. No copy while an action runs (`busy`) or under a dialog (`dialog`: a private key shown or a
 * confirmation asked); a dialog opening or closing alone takes no copy.
 */
export function useScreenCopy(
  main: RefObject<HTMLElement | null>,
  snapshot: PopupSnapshot | null,
  { overview, keys, live, account, health }: OnScreen,
  busy: boolean,
  dialog: unknown,
): void {
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
    const page = main.current;
    if (live && overview && page && !busy && !dialog && !page.querySelector('[data-filtered]')) keepScreen(capture(page));
  }, [overview, keys, live, account, health, busy]);
  // The snapshot after the paint (a list of hundreds of keys is a write of tens of kB): a popup
  // closed at a glance keeps the snapshot before, a list seen a moment earlier.
  useEffect(() => {
    if (!live || !overview) return;
    const { signingKey, heldKeys, accounts } = overview;
    saved.current = saveSnapshot(saved.current, overview.environment, { signingKey, heldKeys, accounts, keys, account, health });
  }, [overview, keys, live, account, health]);
}
