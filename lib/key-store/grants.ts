/**
 * Grants in the key store (since version 4), and the two switches bots share: the local agent on,
 * and every bot paused. A grant is never deleted: a revoked one stays, so the activity log keeps
 * its name and the user sees when it ended.
 */
import { isGrant, type Grant } from '../shared/grant';
import { DEFAULT_SETTINGS, type DB, type Settings } from './schema';

export interface BotSwitches {
  agentOn: boolean;
  paused: boolean;
}

/** `write` runs a change (read-cache.ts); `read` keeps an answer until the next write. */
export function grantOperations(
  write: <T>(work: (db: DB) => Promise<T>) => Promise<T>,
  read: <T>(slot: string, work: (db: DB) => Promise<T>) => Promise<T>,
  settings: () => Promise<Settings>,
) {
  return {
    /** Every readable grant, oldest first; shared by readers until the next write, so never changed in place. */
    listGrants: (): Promise<readonly Grant[]> =>
      read('grants', async (db) => {
        const all: unknown[] = await db.getAll('grants');
        return all.filter(isGrant).sort((a, b) => a.createdAt - b.createdAt);
      }),

    putGrant: (grant: Grant): Promise<void> => write(async (db) => void (await db.put('grants', grant))),

    botSwitches: async (): Promise<BotSwitches> => {
      const s = await settings();
      return { agentOn: s.agentOn === true, paused: s.botsPaused === true };
    },

    setBotSwitches: (change: Partial<BotSwitches>): Promise<void> =>
      write(async (db) => {
        const tx = db.transaction('settings', 'readwrite');
        const stored = (await tx.store.get('settings')) ?? structuredClone(DEFAULT_SETTINGS);
        await tx.store.put(
          {
            ...stored,
            ...(change.agentOn === undefined ? {} : { agentOn: change.agentOn }),
            ...(change.paused === undefined ? {} : { botsPaused: change.paused }),
          },
          'settings',
        );
        await tx.done;
      }),
  };
}
