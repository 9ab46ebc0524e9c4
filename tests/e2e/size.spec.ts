import { expect, test } from '@playwright/test';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { SIZE_BUDGETS, formatSizes, kB, measureSizes, type SizeReport } from '../../bench/size';
import { EXTENSION_DIR } from '../../scripts/chromium';

// Runs after `wxt build` (npm run test:e2e) and needs no browser: it reads .output/chrome-mv3.
// Sizes are deterministic, so these are hard budgets; timings are only reported, by `npm run bench`.
// No build, or a build older than the code it should hold, fails: a skip or a stale figure would
// let a budget break unseen.

const ROOT = resolve('.');
/** Folders that never reach the build: tests, docs, the bench, the sandbox exchange, tool state. */
const NOT_BUILT = new Set([
  'node_modules',
  '.git',
  '.output',
  '.wxt',
  '.sandbox',
  'test-results',
  'playwright-report',
  'tests',
  'docs',
  'bench',
  'exchange',
  // The local agent is a program of its own (built beside the extension by npm run test:e2e).
  'agent',
  '.ci',
]);
/** Files at the top that the build reads (every file in the other folders counts). */
const BUILD_CONFIG = new Set(['package.json', 'package-lock.json', 'tsconfig.json', 'wxt.config.ts']);

/** The most recently changed file among the build's inputs. */
function newestInput(): { file: string; mtimeMs: number } {
  let newest = { file: '', mtimeMs: 0 };
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (dir !== ROOT || !NOT_BUILT.has(entry.name)) visit(path);
      } else if (entry.isFile() && (dir !== ROOT || BUILD_CONFIG.has(entry.name))) {
        const { mtimeMs } = statSync(path);
        if (mtimeMs > newest.mtimeMs) newest = { file: relative(ROOT, path), mtimeMs };
      }
    }
  };
  visit(ROOT);
  return newest;
}

test.describe('bundle size, gzipped', () => {
  let report: SizeReport;
  test.beforeAll(() => {
    const manifest = join(EXTENSION_DIR, 'manifest.json');
    expect(existsSync(manifest), `no build at ${EXTENSION_DIR}: run \`npx wxt build\` first (npm run test:e2e does)`).toBe(true);
    const builtAt = statSync(manifest).mtimeMs;
    const input = newestInput();
    expect(input.file, `no sources of the build found under ${ROOT}`).not.toBe('');
    expect(
      builtAt,
      `the build at ${EXTENSION_DIR} (${new Date(builtAt).toISOString()}) is older than ${input.file} ` +
        `(${new Date(input.mtimeMs).toISOString()}): it would measure stale code. Run \`npx wxt build\`.`,
    ).toBeGreaterThanOrEqual(input.mtimeMs);
    report = measureSizes(EXTENSION_DIR);
    console.log(formatSizes(report));
  });

  test(`the popup's first paint waits for at most ${kB(SIZE_BUDGETS.firstPaintGzipBytes)}, its styles inside: no stylesheet to wait for`, () => {
    expect(
      report.firstPaint.map((f) => f.file),
      'the page alone: its scripts are deferred',
    ).toEqual(['popup.html']);
    expect(report.popup.filter((f) => f.file.endsWith('.css'))).toEqual([]);
    const page = readFileSync(join(EXTENSION_DIR, 'popup.html'), 'utf8');
    expect(page, 'the styles travel in the page (scripts/paint-first.ts)').toMatch(/<style>[^<]*--accent/);
    expect(report.firstPaintGzipBytes, 'first paint, gzipped bytes').toBeLessThanOrEqual(SIZE_BUDGETS.firstPaintGzipBytes);
  });

  test(`the popup loads at most ${kB(SIZE_BUDGETS.popupGzipBytes)} of JS when it opens, the app included`, () => {
    expect(report.popup.length, 'more than the first paint: the app').toBeGreaterThan(report.firstPaint.length);
    expect(report.popupGzipBytes, 'popup JS, gzipped bytes').toBeLessThanOrEqual(SIZE_BUDGETS.popupGzipBytes);
  });

  test(`all the extension's JS is at most ${kB(SIZE_BUDGETS.allJsGzipBytes)}`, () => {
    expect(report.allJsGzipBytes, 'all extension JS, gzipped bytes').toBeLessThanOrEqual(SIZE_BUDGETS.allJsGzipBytes);
  });
});
