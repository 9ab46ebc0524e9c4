/** Shared by the i18n-*.test.ts files: the English messages and the source files that use them. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Every word the pages show goes through t() and public/_locales/en/messages.json.
export const ROOT = join(import.meta.dirname, '../..');
export const MESSAGES_FILE = join(ROOT, 'public/_locales/en/messages.json');

export interface Message {
  message: string;
  description?: string;
  placeholders?: Record<string, { content: string; example?: string }>;
}
export const messages = JSON.parse(readFileSync(MESSAGES_FILE, 'utf8')) as Record<string, Message>;

export function filesUnder(dir: string, pattern: RegExp): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => pattern.test(name))
    .map((name) => join(ROOT, dir, name));
}

/** The page code: what it shows must be translated. background.ts shows only the badge's title, from messages by key. */
export const PAGE_FILES = [...filesUnder('components', /\.tsx?$/), ...filesUnder('entrypoints', /\.tsx?$/)].filter(
  (f) => !f.endsWith('background.ts'),
);
/** Where a message key may be used. */
export const SOURCE_FILES = [
  ...PAGE_FILES,
  ...filesUnder('lib', /\.ts$/),
  join(ROOT, 'wxt.config.ts'),
  join(ROOT, 'entrypoints/background.ts'),
];

export const TRANSLATORS = new Set(['t', 'tNodes']);
