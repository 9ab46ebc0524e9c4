/** The privacy policy ships in the extension as public/privacy.html, made from docs/privacy.md: the two must agree. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRIVACY_MARKDOWN, PRIVACY_PAGE, inline, renderPrivacyPage } from '../../scripts/privacy-page';

const ROOT = join(import.meta.dirname, '../..');
const markdown = readFileSync(join(ROOT, PRIVACY_MARKDOWN), 'utf8');
const page = readFileSync(join(ROOT, PRIVACY_PAGE), 'utf8');

/** What a reader sees: tags and entities gone, whitespace folded. */
const textOfHtml = (html: string) =>
  html
    .replace(/<head>[\s\S]*<\/head>/, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<\/?(?:strong|code)>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
const textOfMarkdown = (md: string) =>
  md
    .replace(/^#+ /gm, '')
    .replace(/^- /gm, '')
    .replace(/\*\*|`/g, '')
    .replace(/\s+/g, ' ')
    .trim();

describe('the privacy page', () => {
  it('is docs/privacy.md rendered now (run `npm run privacy` after editing the Markdown)', () => {
    expect(page).toBe(renderPrivacyPage(markdown));
  });

  it('says every word of the Markdown, in order', () => {
    expect(textOfHtml(page)).toBe(textOfMarkdown(markdown));
  });

  it('loads nothing: no script, no remote URL, no frame or object (the pages’ CSP)', () => {
    expect(page).not.toMatch(/<script|<iframe|<object|<embed|<link|<img|\son\w+=|javascript:/i);
    expect(page).not.toMatch(/(?:src|href)\s*=|url\(|@import|https?:\/\//i);
  });

  it('names what the code keeps and where it sends it', () => {
    for (const fact of [
      'IndexedDB',
      'non-extractable',
      'storage.session',
      'localStorage',
      '5,000',
      '10 minutes',
      'nothing is ever sent to us',
    ])
      expect(markdown, fact).toContain(fact);
    // Kalshi's four API hosts, each by name, and no other host.
    const hosts = [...markdown.matchAll(/`([a-z0-9.-]+\.(?:com|co))`/g)].map((m) => m[1]);
    expect(hosts.sort()).toEqual([
      'api.elections.kalshi.com',
      'demo-api.kalshi.co',
      'external-api.demo.kalshi.co',
      'external-api.kalshi.com',
    ]);
  });

  it('escapes HTML and refuses markup it cannot show', () => {
    expect(inline('a < b & `<code>` **bold**')).toBe('a &lt; b &amp; <code>&lt;code&gt;</code> <strong>bold</strong>');
    expect(() => inline('a <b>tag</b>')).toThrow(/HTML/);
    expect(() => inline('[a link](https://example.com)')).toThrow(/links/);
    expect(() => renderPrivacyPage('# T\n\n### deep')).toThrow(/headings/);
  });
});
