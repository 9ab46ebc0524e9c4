/**
 * `npm run release`: everything a store submission needs, in .output/release/:
 *
 * - the Chrome zip, the Firefox zip and the sources zip, made by `wxt zip` and `wxt zip -b firefox`
 *   (reproducible: WXT's zip hooks in wxt.config.ts, proved by scripts/check-reproducible.sh);
 * - SHA256SUMS, their SHA-256 sums (`cd .output/release && sha256sum -c SHA256SUMS`);
 * - store/, the listing (texts, screenshots, promo tile) and privacy.md beside it.
 *
 * Fails, naming each, if anything a submission needs is missing: a screenshot or the promo tile
 * (or one of the wrong size), a permission, host permission or Firefox data type without its
 * reason, the privacy policy, or a shipped privacy page that no longer matches docs/privacy.md.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { EXTENSION_DIR } from './chromium';
import { FIREFOX_BUILD } from './firefox';
import { PRIVACY_MARKDOWN, PRIVACY_PAGE, renderPrivacyPage } from './privacy-page';
import { STORE_DIR, submissionProblems } from './store-listing';

const OUTPUT = resolve('.output');
export const RELEASE_DIR = join(OUTPUT, 'release');

function wxt(...args: string[]): void {
  execFileSync(resolve('node_modules/.bin/wxt'), args, { stdio: 'inherit' });
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function main(): number {
  const { name, version } = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string; version: string };
  const dirty = execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8' }).trim();
  if (dirty) {
    console.warn('warning: the working tree has uncommitted changes; the zips are dated from the last commit, so they match no commit.');
  }

  // The privacy page is checked before the build: the build would ship a stale one.
  const problems: string[] = [];
  if (!existsSync(PRIVACY_MARKDOWN)) problems.push(`${PRIVACY_MARKDOWN} is missing`);
  else if (!existsSync(PRIVACY_PAGE) || readFileSync(PRIVACY_PAGE, 'utf8') !== renderPrivacyPage(readFileSync(PRIVACY_MARKDOWN, 'utf8'))) {
    problems.push(`${PRIVACY_PAGE} does not match ${PRIVACY_MARKDOWN}: run npm run privacy`);
  }

  const zips = ['chrome', 'firefox', 'sources'].map((kind) => join(OUTPUT, `${name}-${version}-${kind}.zip`));
  for (const zip of zips) rmSync(zip, { force: true });
  wxt('zip');
  wxt('zip', '-b', 'firefox');
  for (const zip of zips) if (!existsSync(zip)) problems.push(`${zip} was not made`);
  problems.push(...submissionProblems(EXTENSION_DIR, FIREFOX_BUILD));

  if (problems.length > 0) {
    console.error(`\nnpm run release: not ready for the stores (${problems.length} problem${problems.length === 1 ? '' : 's'}):`);
    for (const problem of problems) console.error(`  - ${problem}`);
    return 1;
  }

  rmSync(RELEASE_DIR, { recursive: true, force: true });
  mkdirSync(RELEASE_DIR, { recursive: true });
  for (const zip of zips) copyFileSync(zip, join(RELEASE_DIR, basename(zip)));
  // `sha256sum -c` format: the digest, two spaces, the file name.
  writeFileSync(join(RELEASE_DIR, 'SHA256SUMS'), zips.map((zip) => `${sha256(zip)}  ${basename(zip)}\n`).join(''));
  cpSync(STORE_DIR, join(RELEASE_DIR, 'store'), { recursive: true });
  copyFileSync(PRIVACY_MARKDOWN, join(RELEASE_DIR, 'store', 'privacy.md'));

  console.log(`\n${RELEASE_DIR}:`);
  console.log(readFileSync(join(RELEASE_DIR, 'SHA256SUMS'), 'utf8').replace(/^/gm, '  ').trimEnd());
  console.log('  store/ (the listing: chrome-web-store.md, addons-mozilla-org.md, descriptions, screenshots, promo tile, privacy.md)');
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
