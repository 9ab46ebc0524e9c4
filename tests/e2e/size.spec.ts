import { expect, test } from '@playwright/test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SIZE_BUDGETS, formatSizes, kB, measureSizes } from '../../bench/size';
import { EXTENSION_DIR } from '../../scripts/chromium';

// Runs after `wxt build` (npm run test:e2e) and needs no browser: it reads .output/chrome-mv3.
// Sizes are deterministic, so these are hard budgets; timings are only reported, by `npm run bench`.
test.describe('bundle size, gzipped', () => {
  const built = existsSync(join(EXTENSION_DIR, 'popup.html'));
  test.skip(!built, 'no build at .output/chrome-mv3: run `npx wxt build`');
  const report = built ? measureSizes(EXTENSION_DIR) : undefined;
  test.beforeAll(() => console.log(formatSizes(report!)));

  test(`the popup loads at most ${kB(SIZE_BUDGETS.popupGzipBytes)} of JS and CSS when it opens`, () => {
    expect(
      report!.popup.some((f) => f.file.endsWith('.js')),
      'popup.html loads a script',
    ).toBe(true);
    expect(
      report!.popup.some((f) => f.file.endsWith('.css')),
      'popup.html loads a stylesheet',
    ).toBe(true);
    expect(report!.popupGzipBytes, 'popup JS + CSS, gzipped bytes').toBeLessThanOrEqual(SIZE_BUDGETS.popupGzipBytes);
  });

  test(`all the extension's JS is at most ${kB(SIZE_BUDGETS.allJsGzipBytes)}`, () => {
    expect(report!.allJsGzipBytes, 'all extension JS, gzipped bytes').toBeLessThanOrEqual(SIZE_BUDGETS.allJsGzipBytes);
  });
});
