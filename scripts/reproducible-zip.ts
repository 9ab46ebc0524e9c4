/**
 * Store packages that rebuild to the same bytes. `wxt zip` writes its zips with JSZip, which stamps
 * every entry with the moment of the build and stores entries in the order the file system listed
 * them. The hooks in wxt.config.ts hand each zip WXT has just written to normalizeZip(), which
 * writes it again with WXT's own JSZip, deterministically:
 *
 * - entries sorted by name (bytes, not locale), with an entry for every folder;
 * - every entry dated SOURCE_DATE_EPOCH (see sourceDateEpoch(); zip times are in UTC here, so the
 *   time zone does not matter);
 * - permissions fixed at 0644 for files and 0755 for folders, made on "UNIX" (the umask and the
 *   file system do not matter);
 * - the same deflate (JSZip's pako, pure JavaScript: the same bytes on every CPU and Node version).
 *
 * The sources zip also carries a file named SOURCE_DATE_EPOCH holding that date, so Firefox's
 * reviewers, who rebuild from it without git (`npm ci && npx wxt zip -b firefox`), get the same date
 * and so the same bytes. `scripts/check-reproducible.sh` proves it.
 *
 *   npx tsx scripts/reproducible-zip.ts list <zip>          # one line per entry: what the bytes depend on
 *   npx tsx scripts/reproducible-zip.ts unpack <zip> <dir>  # unpacks (used by the check; no unzip needed)
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type JSZipType from 'jszip';

/** The file in the sources zip that carries the entries' date to a rebuild without git. */
export const SOURCE_DATE_FILE = 'SOURCE_DATE_EPOCH';
/** 1980-01-01T00:00:00Z: the earliest time a zip entry can carry; used when nothing else says. */
export const ZIP_EPOCH = 315_532_800;

/** The JSZip that WXT zips with (its own dependency, resolved from WXT: no second copy). */
function loadJSZip(): typeof JSZipType {
  const here = createRequire(import.meta.url);
  return createRequire(here.resolve('wxt'))('jszip') as typeof JSZipType;
}

function parseEpoch(text: string, where: string): number {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) throw new Error(`${where}: “${trimmed}” is not a number of seconds since 1970`);
  return Math.max(Number(trimmed), ZIP_EPOCH);
}

/**
 * The date every zip entry carries, in seconds since 1970, from the first of: the SOURCE_DATE_EPOCH
 * environment variable (the reproducible-builds.org convention); a SOURCE_DATE_EPOCH file at the
 * root (what the sources zip carries); the last commit's date when `root` is a git work tree's top;
 * else 1980-01-01.
 */
export function sourceDateEpoch(root: string, env: NodeJS.ProcessEnv = process.env): number {
  if (env.SOURCE_DATE_EPOCH) return parseEpoch(env.SOURCE_DATE_EPOCH, 'the SOURCE_DATE_EPOCH variable');
  try {
    return parseEpoch(readFileSync(join(root, SOURCE_DATE_FILE), 'utf8'), join(root, SOURCE_DATE_FILE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    // Only this project's own repository: not one it happens to be unpacked inside.
    if (realpathSync(git('rev-parse', '--show-toplevel').trim()) === realpathSync(root)) {
      return parseEpoch(git('log', '-1', '--format=%ct'), 'git log');
    }
  } catch {
    // no git, or not a repository
  }
  return ZIP_EPOCH;
}

const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

export interface NormalizeOptions {
  /** Seconds since 1970 for every entry. */
  epoch: number;
  /** 0 stores; 1–9 deflate (WXT's zip.compressionLevel, 9 unless set). */
  compressionLevel?: number;
  /** Files to add or replace, by path in the zip. */
  extraFiles?: Record<string, string>;
}

/** Rewrites the zip at `path` deterministically (see the top of this file). */
export async function normalizeZip(path: string, { epoch, compressionLevel = 9, extraFiles = {} }: NormalizeOptions): Promise<void> {
  const JSZip = loadJSZip();
  const input = await JSZip.loadAsync(readFileSync(path));
  const files = new Map<string, Uint8Array>();
  for (const entry of Object.values(input.files)) if (!entry.dir) files.set(entry.name, await entry.async('uint8array'));
  for (const [name, text] of Object.entries(extraFiles)) files.set(name, Buffer.from(text, 'utf8'));

  const folders = new Set<string>();
  for (const name of files.keys()) {
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(`${parts.slice(0, i).join('/')}/`);
  }
  const date = new Date(epoch * 1000);
  const output = new JSZip();
  for (const name of [...folders, ...files.keys()].sort(byBytes)) {
    const common = { date, createFolders: false };
    if (name.endsWith('/')) output.file(name, null, { ...common, dir: true, unixPermissions: 0o40755 });
    else output.file(name, files.get(name)!, { ...common, binary: true, unixPermissions: 0o100644 });
  }
  const bytes = await output.generateAsync({
    type: 'uint8array',
    platform: 'UNIX',
    ...(compressionLevel === 0 ? { compression: 'STORE' } : { compression: 'DEFLATE', compressionOptions: { level: compressionLevel } }),
  });
  writeFileSync(path, bytes);
}

/** One line per entry: name, date, permissions, size and CRC-32, to see what differs between two zips. */
export async function listZip(path: string): Promise<string[]> {
  const zip = await loadJSZip().loadAsync(readFileSync(path));
  const lines: string[] = [];
  for (const entry of Object.values(zip.files)) {
    const data = entry.dir ? new Uint8Array() : await entry.async('uint8array');
    const mode = typeof entry.unixPermissions === 'number' ? entry.unixPermissions.toString(8) : `dos:${String(entry.dosPermissions)}`;
    const digest = createHash('sha256').update(data).digest('hex').slice(0, 16);
    lines.push(`${entry.name}  ${entry.date.toISOString()}  ${mode}  ${data.length} bytes  sha256:${digest}`);
  }
  return lines;
}

/** Unpacks a zip into `dir` (which may exist), refusing entries that would land outside it. */
export async function unpackZip(path: string, dir: string): Promise<number> {
  const zip = await loadJSZip().loadAsync(readFileSync(path));
  const root = resolve(dir);
  let count = 0;
  for (const entry of Object.values(zip.files)) {
    const target = resolve(root, entry.name);
    if (target !== root && !target.startsWith(root + sep)) throw new Error(`${entry.name} would land outside ${root}`);
    if (entry.dir) {
      mkdirSync(target, { recursive: true });
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, await entry.async('uint8array'));
    count++;
  }
  return count;
}

async function cli([command, zip, dir]: string[]): Promise<number> {
  if (command === 'list' && zip) console.log((await listZip(zip)).join('\n'));
  else if (command === 'unpack' && zip && dir) console.log(`unpacked ${await unpackZip(zip, dir)} files into ${dir}`);
  else {
    console.error('usage: tsx scripts/reproducible-zip.ts list <zip> | unpack <zip> <dir>');
    return 2;
  }
  return 0;
}

// Run as a script (not when wxt.config.ts imports it).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
