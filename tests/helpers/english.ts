import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Message {
  message: string;
  placeholders?: Record<string, { content: string }>;
}
const messages = JSON.parse(readFileSync(join(import.meta.dirname, '../../public/_locales/en/messages.json'), 'utf8')) as Record<
  string,
  Message
>;

/** chrome.i18n.getMessage over the English file, as the browser fills $NAME$ placeholders from $1…$9. */
export function english(key: string, substitutions: readonly string[] = []): string {
  const entry = messages[key];
  if (!entry) return '';
  return entry.message.replace(/\$(\w+)\$|\$\$/g, (all, name?: string) =>
    name === undefined
      ? '$'
      : (entry.placeholders?.[name.toLowerCase()]?.content ?? all).replace(
          /\$([1-9])/g,
          (_, i: string) => substitutions[Number(i) - 1] ?? '',
        ),
  );
}
