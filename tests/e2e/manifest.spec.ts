/**
 * The shape of the manifest users install (the production build, read from .output after
 * `wxt build`): Kalshi's four hosts and nothing else, no door left open to pages or extensions.
 */
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXTENSION_DIR } from '../../scripts/chromium';

const manifest = () => JSON.parse(readFileSync(join(EXTENSION_DIR, 'manifest.json'), 'utf8')) as Record<string, unknown>;

test('host permissions are exactly Kalshi’s four API hosts; the other permissions are storage, alarms and nativeMessaging', () => {
  const m = manifest();
  expect(m.manifest_version).toBe(3);
  expect([...(m.host_permissions as string[])].sort()).toEqual(
    [
      'https://api.elections.kalshi.com/*',
      'https://demo-api.kalshi.co/*',
      'https://external-api.demo.kalshi.co/*',
      'https://external-api.kalshi.com/*',
    ].sort(),
  );
  // storage.session: the popup's last screen and a sealed one-time key; alarms: that key's wipe on time
  expect(m.permissions).toEqual(['storage', 'alarms', 'nativeMessaging']);
  expect(m.optional_permissions).toBeUndefined();
  expect(m.optional_host_permissions).toBeUndefined();
});

test('nothing reachable from outside: no content scripts, web-accessible resources or external connections', () => {
  const m = manifest();
  for (const key of [
    'content_scripts',
    'web_accessible_resources',
    'externally_connectable',
    'sandbox',
    'chrome_url_overrides',
    'declarative_net_request',
    'update_url',
    'key',
  ]) {
    expect(m[key], key).toBeUndefined();
  }
});

test('the pages’ CSP allows only our own scripts and forbids framing', () => {
  const csp = (manifest().content_security_policy as { extension_pages: string }).extension_pages;
  const directives = Object.fromEntries(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name, values]),
  );
  expect(directives['script-src']).toEqual(["'self'"]);
  expect(directives['object-src']).toEqual(["'none'"]);
  expect(directives['frame-ancestors']).toEqual(["'none'"]);
  expect(csp).not.toMatch(/unsafe-eval|unsafe-inline|wasm-unsafe-eval|https?:|\*/);
});

test('the background is one classic service worker; the pages are the popup and the options page', () => {
  const m = manifest() as { background: Record<string, unknown>; action: { default_popup: string }; options_ui: { page: string } };
  expect(m.background).toEqual({ service_worker: 'background.js' }); // classic: bundled alone, no chunk shared with the pages
  expect(m.action.default_popup).toBe('popup.html');
  expect(m.options_ui.page).toBe('options.html');
});
