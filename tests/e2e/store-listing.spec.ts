/**
 * The store listing (store/) against the build users install (.output/chrome-mv3 after `wxt build`;
 * .output/firefox-mv3 when a Firefox build of these sources is there; tests/firefox/run.ts checks the
 * one test:firefox makes): screenshots at the stores' sizes in light and
 * dark, the promo tile, and a reason in the listing for every permission, host permission and
 * Firefox data type the manifests declare. `npm run release` refuses to package on the same checks.
 */
import { test, expect } from '@playwright/test';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EXTENSION_DIR } from '../../scripts/chromium';
import { FIREFOX_BUILD } from '../../scripts/firefox';
import {
  CHROME_LISTING,
  PROMO_SIZE,
  PROMO_TILE,
  SCENE_FILES,
  SCHEMES,
  SCREENSHOT_SIZE,
  SHORT_DESCRIPTION,
  SHORT_DESCRIPTION_MAX,
  chromeListingProblems,
  manifestDescription,
  pngSize,
  screenshotPath,
  submissionProblems,
  type Manifest,
} from '../../scripts/store-listing';

const manifestOf = (build: string) => JSON.parse(readFileSync(join(build, 'manifest.json'), 'utf8')) as Manifest;
const chromeListing = () => readFileSync(CHROME_LISTING, 'utf8');
/** A Firefox build of these sources: one older than the Chrome build is left to test:firefox, which makes it afresh. */
const firefoxBuilt = () => {
  const manifest = join(FIREFOX_BUILD, 'manifest.json');
  return existsSync(manifest) && statSync(manifest).mtimeMs >= statSync(join(EXTENSION_DIR, 'manifest.json')).mtimeMs;
};

test('every screenshot is 1280×800, in light and in dark; the promo tile is 440×280', () => {
  for (const scene of SCENE_FILES) {
    for (const scheme of SCHEMES) expect(pngSize(screenshotPath(scene, scheme)), `${scene}-${scheme}`).toEqual(SCREENSHOT_SIZE);
  }
  expect(pngSize(PROMO_TILE)).toEqual(PROMO_SIZE);
  expect(() => pngSize(CHROME_LISTING)).toThrow(/not a PNG/);
});

test('every permission and host permission of the built manifest has its reason in the Chrome listing', () => {
  const manifest = manifestOf(EXTENSION_DIR);
  expect(manifest.permissions?.length).toBeGreaterThan(0);
  expect(manifest.host_permissions?.length).toBeGreaterThan(0);
  expect(chromeListingProblems(manifest, chromeListing())).toEqual([]);
});

test('a permission without its reason is named, and so is a reason left as a placeholder', () => {
  const manifest = manifestOf(EXTENSION_DIR);
  const withTabs = { ...manifest, permissions: [...manifest.permissions!, 'tabs'] };
  expect(chromeListingProblems(withTabs, chromeListing())).toEqual([expect.stringContaining('`tabs`')]);
  const placeholder = chromeListing().replace(
    /(#### `alarms`\n)[\s\S]*?(?=\n#)/,
    '$1\nTODO: explain why the alarms permission is needed here.\n',
  );
  expect(chromeListingProblems(manifest, placeholder)).toEqual([expect.stringContaining('`alarms`')]);
  const hostGone = chromeListing().replace('#### `https://demo-api.kalshi.co/*`', '#### demo');
  expect(chromeListingProblems(manifest, hostGone)).toEqual([expect.stringContaining('demo-api.kalshi.co')]);
});

test('the short description is the manifest’s, within the Chrome Web Store’s 132 characters', () => {
  const short = readFileSync(SHORT_DESCRIPTION, 'utf8').trim();
  expect(short.length).toBeLessThanOrEqual(SHORT_DESCRIPTION_MAX);
  expect(short).toBe(manifestDescription(EXTENSION_DIR));
});

test('nothing a submission needs is missing (what npm run release checks)', () => {
  expect(submissionProblems(EXTENSION_DIR, firefoxBuilt() ? FIREFOX_BUILD : null)).toEqual([]);
});
