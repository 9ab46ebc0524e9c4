/**
 * The layers of docs/architecture.md, enforced: each folder may import only the folders listed for
 * it. A lower layer importing a higher one, or a page reaching past the message boundary (into the
 * store, the key formats, the signer), fails here with the offending import named. Imports are read
 * by TypeScript's own parser, so every form counts: side-effect, re-export, multi-line, type-only,
 * dynamic, `typeof import()`, and WXT's `@/` and `~/` aliases. A folder with no row fails too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** Where the layered code lives: every folder and source file below these needs a row in LAYERS. */
const ROOTS = ['lib', 'components', 'entrypoints'];

/** Folder (or lone file) → the folders (besides itself) its files may import. Type-only imports are listed apart. */
const LAYERS: Record<string, { imports: string[]; typesFrom?: string[] }> = {
  'lib/shared': { imports: [] },
  'lib/key-formats': { imports: ['lib/shared'] },
  'lib/kalshi': { imports: ['lib/shared', 'lib/key-formats'] },
  'lib/key-store': { imports: ['lib/shared', 'lib/key-formats'] },
  'lib/key-manager': {
    imports: ['lib/shared', 'lib/key-formats', 'lib/kalshi', 'lib/key-store', 'lib/bots'],
    typesFrom: ['lib/popup-shell'],
  },
  'lib/popup-shell': { imports: [] },
  'lib/bots': { imports: ['lib/shared', 'lib/kalshi'] },
  'lib/messages': {
    imports: ['lib/shared', 'lib/kalshi', 'lib/popup-shell'],
    typesFrom: ['lib/key-manager', 'lib/key-formats', 'lib/key-store', 'lib/bots'],
  },
  components: { imports: ['lib/shared', 'lib/messages'] },
  'entrypoints/popup': { imports: ['lib/shared', 'lib/messages', 'components', 'lib/popup-shell'] },
  'entrypoints/options': { imports: ['lib/shared', 'lib/messages', 'components'] },
  // The worker assembles the service, the store and the router; it never reaches the pages' code.
  'entrypoints/background.ts': {
    imports: ['lib/shared', 'lib/key-manager', 'lib/key-store', 'lib/messages', 'lib/popup-shell', 'lib/bots'],
  },
};
const FOLDERS = Object.keys(LAYERS);
const folderOf = (file: string) => FOLDERS.find((f) => file === f || file.startsWith(`${f}/`));

/** WXT's path aliases (`"@/*": ["../*"]` in .wxt/tsconfig.json, written by `wxt prepare`): prefix → folder. */
const wxtPaths = (
  JSON.parse(readFileSync(join(ROOT, '.wxt/tsconfig.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } }
).compilerOptions.paths;
const ALIASES = Object.entries(wxtPaths)
  .filter(([alias, [target]]) => alias.endsWith('/*') && target?.endsWith('/*'))
  .map(([alias, [target]]) => ({ prefix: alias.slice(0, -1), dir: resolve(ROOT, '.wxt', target!.slice(0, -1)) }));

const SOURCE = /\.[cm]?[jt]sx?$/;

/** Every folder and source file under `dir`, relative to the project. */
function tree(dir: string): { dirs: string[]; files: string[] } {
  const found = { dirs: [] as string[], files: [] as string[] };
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      const below = tree(path);
      found.dirs.push(path, ...below.dirs);
      found.files.push(...below.files);
    } else if (SOURCE.test(e.name)) found.files.push(path);
  }
  return found;
}

/** A specifier as a project path: relative or aliased; undefined for a package. */
function targetOf(file: string, specifier: string): string | undefined {
  if (specifier.startsWith('.')) return relative(ROOT, resolve(ROOT, dirname(file), specifier));
  const alias = ALIASES.find((a) => specifier.startsWith(a.prefix));
  return alias && relative(ROOT, resolve(alias.dir, specifier.slice(alias.prefix.length)));
}

const literal = (node: ts.Node | undefined) => (node && ts.isStringLiteralLike(node) ? node.text : undefined);
/** `{ type A, type B }`: every name a type, so the compiler drops the import. */
const allTypes = (elements: ts.NodeArray<ts.ImportSpecifier | ts.ExportSpecifier>) =>
  elements.length > 0 && elements.every((e) => e.isTypeOnly);

/** Every import of a file that reaches our code (packages left out): its target, and whether it brings types only. */
function importsOf(file: string, text: string): { target: string; typeOnly: boolean }[] {
  const kind = file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const found: { target: string; typeOnly: boolean }[] = [];
  const add = (specifier: string | undefined, typeOnly: boolean, node: ts.Node) => {
    // A computed specifier cannot be checked, so it is refused outright.
    if (specifier === undefined) return found.push({ target: `(computed: ${node.getText(source)})`, typeOnly });
    const target = targetOf(file, specifier);
    if (target !== undefined) found.push({ target, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const typeOnly =
        !!clause && (clause.isTypeOnly || (!clause.name && !!bindings && ts.isNamedImports(bindings) && allTypes(bindings.elements)));
      add(literal(node.moduleSpecifier), typeOnly, node);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const clause = node.exportClause;
      add(literal(node.moduleSpecifier), node.isTypeOnly || (!!clause && ts.isNamedExports(clause) && allTypes(clause.elements)), node);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(literal(node.moduleReference.expression), node.isTypeOnly, node);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(literal(node.arguments[0]), false, node);
    } else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'require') {
      add(literal(node.arguments[0]), false, node);
    } else if (ts.isImportTypeNode(node)) {
      add(ts.isLiteralTypeNode(node.argument) ? literal(node.argument.literal) : undefined, true, node);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Each import a file's layer does not allow, as "file → target". */
function violations(files: { path: string; text: string }[]): string[] {
  const wrong: string[] = [];
  for (const { path, text } of files) {
    const from = folderOf(path);
    if (from === undefined) {
      wrong.push(`${path}: no row in LAYERS`);
      continue;
    }
    const rule = LAYERS[from]!;
    for (const { target, typeOnly } of importsOf(path, text)) {
      const to = folderOf(target) ?? target;
      if (to === from || rule.imports.includes(to) || (typeOnly && rule.typesFrom?.includes(to))) continue;
      if (to.startsWith('public/')) continue; // the English words, read by the compiler only
      wrong.push(`${path} → ${target}${typeOnly ? ' (types)' : ''}`);
    }
  }
  return wrong;
}

describe('import direction', () => {
  const found = ROOTS.map(tree);
  const dirs = found.flatMap((t) => t.dirs);
  const files = found.flatMap((t) => t.files).map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }));

  it('finds the sources it checks', () => {
    expect(files.length).toBeGreaterThan(40);
    for (const folder of FOLDERS)
      expect(
        files.some((f) => folderOf(f.path) === folder),
        folder,
      ).toBe(true);
  });

  it('every folder and source file under lib/, components/ and entrypoints/ has its row in LAYERS', () => {
    expect([...dirs.filter((d) => !ROOTS.includes(d)), ...files.map((f) => f.path)].filter((p) => folderOf(p) === undefined)).toEqual([]);
  });

  it("knows WXT's @/ and ~/ aliases", () => {
    expect(ALIASES.map((a) => a.prefix)).toEqual(expect.arrayContaining(['@/', '~/']));
    for (const { dir } of ALIASES) expect(dir).toBe(ROOT);
  });

  it('no file imports a folder its layer may not use', () => {
    expect(violations(files)).toEqual([]);
  });

  it('catches a page reaching past the boundary, and a lower layer importing a higher one', () => {
    const page = 'entrypoints/popup/Sneaky.tsx';
    expect(
      violations([
        { path: page, text: "import { openKeyStore } from '../../lib/key-store';" },
        { path: page, text: "import { parsePrivateKeyPem } from '../../lib/key-formats/pem';" },
        { path: page, text: "import type { SigningKey } from '../../lib/kalshi/signer';" },
        { path: page, text: "const m = import('../../lib/key-manager/service');" },
        { path: 'lib/key-formats/x.ts', text: "import { createKalshiClient } from '../kalshi/client';" },
        { path: 'lib/key-store/x.ts', text: "export { rotate } from '../key-manager/rotation';" },
        { path: 'lib/messages/x.ts', text: "import { createKeyService } from '../key-manager/service';" },
      ]),
    ).toHaveLength(7);
    expect(violations([{ path: page, text: "import type { KeyListItem } from '../../lib/messages';" }])).toEqual([]);
  });

  it.each([
    ['a side-effect import', "import '../../lib/key-store/schema';", 'lib/key-store/schema'],
    ['a default import', "import store from '../../lib/key-store/store';", 'lib/key-store/store'],
    ['a namespace import', "import * as pem from '../../lib/key-formats/pem';", 'lib/key-formats/pem'],
    ['a multi-line import', "import {\n  openKeyStore,\n  type KeyStore,\n} from\n  '../../lib/key-store';", 'lib/key-store'],
    ['an import after a comment', "/* the store */ import { openKeyStore } from '../../lib/key-store';", 'lib/key-store'],
    ['double quotes', 'import { openKeyStore } from "../../lib/key-store";', 'lib/key-store'],
    ['export * from', "export * from '../../lib/kalshi/client';", 'lib/kalshi/client'],
    ['export * as', "export * as kalshi from '../../lib/kalshi/client';", 'lib/kalshi/client'],
    ['export { } from', "export { signRequest } from '../../lib/kalshi/signer';", 'lib/kalshi/signer'],
    ['import x = require()', "import store = require('../../lib/key-store');", 'lib/key-store'],
    ['require()', "const store = require('../../lib/key-store');", 'lib/key-store'],
    ['a dynamic import, spread over lines', "const m = await import(\n  '../../lib/key-manager/service'\n);", 'lib/key-manager/service'],
    ['a dynamic import in backquotes', 'const m = await import(`../../lib/key-manager/service`);', 'lib/key-manager/service'],
    ['a dynamic import nested in code', "button.onclick = () => void import('../../lib/key-store').then((s) => s);", 'lib/key-store'],
    ['the @/ alias', "import { openKeyStore } from '@/lib/key-store';", 'lib/key-store'],
    ['the ~/ alias', "import { signRequest } from '~/lib/kalshi/signer';", 'lib/kalshi/signer'],
    ['the @@/ alias', "import { openKeyStore } from '@@/lib/key-store';", 'lib/key-store'],
    ['the ~~/ alias', "export * from '~~/lib/key-formats/pem';", 'lib/key-formats/pem'],
    ['a folder outside the layers', "import { startExchange } from '../../exchange/server';", 'exchange/server'],
    ['a computed dynamic import', 'const m = await import(which);', '(computed: import(which))'],
  ])('catches %s', (_, text, target) => {
    expect(violations([{ path: 'entrypoints/popup/Sneaky.tsx', text }])).toEqual([`entrypoints/popup/Sneaky.tsx → ${target}`]);
  });

  it.each([
    ['import type', "import type { KeyStore } from '../../lib/key-store';", 'lib/key-store'],
    ['an import of types only, inline', "import { type KeyStore } from '../../lib/key-store';", 'lib/key-store'],
    ['export type { } from', "export type { KeyStore } from '../../lib/key-store';", 'lib/key-store'],
    ['typeof import()', "type Store = typeof import('../../lib/key-store');", 'lib/key-store'],
    ['import() as a type', "let s: import('@/lib/key-store').KeyStore;", 'lib/key-store'],
  ])('catches types from a forbidden layer: %s', (_, text, target) => {
    expect(violations([{ path: 'entrypoints/popup/Sneaky.tsx', text }])).toEqual([`entrypoints/popup/Sneaky.tsx → ${target} (types)`]);
  });

  it('lets through what is allowed, packages, and what is no import at all', () => {
    const allowed = [
      { path: 'entrypoints/popup/Fine.tsx', text: "import { useState } from 'preact/hooks';\nimport { browser } from 'wxt/browser';" },
      { path: 'entrypoints/popup/Fine.tsx', text: "import { send } from '@/lib/messages';\nimport './popup.css';" },
      { path: 'entrypoints/popup/Fine.tsx', text: "// import { openKeyStore } from '../../lib/key-store';" },
      { path: 'entrypoints/popup/Fine.tsx', text: 'const words = "import { openKeyStore } from \'../../lib/key-store\'";' },
      {
        path: 'lib/messages/x.ts',
        text: "import { type KeyListItem } from '../key-manager/api';\nexport type { StoredKey } from '../key-store';",
      },
      { path: 'lib/shared/x.ts', text: "type Words = keyof typeof import('../../public/_locales/en/messages.json');" },
    ];
    expect(violations(allowed)).toEqual([]);
    // A mixed import brings a value, so it is held to the value rule.
    expect(
      violations([{ path: 'lib/messages/x.ts', text: "import { type KeyListItem, createKeyService } from '../key-manager/service';" }]),
    ).toEqual(['lib/messages/x.ts → lib/key-manager/service']);
  });

  it('catches a file in a folder with no row, anywhere below the layered roots', () => {
    expect(violations([{ path: 'lib/new-layer/x.ts', text: "import { AppError } from '../shared/errors';" }])).toEqual([
      'lib/new-layer/x.ts: no row in LAYERS',
    ]);
    expect(violations([{ path: 'entrypoints/sidepanel/main.ts', text: '' }])).toEqual(['entrypoints/sidepanel/main.ts: no row in LAYERS']);
  });
});
