/**
 * `npm run privacy`: writes public/privacy.html from docs/privacy.md, so the policy ships inside the
 * extension (the options page links to it) with no remote URL and no script. The page is committed;
 * tests/unit/privacy-page.test.ts fails when it no longer matches the Markdown.
 *
 * The Markdown is a small subset, on purpose: `#`/`##` headings, paragraphs, `- ` lists (continued
 * by indented lines), **bold** and `code`. Anything else is refused rather than shown wrong.
 *
 *   npx tsx scripts/privacy-page.ts           # writes public/privacy.html
 *   npx tsx scripts/privacy-page.ts --check   # exits 1 if it is out of date
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PRIVACY_MARKDOWN = 'docs/privacy.md';
export const PRIVACY_PAGE = 'public/privacy.html';

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Inline markup: `code` first (its content is literal), then **bold**. */
export function inline(text: string): string {
  return text
    .split(/(`[^`]+`)/)
    .map((part) => {
      if (part.startsWith('`') && part.endsWith('`') && part.length > 1) return `<code>${escapeHtml(part.slice(1, -1))}</code>`;
      if (/\[[^\]]*\]\(|<[a-z/]/i.test(part)) throw new Error(`links and HTML are not supported in the privacy page: “${text}”`);
      return escapeHtml(part).replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
    })
    .join('');
}

type Block = { kind: 'h1' | 'h2' | 'p'; text: string } | { kind: 'ul'; items: string[] };

function blocks(markdown: string): Block[] {
  const out: Block[] = [];
  let current: Block | null = null;
  const close = () => {
    if (current) out.push(current);
    current = null;
  };
  for (const line of markdown.replace(/\r\n/g, '\n').split('\n')) {
    if (line.trim() === '') {
      close();
      continue;
    }
    const heading = /^(#{1,2}) (.+)$/.exec(line);
    if (heading) {
      close();
      out.push({ kind: heading[1] === '#' ? 'h1' : 'h2', text: heading[2]!.trim() });
      continue;
    }
    if (/^#{3,} /.test(line)) throw new Error(`only # and ## headings are supported: “${line}”`);
    if (line.startsWith('- ')) {
      if (current?.kind !== 'ul') {
        close();
        current = { kind: 'ul', items: [] };
      }
      current.items.push(line.slice(2).trim());
      continue;
    }
    const cur = current as Block | null;
    if (cur?.kind === 'ul' && /^ {2}\S/.test(line)) cur.items[cur.items.length - 1] += ` ${line.trim()}`;
    else if (cur?.kind === 'p') cur.text += ` ${line.trim()}`;
    else if (cur === null) current = { kind: 'p', text: line.trim() };
    else throw new Error(`a paragraph must follow a blank line: “${line}”`);
  }
  close();
  return out;
}

// Light and dark, as the extension's pages; no remote font, image or script (the pages' CSP).
const STYLE = `
:root { color-scheme: light dark; --text: #1f2328; --bg: #ffffff; --code: #eff2f5; }
@media (prefers-color-scheme: dark) {
  :root { --text: #e6e8eb; --bg: #15181c; --code: #262b31; }
}
body { margin: 0; background: var(--bg); color: var(--text); font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 720px; margin: 0 auto; padding: 24px 16px 48px; }
h1 { font-size: 24px; margin: 8px 0 16px; }
h2 { font-size: 18px; margin: 28px 0 8px; }
li { margin: 6px 0; }
code { background: var(--code); border-radius: 4px; padding: 0 4px; font: 13px ui-monospace, Menlo, Consolas, monospace; }
`.trim();

/** The whole page for `markdown` (docs/privacy.md). */
export function renderPrivacyPage(markdown: string): string {
  const parsed = blocks(markdown);
  const title = parsed.find((b) => b.kind === 'h1');
  if (!title || title.kind !== 'h1') throw new Error('the privacy policy needs a # title');
  const body = parsed
    .map((b) => {
      if (b.kind === 'ul') return `<ul>\n${b.items.map((item) => `  <li>${inline(item)}</li>`).join('\n')}\n</ul>`;
      return `<${b.kind}>${inline(b.text)}</${b.kind}>`;
    })
    .join('\n');
  return [
    '<!doctype html>',
    '<!-- Generated from docs/privacy.md by scripts/privacy-page.ts (npm run privacy): edit the Markdown. -->',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8" />',
    '<meta name="viewport" content="width=device-width, initial-scale=1" />',
    '<meta name="color-scheme" content="light dark" />',
    `<title>${escapeHtml(title.text)} — Kalshi Key Manager</title>`,
    `<style>\n${STYLE}\n</style>`,
    '</head>',
    '<body>',
    '<main>',
    body,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

// Run as a script.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const page = renderPrivacyPage(readFileSync(PRIVACY_MARKDOWN, 'utf8'));
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(PRIVACY_PAGE, 'utf8');
    } catch {
      // missing: out of date
    }
    if (current !== page) {
      console.error(`${PRIVACY_PAGE} does not match ${PRIVACY_MARKDOWN}: run npm run privacy`);
      process.exit(1);
    }
    console.log(`${PRIVACY_PAGE} matches ${PRIVACY_MARKDOWN}`);
  } else {
    writeFileSync(PRIVACY_PAGE, page);
    console.log(`wrote ${PRIVACY_PAGE}`);
  }
}
