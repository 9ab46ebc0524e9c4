/**
 * The messages that change nothing a list or the usage level was read with: around any other one,
 * what was read or begun before it ends (an early list, the key the last list was signed with) may
 * be stale, and is dropped as the message starts and again as it ends.
 */
import type { Handlers } from './api';

export const READS: ReadonlySet<keyof Handlers> = new Set<keyof Handlers>([
  'getOverview',
  'getAccount',
  'getAccountHealth',
  'listApiKeys',
  'getAccounts',
  'getActivity',
  'takeSecret',
  'keepScreen',
  // Bots change grants and switches, never a key, the signing key or what Kalshi was asked.
  'getBots',
  'admitBot',
  'revokeBot',
  'pauseBots',
  'setAgent',
]);

export type ChangePhase = 'starts' | 'ends';

/** `handlers`, each message that is not a read calling `changed` as it starts and as it ends (either way). */
export function onChange(handlers: Handlers, changed: (phase: ChangePhase) => void): Handlers {
  const wrapped = Object.fromEntries(
    Object.entries(handlers).map(([type, handler]: [string, (request: never) => Promise<unknown>]) => [
      type,
      READS.has(type as keyof Handlers)
        ? handler
        : async (request: never) => {
            changed('starts');
            try {
              return await handler(request);
            } finally {
              changed('ends');
            }
          },
    ]),
  );
  return wrapped as Handlers;
}
