/**
 * The store listing (store/): what a submission to the Chrome Web Store and addons.mozilla.org
 * needs, and the checks that it is all there and agrees with the built manifests. Used by
 * `npm run release` (which refuses to package without it) and tests/e2e/store-listing.spec.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const STORE_DIR = resolve('store');
export const CHROME_LISTING = join(STORE_DIR, 'chrome-web-store.md');
export const AMO_LISTING = join(STORE_DIR, 'addons-mozilla-org.md');
export const SHORT_DESCRIPTION = join(STORE_DIR, 'short-description.txt');
export const DESCRIPTION = join(STORE_DIR, 'description.txt');
export const PRIVACY_POLICY = resolve('docs/privacy.md');

/** The Chrome Web Store's sizes (developer.chrome.com/docs/webstore/images). */
export const SCREENSHOT_SIZE = { width: 1280, height: 800 } as const;
export const PROMO_SIZE = { width: 440, height: 280 } as const;
/** The Chrome Web Store's summary: the manifest's description, at most 132 characters. */
export const SHORT_DESCRIPTION_MAX = 132;

export const SCHEMES = ['light', 'dark'] as const;
export const SCENE_FILES = ['1-keys', '2-create', '3-import', '4-bots'] as const;
export const screenshotPath = (scene: string, scheme: string) => join(STORE_DIR, 'screenshots', `${scene}-${scheme}.png`);
export const PROMO_TILE = join(STORE_DIR, 'promo-small-440x280.png');

export interface Manifest {
  description?: string;
  permissions?: string[];
  host_permissions?: string[];
  browser_specific_settings?: { gecko?: { data_collection_permissions?: { required?: string[]; optional?: string[] } } };
}

/** Width and height from a PNG's IHDR chunk; throws when the file is not a PNG. */
export function pngSize(path: string): { width: number; height: number } {
  const bytes = readFileSync(path);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(signature) || bytes.toString('latin1', 12, 16) !== 'IHDR') {
    throw new Error(`${path} is not a PNG`);
  }
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/**
 * The reasons a listing gives, by name: each `#### \`name\`` (or `### \`name\``) heading and the text
 * under it, up to the next heading.
 */
export function reasonsIn(markdown: string): Map<string, string> {
  const reasons = new Map<string, string>();
  const sections = markdown.split(/^(?=#{2,4} )/m);
  for (const section of sections) {
    const match = /^#{3,4} `([^`]+)`\s*\n([\s\S]*)$/.exec(section);
    if (match) reasons.set(match[1]!, match[2]!.replace(/\s+/g, ' ').trim());
  }
  return reasons;
}

/** A reason worth the name: a sentence or more, not a placeholder. */
const MIN_REASON = 40;

function missingReasons(listing: string, names: string[], where: string): string[] {
  const reasons = reasonsIn(listing);
  return names
    .filter((name) => (reasons.get(name)?.length ?? 0) < MIN_REASON || /\b(?:TODO|TBD|FIXME)\b/.test(reasons.get(name)!))
    .map((name) => `${where}: no reason given for \`${name}\` (a "#### \`${name}\`" section of at least ${MIN_REASON} characters)`);
}

/** What the Chrome listing lacks for this manifest: a reason for each permission and host permission. */
export function chromeListingProblems(manifest: Manifest, listing: string): string[] {
  return missingReasons(listing, [...(manifest.permissions ?? []), ...(manifest.host_permissions ?? [])], 'store/chrome-web-store.md');
}

/** What the AMO listing lacks for this manifest: the permissions, and each declared data collection type. */
export function amoListingProblems(manifest: Manifest, listing: string, chromeListing: string): string[] {
  const data = manifest.browser_specific_settings?.gecko?.data_collection_permissions;
  const problems = missingReasons(
    chromeListing,
    [...(manifest.permissions ?? []), ...(manifest.host_permissions ?? [])],
    'store/chrome-web-store.md',
  );
  if (!data) problems.push('the Firefox manifest declares no data_collection_permissions (addons.mozilla.org requires them)');
  const types = [...(data?.required ?? []), ...(data?.optional ?? [])].filter((type) => type !== 'none');
  problems.push(...missingReasons(listing, types, 'store/addons-mozilla-org.md'));
  if (!/Notes to reviewer/.test(listing) || !/npm ci/.test(listing) || !/wxt zip -b firefox/.test(listing)) {
    problems.push('store/addons-mozilla-org.md: the notes to reviewer must give the build steps (npm ci, npx wxt zip -b firefox)');
  }
  return problems;
}

/** The listing's files: screenshots light and dark at 1280×800, the promo tile at 440×280, the texts, the policy. */
export function listingFileProblems(): string[] {
  const problems: string[] = [];
  const expectSize = (path: string, size: { width: number; height: number }) => {
    if (!existsSync(path)) return problems.push(`${path} is missing (npm run store:images)`);
    const actual = pngSize(path);
    if (actual.width !== size.width || actual.height !== size.height) {
      problems.push(`${path} is ${actual.width}×${actual.height}, not ${size.width}×${size.height}`);
    }
  };
  for (const scene of SCENE_FILES) for (const scheme of SCHEMES) expectSize(screenshotPath(scene, scheme), SCREENSHOT_SIZE);
  expectSize(PROMO_TILE, PROMO_SIZE);
  for (const path of [CHROME_LISTING, AMO_LISTING, SHORT_DESCRIPTION, DESCRIPTION, PRIVACY_POLICY]) {
    if (!existsSync(path) || readFileSync(path, 'utf8').trim() === '') problems.push(`${path} is missing or empty`);
  }
  if (existsSync(SHORT_DESCRIPTION)) {
    const short = readFileSync(SHORT_DESCRIPTION, 'utf8').trim();
    if (short.length > SHORT_DESCRIPTION_MAX)
      problems.push(`the short description has ${short.length} characters, more than ${SHORT_DESCRIPTION_MAX}`);
  }
  return problems;
}

/** The manifest's description, its __MSG_…__ read from the build's English messages. */
export function manifestDescription(buildDir: string): string {
  const manifest = JSON.parse(readFileSync(join(buildDir, 'manifest.json'), 'utf8')) as Manifest;
  const text = manifest.description ?? '';
  const key = /^__MSG_(\w+)__$/.exec(text)?.[1];
  if (!key) return text;
  const messages = JSON.parse(readFileSync(join(buildDir, '_locales/en/messages.json'), 'utf8')) as Record<string, { message: string }>;
  return messages[key]?.message ?? '';
}

const manifestOf = (build: string) => JSON.parse(readFileSync(join(build, 'manifest.json'), 'utf8')) as Manifest;

/** What a build must carry for its store: the privacy policy's page and the 128×128 icon. */
function shippedFileProblems(build: string): string[] {
  const problems: string[] = [];
  if (!existsSync(join(build, 'privacy.html'))) problems.push(`${build} does not ship privacy.html`);
  if (!existsSync(join(build, 'icon/128.png'))) problems.push(`${build} has no 128×128 icon`);
  return problems;
}

/** What addons.mozilla.org would lack from the Firefox build and its listing (checked where that build is made). */
export function firefoxBuildProblems(firefoxBuild: string): string[] {
  const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : '');
  return [...shippedFileProblems(firefoxBuild), ...amoListingProblems(manifestOf(firefoxBuild), read(AMO_LISTING), read(CHROME_LISTING))];
}

/** Everything a submission would lack, given the two builds (Firefox's may be absent: then only Chrome's is checked). */
export function submissionProblems(chromeBuild: string, firefoxBuild: string | null): string[] {
  const problems = listingFileProblems();
  const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : '');
  const chromeListing = read(CHROME_LISTING);
  problems.push(...shippedFileProblems(chromeBuild));
  problems.push(...chromeListingProblems(manifestOf(chromeBuild), chromeListing));
  if (firefoxBuild) problems.push(...firefoxBuildProblems(firefoxBuild));
  const short = read(SHORT_DESCRIPTION).trim();
  const description = manifestDescription(chromeBuild);
  if (short !== description) problems.push(`store/short-description.txt differs from the manifest's description: “${description}”`);
  return [...new Set(problems)];
}
