/**
 * The popup's last screen, painted before anything else answers: a copy taken from its own DOM
 * through an allow-list (screen-copy.ts), kept by the worker in memory and in storage.session
 * (session-store.ts), and served by the worker inside popup.html as HTML text in
 * which a key's name can only be text (html.ts, shell.ts). Not secret, never key material.
 *
 * May import: nothing of ours (the pages, the key manager's types and the background use it).
 */
export { capture } from './capture';
export { FIRST_SCREEN_ROWS, type CopiedElement } from './screen-copy';
export { SCREEN_SLOT, sessionSlot, type SessionArea, type SessionSlot } from './session-store';
export { createPopupShell, isPopupNavigation, type PopupShell, type ScreenKeeper, type ScreenStore } from './shell';
