/**
 * Supply chain, offline (npm audit needs the registry's audit endpoint; README: "Supply chain").
 * What ships is preact and idb and nothing else; every package the lockfile names is pinned by an
 * integrity hash, so `npm ci` refuses a tarball that differs; and CI installs with
 * `npm ci --ignore-scripts` and builds (npm run check:reproducible, run by .ci/run before npm test).
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const RUNTIME = ['idb', 'preact'];
const read = (file: string) => readFileSync(resolve(ROOT, file), 'utf8');

interface LockEntry {
  version?: string;
  integrity?: string;
  resolved?: string;
  link?: boolean;
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}
const lock = JSON.parse(read('package-lock.json')) as { lockfileVersion: number; packages: Record<string, LockEntry> };
const pkg = JSON.parse(read('package.json')) as {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  scripts: Record<string, string>;
};

interface LsNode {
  version?: string;
  missing?: boolean;
  invalid?: string;
  extraneous?: boolean;
  dependencies?: Record<string, LsNode>;
}

/**
 * `npm ls --omit=dev --all --json`, offline: the tree the lockfile pins (`--package-lock-only`), or
 * the tree installed in node_modules. A node_modules that is a symlink (a scratch copy of the tree
 * sharing another checkout's install) is read where it was installed.
 */
function runtimeTree(from: 'lockfile' | 'node_modules'): LsNode & { problems?: string[] } {
  const modules = resolve(ROOT, 'node_modules');
  const cwd = from === 'node_modules' && lstatSync(modules).isSymbolicLink() ? dirname(realpathSync(modules)) : ROOT;
  const args = ['ls', '--omit=dev', '--all', '--json', '--offline', ...(from === 'lockfile' ? ['--package-lock-only'] : [])];
  let out: string;
  try {
    out = execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (e) {
    // npm ls exits 1 on a missing, invalid or extraneous package; its JSON still says which.
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    if (!stdout) throw new Error(`npm ${args.join(' ')} failed in ${cwd}: ${stderr ?? String(e)}`, { cause: e });
    out = stdout;
  }
  return JSON.parse(out) as LsNode & { problems?: string[] };
}

/** Installed packages (name@version, by path) and declared ones that are not installed, of an npm ls tree. */
function walk(tree: LsNode): { installed: string[]; unmet: string[] } {
  const installed: string[] = [];
  const unmet: string[] = [];
  const visit = (node: LsNode, path: string[]) => {
    for (const [name, child] of Object.entries(node.dependencies ?? {})) {
      const at = [...path, name].join(' > ');
      if (child.version === undefined) {
        // Not installed: allowed only for a peer dependency its parent marks optional (preact's
        // preact-render-to-string, for server rendering, which the extension never does).
        const parent = lock.packages[path.map((p) => `node_modules/${p}`).join('/')];
        if (!parent?.peerDependenciesMeta?.[name]?.optional) unmet.push(at);
        continue;
      }
      expect(child.missing ?? child.invalid ?? child.extraneous, `${at}@${child.version}`).toBeUndefined();
      installed.push(`${at}@${child.version}`);
      visit(child, [...path, name]);
    }
  };
  visit(tree, []);
  return { installed, unmet };
}

describe('runtime dependencies: exactly preact and idb', () => {
  it('package.json declares only them', () => {
    expect(Object.keys(pkg.dependencies ?? {}).sort()).toEqual(RUNTIME);
  });

  it.each(['lockfile', 'node_modules'] as const)(
    'npm ls --omit=dev --all (%s): preact and idb, nothing under them, no problems',
    (from) => {
      const tree = runtimeTree(from);
      expect(tree.problems ?? [], `npm ls reports problems with the ${from} tree (run \`npm ci\`)`).toEqual([]);
      const { installed, unmet } = walk(tree);
      expect(unmet, 'runtime dependencies that are not installed').toEqual([]);
      expect(
        installed.map((p) => p.replace(/@[^@]+$/, '')),
        `the runtime tree is ${installed.join(', ')}: a new runtime package needs a review (README: Supply chain)`,
      ).toEqual(RUNTIME);
    },
  );

  it('the lockfile agrees: every other package it holds is for development only', () => {
    const runtime = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && !entry.link && !entry.dev && !entry.devOptional)
      .map(([path]) => path);
    expect(runtime, 'lockfile packages installed by `npm ci --omit=dev`').toEqual(RUNTIME.map((name) => `node_modules/${name}`));
  });
});

describe('package-lock.json: every package pinned by its hash', () => {
  it(`lockfile version ${lock.lockfileVersion} lists every package under "packages"`, () => {
    expect(lock.lockfileVersion).toBeGreaterThanOrEqual(2);
    expect(Object.keys(lock.packages).length).toBeGreaterThan(RUNTIME.length);
  });

  it('every entry but the root and links has a SHA-512 integrity hash', () => {
    const entries = Object.entries(lock.packages).filter(([path, entry]) => path !== '' && !entry.link);
    const unpinned = entries.filter(([, entry]) => !/^sha512-[A-Za-z0-9+/]{86}==$/.test(entry.integrity ?? '')).map(([path]) => path);
    expect(unpinned, `lockfile entries without a sha512 integrity hash (${unpinned.length} of ${entries.length})`).toEqual([]);
    // The runtime packages above are among them.
    for (const name of RUNTIME) expect(lock.packages[`node_modules/${name}`]?.integrity).toMatch(/^sha512-/);
  });

  it('nothing is fetched from anywhere but a registry tarball (no git, file or http URLs)', () => {
    const odd = Object.entries(lock.packages)
      .filter(([, entry]) => entry.resolved !== undefined && !/^https:\/\/[^/]+\/.+\.tgz$/.test(entry.resolved))
      .map(([path, entry]) => `${path}: ${entry.resolved}`);
    expect(odd).toEqual([]);
  });
});

describe('a clean install with no install scripts builds (run by CI, not here)', () => {
  it('.ci/run runs npm run check:reproducible before npm test', () => {
    const ci = read('.ci/run');
    const check = ci.search(/^npm run check:reproducible$/m);
    const tests = ci.search(/^npm test$/m);
    expect(check, '.ci/run runs `npm run check:reproducible`').toBeGreaterThan(-1);
    expect(tests, '.ci/run runs `npm test`').toBeGreaterThan(check);
  });

  it('check:reproducible installs with npm ci --ignore-scripts and builds with wxt build', () => {
    expect(pkg.scripts['check:reproducible']).toBe('bash scripts/check-reproducible.sh');
    const script = read('scripts/check-reproducible.sh');
    expect(script).toMatch(/^\s*npm ci --ignore-scripts\b/m);
    expect(script).toMatch(/^\s*npx --no-install wxt build\b/m);
    expect(script).toMatch(/^set -euo pipefail$/m);
  });
});

/** Folders of our own code; the root's config files are checked too. */
const CODE = ['lib', 'components', 'entrypoints', 'tests', 'scripts', 'bench', 'exchange'];
const SOURCE = /\.[cm]?[jt]sx?$/;
/** WXT's path aliases (.wxt/tsconfig.json): our own files, not packages. */
const ALIAS = /^(@@?|~~?)(\/|$)/;
const BUILTIN = new Set(builtinModules);

function codeFiles(dir: string): string[] {
  return readdirSync(resolve(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.name === 'node_modules' || e.name.startsWith('.')
      ? []
      : e.isDirectory()
        ? codeFiles(join(dir, e.name))
        : SOURCE.test(e.name)
          ? [join(dir, e.name)]
          : [],
  );
}

/** The package a bare specifier names: `@scope/name` or `name`, without any subpath. */
const packageOf = (spec: string) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

/** Each bare import (static, type-only, re-export, dynamic, require) of a package not in `declared`, as "file → package". */
function undeclared(files: { path: string; text: string }[], declared: ReadonlySet<string>): string[] {
  const wrong: string[] = [];
  for (const { path, text } of files) {
    for (const { fileName: spec } of ts.preProcessFile(text, true, true).importedFiles) {
      if (/^[./]/.test(spec) || ALIAS.test(spec) || spec.startsWith('node:') || BUILTIN.has(spec)) continue;
      if (!declared.has(packageOf(spec))) wrong.push(`${path} → ${packageOf(spec)}`);
    }
  }
  return wrong;
}

describe('every package our code imports is declared in package.json', () => {
  const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]);
  const rootFiles = readdirSync(ROOT).filter((name) => SOURCE.test(name));
  const files = [...CODE.flatMap(codeFiles), ...rootFiles].map((path) => ({ path, text: read(path) }));

  it('the extension, tests, scripts, bench and the exchange import only declared packages', () => {
    for (const dir of ['tests', 'scripts', 'bench', 'exchange'])
      expect(
        files.some((f) => f.path.startsWith(`${dir}/`)),
        dir,
      ).toBe(true);
    // A package reached only because another one depends on it can vanish with that one's next release.
    expect(undeclared(files, declared)).toEqual([]);
  });

  it('catches an undeclared package in every import form, and passes builtins, aliases and relative paths', () => {
    const text = [
      "import a from 'ghost-a';",
      "import type { B } from 'ghost-b/types';",
      "import 'ghost-c/auto';",
      "export * from '@ghost/d';",
      "export { e } from '@ghost/e/sub';",
      "import {\n  f,\n  g,\n} from 'ghost-f';",
      "const h = await import('ghost-h');",
      "type I = typeof import('ghost-i');",
      "const j = require('ghost-j');",
      "import { readFileSync } from 'node:fs';",
      "import { join } from 'path';",
      "import { x } from '@/lib/shared/errors';",
      "import { y } from '~/components/i18n';",
      "import { z } from '../lib/shared/csv';",
      "import { it } from 'vitest';",
    ].join('\n');
    expect(undeclared([{ path: 'tests/x.ts', text }], declared)).toEqual(
      ['ghost-a', 'ghost-b', 'ghost-c', '@ghost/d', '@ghost/e', 'ghost-f', 'ghost-h', 'ghost-i', 'ghost-j'].map((p) => `tests/x.ts → ${p}`),
    );
  });
});
