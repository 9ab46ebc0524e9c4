/**
 * The previous release built from its own sources, as its users installed it: a detached git
 * worktree of its commit, `wxt prepare` and `wxt build` there, the output kept by commit under
 * node_modules/.cache/kkm-previous/<commit>/ so a second run builds nothing. The release is named in
 * tests/update/previous-release.json; its tag is used when the clone has it, else its commit.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  lstatSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface PreviousRelease {
  version: string;
  tag: string;
  commit: string;
}

export type Target = 'chrome' | 'firefox';

const RECORD = resolve('tests/update/previous-release.json');
const CACHE = resolve('node_modules/.cache/kkm-previous');

export function previousRelease(): PreviousRelease {
  return JSON.parse(readFileSync(RECORD, 'utf8')) as PreviousRelease;
}

const git = (args: string[], cwd = process.cwd()) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

function commitOf(ref: string): string | undefined {
  try {
    return git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    return undefined;
  }
}

/** The release's commit: by its tag when the clone has it (and it must agree with the record), else by the recorded commit. */
export function resolveRelease(release: PreviousRelease, lookUp: (ref: string) => string | undefined = commitOf): string {
  const tagged = lookUp(release.tag);
  if (tagged !== undefined) {
    if (tagged !== release.commit) {
      throw new Error(`tag ${release.tag} is ${tagged}, but ${RECORD} records ${release.commit} for ${release.version}: fix one of them`);
    }
    return tagged;
  }
  const commit = lookUp(release.commit);
  if (commit === undefined) {
    throw new Error(
      `the previous release ${release.version} is not in this clone: neither tag ${release.tag} nor commit ${release.commit} ` +
        `resolves. Fetch it (git fetch --unshallow --tags, or git fetch origin ${release.commit}) and run again.`,
    );
  }
  return commit;
}

/** A lock file with the root package's own version left out: the dependencies are what must match. */
function dependencyTree(lockPath: string): string {
  const lock = JSON.parse(readFileSync(lockPath, 'utf8')) as { version?: string; packages?: Record<string, { version?: string }> };
  delete lock.version;
  if (lock.packages?.['']) delete lock.packages[''].version;
  return JSON.stringify(lock);
}

/** The previous release's unpacked build for `target` (a directory to copy, never to load in place). */
export function previousBuild(target: Target): { dir: string; release: PreviousRelease; commit: string } {
  const release = previousRelease();
  const commit = resolveRelease(release);
  const output = `${target}-mv3`;
  const dir = join(CACHE, commit, output);
  if (!existsSync(join(dir, 'manifest.json'))) build(commit, target, dir);
  return { dir, release, commit };
}

function build(commit: string, target: Target, dir: string): void {
  const sources = join(mkdtempSync(join(tmpdir(), 'kkm-previous-')), commit.slice(0, 12));
  const run = (command: string, args: string[]) => execFileSync(command, args, { cwd: sources, stdio: ['ignore', 'pipe', 'pipe'] });
  git(['worktree', 'add', '--detach', sources, commit]);
  try {
    const modules = join(sources, 'node_modules');
    if (dependencyTree(join(sources, 'package-lock.json')) === dependencyTree(resolve('package-lock.json'))) {
      // The same dependencies: borrow this tree's installed packages rather than install them again.
      symlinkSync(realpathSync('node_modules'), modules, 'dir');
    } else {
      run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error']);
    }
    run(join(modules, '.bin/wxt'), ['prepare']);
    run(join(modules, '.bin/wxt'), target === 'chrome' ? ['build'] : ['build', '-b', target]);
    // Into the cache in one rename, so an interrupted build never leaves a half output there.
    mkdirSync(join(dir, '..'), { recursive: true });
    const staged = `${dir}.partial-${process.pid}`;
    cpSync(join(sources, '.output', `${target}-mv3`), staged, { recursive: true });
    rmSync(dir, { recursive: true, force: true });
    renameSync(staged, dir);
  } finally {
    // Unlinked first: removing the worktree must never reach into the borrowed packages.
    const modules = join(sources, 'node_modules');
    if (existsSync(modules) && lstatSync(modules).isSymbolicLink()) unlinkSync(modules);
    rmSync(join(sources, '..'), { recursive: true, force: true });
    git(['worktree', 'prune']);
  }
}
