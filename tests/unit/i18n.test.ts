import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../components/i18n';
import { english } from '../helpers/english';
import { ERROR_CODES, isErrorCode } from '../../lib/shared/errors';

// Every word the pages show goes through t() and public/_locales/en/messages.json.
const ROOT = join(import.meta.dirname, '../..');
const MESSAGES_FILE = join(ROOT, 'public/_locales/en/messages.json');

interface Message {
  message: string;
  description?: string;
  placeholders?: Record<string, { content: string; example?: string }>;
}
const messages = JSON.parse(readFileSync(MESSAGES_FILE, 'utf8')) as Record<string, Message>;

function filesUnder(dir: string, pattern: RegExp): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => pattern.test(name))
    .map((name) => join(ROOT, dir, name));
}

/** The page code: what it shows must be translated. background.ts shows nothing (its words are lib's AppErrors). */
const PAGE_FILES = [...filesUnder('components', /\.tsx?$/), ...filesUnder('entrypoints', /\.tsx?$/)].filter(
  (f) => !f.endsWith('background.ts'),
);
/** Where a message key may be used. */
const SOURCE_FILES = [...PAGE_FILES, ...filesUnder('lib', /\.ts$/), join(ROOT, 'wxt.config.ts')];
const CSS_CLASSES = new Set(
  [...filesUnder('components', /\.css$/), ...filesUnder('entrypoints', /\.css$/)].flatMap((f) =>
    [...readFileSync(f, 'utf8').matchAll(/\.(-?[A-Za-z_][\w-]*)/g)].map((m) => m[1]!),
  ),
);

/** Not words, so the same in every language: format examples shown as placeholders. */
const ALLOWED = new Set(['a952bcbe-ec3b-4b5b-b8f9-11dae589608c']);
/** Attributes a person reads or hears: any letter in them must come from t(). */
const TEXT_ATTRIBUTES = new Set([
  'aria-label',
  'aria-description',
  'aria-placeholder',
  'aria-roledescription',
  'aria-valuetext',
  'placeholder',
  'title',
  'alt',
  'label',
]);
const TRANSLATORS = new Set(['t', 'tNodes']);

/** Heuristic for a string in code: two words, or one capitalised word ("Cancel", "Created “"), that is not a list of CSS classes. */
function looksLikeWords(text: string): boolean {
  const tokens = text.trim().split(/\s+/);
  if (tokens.every((token) => CSS_CLASSES.has(token))) return false;
  const words = text.match(/[A-Za-z][A-Za-z’'-]*/g) ?? [];
  if (words.length >= 2 && /[A-Za-z][^\s]*\s+[^\s]*[A-Za-z]/.test(text)) return true;
  return /^[^\w/:.-]*[A-Z][a-z]{2,}[^\w/:-]*$/.test(text);
}

/** Where a literal ends up once conditionals, `&&`, parentheses and template holes are looked through. */
function outerContext(node: ts.Node): ts.Node {
  let n = node;
  for (;;) {
    const p = n.parent;
    const through =
      ts.isParenthesizedExpression(p) ||
      ts.isAsExpression(p) ||
      ts.isTemplateSpan(p) ||
      ts.isTemplateExpression(p) ||
      (ts.isConditionalExpression(p) && p.condition !== n) ||
      (ts.isBinaryExpression(p) &&
        [ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken].includes(
          p.operatorToken.kind,
        ));
    if (!through) return n;
    n = p;
  }
}

/** Words written straight into page code instead of coming from t(): "file:line: text". */
function findUntranslated(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(
    fileName,
    source,
    ts.ScriptTarget.Latest,
    true,
    fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const found: string[] = [];
  const report = (node: ts.Node, text: string) => {
    if (ALLOWED.has(text.trim())) return;
    const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
    found.push(`${fileName}:${line + 1}: ${JSON.stringify(text.trim())}`);
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isLiteralTypeNode(node)) return;
    if (ts.isJsxText(node)) {
      if (/[A-Za-z]/.test(node.text)) report(node, node.text);
    } else if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node)
    ) {
      checkLiteral(node, node.text);
    }
    ts.forEachChild(node, visit);
  };
  const checkLiteral = (node: ts.Node, text: string) => {
    const parent = node.parent;
    // A message key given to t(), an object's property name.
    if (
      ts.isCallExpression(parent) &&
      ts.isIdentifier(parent.expression) &&
      TRANSLATORS.has(parent.expression.text) &&
      parent.arguments[0] === node
    )
      return;
    if ((ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent)) && parent.name === node) return;
    const outer = outerContext(node);
    const holder = ts.isJsxExpression(outer.parent) ? outer.parent.parent : outer.parent;
    if (ts.isJsxAttribute(holder)) {
      const name = holder.name.getText(file);
      if (name === 'class' || name === 'className') return;
      if (TEXT_ATTRIBUTES.has(name) ? /[A-Za-z]/.test(text) : looksLikeWords(text)) report(node, text);
      return;
    }
    // A child of an element: shown as it is.
    if (ts.isJsxExpression(outer.parent) && (ts.isJsxElement(holder) || ts.isJsxFragment(holder))) {
      if (/[A-Za-z]/.test(text)) report(node, text);
      return;
    }
    if (looksLikeWords(text)) report(node, text);
  };
  visit(file);
  return found;
}

/** Every t('key', …) and tNodes('key', …) call with a literal key, with its number of substitutions. */
function translatorCalls(): { where: string; key: string; substitutions: number }[] {
  const calls: { where: string; key: string; substitutions: number }[] = [];
  for (const path of SOURCE_FILES) {
    const name = relative(ROOT, path);
    const file = ts.createSourceFile(
      name,
      readFileSync(path, 'utf8'),
      ts.ScriptTarget.Latest,
      true,
      name.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
    );
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && TRANSLATORS.has(node.expression.text)) {
        const [key, ...rest] = node.arguments;
        if (key && ts.isStringLiteralLike(key)) {
          const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
          calls.push({ where: `${name}:${line + 1}`, key: key.text, substitutions: rest.length });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return calls;
}

/** The highest $n a message's placeholders take, i.e. how many substitutions it needs. */
const substitutionsOf = (m: Message) => Math.max(0, ...Object.values(m.placeholders ?? {}).map((p) => Number(p.content.slice(1))));

describe('every word on the pages is translatable', () => {
  it('finds the page files', () => {
    const names = PAGE_FILES.map((f) => relative(ROOT, f));
    expect(names).toEqual(
      expect.arrayContaining(['components/ConfirmDialog.tsx', 'entrypoints/popup/App.tsx', 'entrypoints/options/App.tsx']),
    );
    expect(CSS_CLASSES.has('hint')).toBe(true);
  });

  it('no page writes words straight into its markup or code (they come from t())', () => {
    const found = PAGE_FILES.flatMap((f) => findUntranslated(relative(ROOT, f), readFileSync(f, 'utf8')));
    expect(found, 'use t() with a key in public/_locales/en/messages.json').toEqual([]);
  });

  it('the scan catches each kind of untranslated text', () => {
    const sample = `
      import { ConfirmDialog } from './ConfirmDialog';
      const note = 'Saved as a file.';
      const x = cond ? 'Hide key' : t('secret_show');
      export const A = () => (
        <div class="hint hint-warn" id="x">
          <p>Loading…</p>
          <input placeholder="e.g. laptop" aria-label={\`Delete \${name}\`} title={t('extName')} />
          <ConfirmDialog title={t('extName')} confirmLabel="Delete" />
          <button>{busy ? 'wait' : t('newkey_create')}</button>
          <code>{' · '}</code>{t('popup_deleted', name, env)}
          {status(\`Created “\${name}”.\`)}
        </div>
      );`;
    const found = findUntranslated('sample.tsx', sample).map((line) => line.replace(/^sample\.tsx:\d+: /, ''));
    expect(found).toEqual([
      '"Saved as a file."',
      '"Hide key"',
      '"Loading…"',
      '"e.g. laptop"',
      '"Delete"',
      '"Delete"',
      '"wait"',
      '"Created “"',
    ]);
  });

  it('the pages show none of the English labels that lib keeps for itself', () => {
    for (const path of PAGE_FILES) {
      const text = readFileSync(path, 'utf8');
      expect(text, relative(ROOT, path)).not.toMatch(
        /\b(ENVIRONMENT_LABEL|SCOPE_LABEL|describeRotation)\b|PRESETS\[[^\]]+\]\.(label|note)\b/,
      );
    }
  });
});

describe('messages.json', () => {
  const keys = Object.keys(messages);

  it('every key given to t() exists, with as many substitutions as its message takes', () => {
    const calls = translatorCalls();
    expect(calls.length).toBeGreaterThan(50);
    for (const call of calls) {
      const message = messages[call.key];
      expect(message, `${call.where}: no message "${call.key}"`).toBeDefined();
      expect(call.substitutions, `${call.where}: substitutions for "${call.key}"`).toBe(substitutionsOf(message!));
    }
  });

  it('every message is used: in code, in the manifest as __MSG_key__, or as an error code’s words', () => {
    const code = SOURCE_FILES.map((f) => readFileSync(f, 'utf8')).join('\n');
    const unused = keys.filter((key) => {
      const error = /^error_(\w+?)(?:_hint)?$/.exec(key);
      if (error) return !isErrorCode(error[1]);
      return !['"', "'", '`'].some((q) => code.includes(`${q}${key}${q}`)) && !code.includes(`__MSG_${key}__`);
    });
    expect(unused, 'remove these messages or use them').toEqual([]);
  });

  it('every $PLACEHOLDER$ is declared (in lower case) and every declared placeholder is used, as $1, $2, … in order', () => {
    for (const [key, m] of Object.entries(messages)) {
      const declared = Object.keys(m.placeholders ?? {});
      // Lower case here, upper case in the message ($NAME$): the browser ignores case, t()'s English fallback relies on this.
      for (const name of declared) expect(name, `${key}: placeholder names are lower case`).toMatch(/^[a-z0-9_]+$/);
      const used = [...m.message.matchAll(/\$(\w+)\$/g)].map((match) => match[1]!.toLowerCase());
      for (const name of used) expect(declared, `${key}: $${name.toUpperCase()}$ is not declared`).toContain(name);
      for (const name of declared) expect(used, `${key}: placeholder "${name}" is not in the message`).toContain(name);
      const contents = Object.values(m.placeholders ?? {}).map((p) => p.content);
      expect(contents.sort(), `${key}: placeholder contents`).toEqual(contents.map((_, i) => `$${i + 1}`));
    }
  });

  it('keys are valid message names, distinct regardless of case, and every message has words', () => {
    const lower = new Set<string>();
    for (const key of keys) {
      expect(key).toMatch(/^[A-Za-z0-9_]+$/);
      expect(lower.has(key.toLowerCase()), `${key} differs from another key only in case`).toBe(false);
      lower.add(key.toLowerCase());
      expect(messages[key]!.message.trim(), key).not.toBe('');
    }
    expect(messages.extName!.message.length).toBeLessThanOrEqual(75);
    expect(messages.extDescription!.message.length).toBeLessThanOrEqual(132);
  });
});

describe('t()', () => {
  // The browser's getMessage, played by one that reads the English file the same way.
  const { t, tNodes, localizeError } = createTranslator(english);
  it('fills placeholders in the message’s order and keeps a $ in a substitution', () => {
    expect(t('popup_deleted', 'laptop', 'Demo')).toBe('Deleted “laptop” on Kalshi Demo.');
    expect(t('popup_test_ok', 'bot', '$1,000.00')).toBe('“bot” works: Kalshi accepted a signed request (balance $1,000.00).');
    expect(t('time_minutes_ago', 5)).toBe('5 min ago');
    expect(english('no_such_key')).toBe('');
    expect(t('no_such_key' as never)).toBe('no_such_key');
  });

  it('tNodes puts elements where their placeholders are', () => {
    const code = { type: 'code' };
    expect(tNodes('popup_delete_body', 'Demo', code)).toEqual([
      'Kalshi Demo will stop accepting key ',
      code,
      ' at once. This cannot be undone.',
    ]);
  });

  it('an error is shown in words chosen by its code; its detail stays as sent', () => {
    const info = localizeError({ code: 'not_pem', detail: 'on external-api.kalshi.com' });
    expect(info).toEqual({
      code: 'not_pem',
      message: messages.error_not_pem!.message,
      hint: messages.error_not_pem_hint!.message,
      detail: 'on external-api.kalshi.com',
    });
    // A code this page does not know (a newer background): the code itself, never a blank.
    expect(localizeError({ code: 'something_new' } as never)).toEqual({ code: 'something_new', message: 'something_new', hint: '' });
  });

  it('every error code has words and a hint', () => {
    for (const code of ERROR_CODES) {
      expect(messages[`error_${code}`]?.message, code).toBeTruthy();
      expect(messages[`error_${code}_hint`]?.message, code).toBeTruthy();
    }
  });
});
