/**
 * `web-ext lint` on the Firefox build already in .output/firefox-mv3 (run by `npm run test:firefox`
 * and `npm run lint:firefox` after their build): what addons.mozilla.org's validator says.
 *
 * Fails on any error or notice, and on any warning but one: Preact's own `dangerouslySetInnerHTML`
 * support assigns `innerHTML` (UNSAFE_VAR_ASSIGNMENT in the shared chunk). The linter has no way to
 * mark one finding as reviewed, so this script allows exactly that warning, and only while the
 * chunk is the one holding Preact's code and no source of ours sets HTML from a string. Anything
 * else a reviewer would ask about fails here first.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FIREFOX_BUILD } from './firefox';
import { firefoxBuildProblems } from './store-listing';

interface Finding {
  code: string;
  message: string;
  file?: string;
  line?: number;
}
interface Report {
  errors: Finding[];
  notices: Finding[];
  warnings: Finding[];
}

/** Our sources: none may write HTML from a string (the one allowed warning is then Preact's, unused). */
const SOURCE_DIRS = ['entrypoints', 'components', 'lib'];
const HTML_SINKS = /\b(?:innerHTML|outerHTML|insertAdjacentHTML|dangerouslySetInnerHTML|document\.write)\b/;

function sourcesWritingHtml(): string[] {
  return SOURCE_DIRS.flatMap((dir) =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((name) => /\.tsx?$/.test(name))
      .map((name) => join(dir, name))
      .filter((file) => HTML_SINKS.test(readFileSync(file, 'utf8'))),
  );
}

/** The one warning a reviewer is told about (store/addons-mozilla-org.md): Preact's innerHTML, in the shared chunk. */
function isPreactInnerHtml(w: Finding): boolean {
  if (w.code !== 'UNSAFE_VAR_ASSIGNMENT' || !/innerHTML/.test(w.message) || !w.file) return false;
  if (!/^chunks\/shared-[\w-]+\.js$/.test(w.file)) return false;
  const chunk = readFileSync(join(FIREFOX_BUILD, w.file), 'utf8');
  return chunk.includes('dangerouslySetInnerHTML') && chunk.includes('__html');
}

function run(): number {
  const webExt = resolve('node_modules/.bin/web-ext');
  let out: string;
  try {
    out = execFileSync(webExt, ['lint', '--source-dir', FIREFOX_BUILD, '--output', 'json', '--no-config-discovery'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
  } catch (error) {
    // Errors make web-ext exit non-zero; its JSON report is still on stdout.
    out = String((error as { stdout?: string }).stdout ?? '');
  }
  const report = JSON.parse(out.slice(out.indexOf('{'))) as Report;
  const show = (kind: string, f: Finding) =>
    console.error(`  ${kind} ${f.code} ${f.file ?? ''}${f.line ? `:${f.line}` : ''}: ${f.message}`);

  const allowed = report.warnings.filter(isPreactInnerHtml);
  const unexpected = report.warnings.filter((w) => !allowed.includes(w));
  const writers = sourcesWritingHtml();
  // This build is fresh: what addons.mozilla.org needs of it and of its listing is checked here too.
  const listing = firefoxBuildProblems(FIREFOX_BUILD);
  listing.forEach((problem) => console.error(`  store: ${problem}`));
  const failed =
    report.errors.length + report.notices.length + unexpected.length + writers.length + Math.max(0, allowed.length - 1) + listing.length;

  report.errors.forEach((f) => show('error', f));
  report.notices.forEach((f) => show('notice', f));
  unexpected.forEach((f) => show('warning', f));
  if (allowed.length > 1) console.error(`  ${allowed.length} innerHTML warnings in the shared chunk: Preact has one`);
  writers.forEach((file) => console.error(`  ${file} writes HTML from a string: the innerHTML warning may then be ours`));
  if (failed > 0) {
    console.error(
      `web-ext lint: ${report.errors.length} errors, ${report.notices.length} notices, ${unexpected.length} warnings to fix; ${listing.length} store listing problems`,
    );
    return 1;
  }
  console.log(
    `web-ext lint: 0 errors, 0 notices, ${report.warnings.length} warning${report.warnings.length === 1 ? '' : 's'}` +
      (allowed.length ? ' (Preact’s innerHTML for dangerouslySetInnerHTML, which no source uses)' : ''),
  );
  return 0;
}

process.exitCode = run();
