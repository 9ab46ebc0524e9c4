/**
 * Bots' requests in the activity log: one entry per grant, request and answer in each minute,
 * counting up, so a bot at a thousand requests a second writes a few entries a minute, not a
 * thousand a second. Entries are written at most once a second, after the first request of a burst.
 */
import type { ActivityEntry, KeyStore, NewActivity } from '../key-store';
import type { BotActivity } from '../key-store/activity';
import type { Grant } from '../shared/grant';

const MINUTE_MS = 60_000;
export const BOT_LOG_FLUSH_MS = 1_000;

export interface BotRequestSeen {
  /** When it was answered: its minute. */
  at: number;
  grant: Grant;
  keyName: string | null;
  method: string;
  path: string;
  status: number;
  refusal?: string;
}

interface Kept {
  minute: number;
  entry: NewActivity & { bot: BotActivity };
  id?: number;
  written: number;
}

export function createBotLog(deps: {
  store: Pick<KeyStore, 'addActivity' | 'updateActivity'>;
  now(): number;
  schedule?: (run: () => void, ms: number) => void;
}) {
  const schedule = deps.schedule ?? ((run, ms) => void setTimeout(run, ms));
  const kept = new Map<string, Kept>();
  let flushing: Promise<void> = Promise.resolve();
  let scheduled = false;

  async function writeAll(): Promise<void> {
    const minute = Math.floor(deps.now() / MINUTE_MS);
    for (const [key, k] of kept) {
      const count = k.entry.bot.count;
      if (count !== k.written) {
        if (k.id === undefined) k.id = await deps.store.addActivity(k.entry);
        else await deps.store.updateActivity({ ...k.entry, id: k.id } as ActivityEntry);
        k.written = count;
      }
      if (k.minute < minute && k.written === k.entry.bot.count) kept.delete(key); // its minute is over, and all of it written
    }
  }

  /** Writes what is not yet written; resolves when it is (tests, and the worker before it may stop). */
  const flush = (): Promise<void> => (flushing = flushing.then(writeAll).catch(() => undefined));

  return {
    flush,
    note(seen: BotRequestSeen): void {
      const { at, grant, method, path, status, refusal } = seen;
      const minute = Math.floor(at / MINUTE_MS);
      const key = JSON.stringify([grant.id, method, path, status, refusal ?? null]);
      const k = kept.get(key);
      if (k && k.minute === minute) k.entry.bot.count++;
      else {
        // A new minute starts a new entry; the old one stays as written (and is written, if not yet).
        if (k) kept.set(`${key}@${k.minute}`, k);
        kept.set(key, {
          minute,
          written: 0,
          entry: {
            at,
            environment: grant.environment,
            account: grant.account,
            keyId: grant.keyId,
            keyName: seen.keyName,
            operation: 'bot_request',
            outcome: status < 400 ? 'ok' : status === 502 || status === 504 ? 'unknown' : 'refused',
            bot: { grantId: grant.id, grantName: grant.name, method, path, status, ...(refusal ? { refusal } : {}), count: 1 },
          },
        });
      }
      if (!scheduled) {
        scheduled = true;
        schedule(() => {
          scheduled = false;
          void flush();
        }, BOT_LOG_FLUSH_MS);
      }
    },
  };
}
