/**
 * The layers of docs/architecture.md, enforced: each folder may import only the folders listed for
 * it. A lower layer importing a higher one, or a page reaching past the message boundary (into the
 * store, the key formats, the signer), fails here with the offending import named.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** Folder → the folders (besides itself) its files may import. Type-only imports are listed apart. */
const LAYERS: Record<string, { imports: string[]; typesFrom?: string[] }> = {
  'lib/shared': { imports: [] },
  'lib/key-formats': { imports: ['lib/shared'] },
  'lib/kalshi': { imports: ['lib/shared', 'lib/key-formats'] },
  'lib/key-store': { imports: ['lib/shared', 'lib/key-formats'] },
  'lib/key-manager': { imports: ['lib/shared', 'lib/key-formats', 'lib/kalshi', 'lib/key-store'], typesFrom: ['lib/popup-shell'] },
  'lib/popup-shell': { imports: [] },
  'lib/messages': {
    imports: ['lib/shared', 'lib/kalshi', 'lib/popup-shell'],
    typesFrom: ['lib/key-manager', 'lib/key-formats', 'lib/key-store'],
  },
  components: { imports: ['lib/shared', 'lib/messages'] },
  'entrypoints/popup': { imports: ['lib/shared', 'lib/messages', 'components', 'lib/popup-shell'] },
  'entrypoints/options': { imports: ['lib/shared', 'lib/messages', 'components'] },
};
const FOLDERS = Object.keys(LAYERS);
const folderOf = (file: string) => FOLDERS.find((f) => file === f || file.startsWith(`${f}/`));

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** Every relative import of a file: its target, and whether it brings types only. */
function importsOf(file: string, text: string): { target: string; typeOnly: boolean }[] {
  const found = text.matchAll(/^(?:import|export)\s+(type\s+)?[^'"]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/gm);
  return [...found].map((m) => ({
    target: relative(ROOT, resolve(ROOT, dirname(file), m[2] ?? m[3]!)),
    typeOnly: m[1] !== undefined,
  }));
}

/** Each import a file's layer does not allow, as "file → target". */
function violations(files: { path: string; text: string }[]): string[] {
  const wrong: string[] = [];
  for (const { path, text } of files) {
    const from = folderOf(path)!;
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
  const files = FOLDERS.flatMap(sources).map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }));

  it('finds the sources it checks', () => {
    expect(files.length).toBeGreaterThan(40);
    for (const folder of FOLDERS)
      expect(
        files.some((f) => folderOf(f.path) === folder),
        folder,
      ).toBe(true);
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
});
