import { defineConfig } from 'wxt';
import { ALL_API_HOSTS } from './lib/environments';

// The extension talks to Kalshi's four API hosts and nothing else.
export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  manifest: {
    name: 'Kalshi Key Manager',
    description:
      'Keeps Kalshi API keys as non-extractable keys in your browser and manages them in one click.',
    permissions: [],
    host_permissions: ALL_API_HOSTS.map((host) => `https://${host}/*`),
    content_security_policy: {
      extension_pages: "script-src 'self'; object-src 'none'; frame-ancestors 'none'",
    },
  },
  vite: () => ({
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
    build: { sourcemap: false },
  }),
});
