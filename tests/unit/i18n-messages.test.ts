/** public/_locales/en/messages.json: every key used exists, every message is used, placeholders line up. */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { isErrorCode } from '../../lib/shared/errors';
import { ROOT, SOURCE_FILES, TRANSLATORS, messages, type Message } from '../helpers/i18n-fixtures';

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
