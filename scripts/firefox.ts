import { resolve } from 'node:path';

/** The add-on id Firefox knows this extension by (MV3 needs one; it also keys the add-on's storage). */
export const GECKO_ID = 'kalshi-key-manager@kalshi-keys.local';

/** The production Firefox build, as `npx wxt build -b firefox` makes it. */
export const FIREFOX_BUILD = resolve('.output/firefox-mv3');
/** Debian's Firefox ESR (apt-get install firefox-esr). */
export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
