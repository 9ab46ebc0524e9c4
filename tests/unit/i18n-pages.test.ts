/** Every word the pages show goes through t(): a scan of the page code for words written in directly. */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PAGE_FILES, ROOT, TRANSLATORS, filesUnder } from '../helpers/i18n-fixtures';

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
