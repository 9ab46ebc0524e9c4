import { defineConfig } from 'wxt';
import { ALL_API_HOSTS } from './lib/shared/environments';
import { GECKO_ID } from './scripts/firefox';
import { paintFirst } from './scripts/paint-first';
import { pageChunks } from './scripts/page-chunks';
import { SOURCE_DATE_FILE, normalizeZip, sourceDateEpoch } from './scripts/reproducible-zip';

const POPUP_PAGE = 'entrypoints/popup/index.html';
const ICON_SIZES = [16, 32, 48, 96, 128] as const;
const icons = Object.fromEntries(ICON_SIZES.map((size) => [size, `icon/${size}.png`]));

// The extension talks to Kalshi's four API hosts and nothing else.
export default defineConfig({
  // No webextension-polyfill: MV3 Chrome and Firefox both answer with promises, and the polyfill
  // was 3 kB of the popup's 15 kB gzipped budget. `browser` from 'wxt/browser' is chrome or browser.
  // MV3 for every browser (WXT would build MV2 for Firefox otherwise).
  manifestVersion: 3,
  manifest: ({ browser }) => ({
    // The words are in public/_locales/<locale>/messages.json (extName, extDescription).
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    // storage: storage.session, where the worker keeps the popup's last screen between its restarts
    // (lib/popup-shell), and a one-time private key sealed until its promised time (secrets.ts).
    // alarms: wakes the worker at that time to wipe it. Neither warns at install.
    // nativeMessaging: the local agent (agent/), through which bots use a held key without holding
    // it. It does nothing until the user installs the agent, which names this extension alone.
    // Required, not optional: a browser asks for an optional one in a dialog no test can answer.
    permissions: ['storage', 'alarms', 'nativeMessaging'],
    host_permissions: ALL_API_HOSTS.map((host) => `https://${host}/*`),
    content_security_policy: {
      extension_pages: "script-src 'self'; object-src 'none'; frame-ancestors 'none'",
    },
    // WXT fills `icons` from public/icon/*.png; the toolbar button uses the same set.
    action: { default_icon: icons },
    ...(browser === 'firefox' && {
      browser_specific_settings: {
        gecko: {
          id: GECKO_ID,
          // 140 (an ESR): Ed25519 in WebCrypto (129+), MV3 host permissions granted at install (127+),
          // and the data_collection_permissions key below (140+).
          strict_min_version: '140.0',
          // Signed requests carrying the API key id go to Kalshi, the service the user points it at.
          data_collection_permissions: { required: ['authenticationInfo'] },
        },
        // Firefox for Android reads data_collection_permissions from 142 on.
        gecko_android: { strict_min_version: '142.0' },
      },
    }),
  }),
  zip: {
    // Firefox's reviewers rebuild from the sources zip: leave out local state, test output and the
    // agent (a program of its own, not part of the add-on); the store listing and the script that
    // draws its images from the e2e helpers.
    excludeSources: [
      '.sandbox/**',
      'test-results/**',
      'playwright-report/**',
      'tests/**',
      'docs/**',
      'bench/**',
      'agent/**',
      'store/**',
      'scripts/store-images.ts',
    ],
  },
  // WXT's zips carry the build's time and the file system's order: each is written again, sorted,
  // dated from the last commit (or SOURCE_DATE_EPOCH), with fixed permissions, so the same sources
  // give the same bytes (scripts/reproducible-zip.ts; checked by scripts/check-reproducible.sh).
  // The sources zip carries that date in a SOURCE_DATE_EPOCH file, for rebuilds without git.
  hooks: {
    'zip:extension:done': (wxt, zipPath) =>
      normalizeZip(zipPath, { epoch: sourceDateEpoch(wxt.config.root), compressionLevel: wxt.config.zip.compressionLevel }),
    'zip:sources:done': (wxt, zipPath) => {
      const epoch = sourceDateEpoch(wxt.config.root);
      return normalizeZip(zipPath, {
        epoch,
        compressionLevel: wxt.config.zip.compressionLevel,
        extraFiles: { [SOURCE_DATE_FILE]: `${epoch}\n` },
      });
    },
  },
  vite: () => ({
    plugins: [pageChunks(), paintFirst(POPUP_PAGE)],
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
    // Chrome and Firefox know modulepreload: no polyfill in every page.
    // Terser: about 3 % smaller than esbuild's minifier, in every file (bench 5).
    build: { sourcemap: false, modulePreload: { polyfill: false }, minify: 'terser', terserOptions: { compress: { passes: 2 } } },
  }),
});
