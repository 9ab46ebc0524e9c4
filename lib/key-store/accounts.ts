/**
 * The Kalshi accounts of each environment, told apart by communications id: which account each key
 * and pending record belongs to, the user's names, and switching the account that signs.
 * Stores older than the accounts held one account per environment: their records carry none until
 * the worker has asked Kalshi (lib/key-manager/accounts.ts), and then learn it here.
 */
import type { Environment } from '../shared/environments';
import { AppError } from '../shared/errors';
import type { AccountId } from './activity';
import { storedKeyProblem } from './records';
import { accountSlot, ALL, type AccountSettings, type DB, type Settings } from './schema';
import { inTx, settingsIn, signWith } from './transactions';

/** `write` runs a change (read-cache.ts); `settings` are the stored settings, never to be changed in place. */
export function accountOperations(write: <T>(work: (db: DB) => Promise<T>) => Promise<T>, settings: () => Promise<Settings>) {
  return {
    /** The accounts told apart in an environment, with the user's names: shared with the store's other readers, read only. */
    accountSettings: async (environment: Environment): Promise<Readonly<Record<AccountId, Readonly<AccountSettings>>>> =>
      (await settings()).accounts?.[environment] ?? {},

    /**
     * Notes the account Kalshi named for each key. Once the signing key's account is known, what an
     * older store kept for the environment as a whole was that account's: its pending records and any
     * refused upload. One transaction.
     */
    learnAccounts: (environment: Environment, found: ReadonlyMap<string, AccountId>): Promise<void> =>
      write((db) =>
        inTx(db, ALL, async (tx) => {
          const keys = tx.objectStore('keys');
          for (const [keyId, account] of found) {
            const key = await keys.get([environment, keyId]);
            if (key && key.account === undefined && !storedKeyProblem(key)) await keys.put({ ...key, account });
          }
          const settings = await settingsIn(tx);
          const signingId = settings.signingKeyId[environment];
          const signing = signingId === undefined ? undefined : await keys.get([environment, signingId]);
          const account = signing?.account;
          if (account === undefined) return;
          const pending = tx.objectStore('pending');
          for (const record of await pending.index('by-environment').getAll(environment)) {
            if (record.account === undefined) await pending.put({ ...record, account });
          }
          const legacy = settings.uploadRefusedAt?.[environment];
          if (legacy !== undefined) {
            delete settings.uploadRefusedAt![environment];
            settings.uploadRefusedAt![accountSlot(environment, account)] = legacy;
          }
          ((settings.accounts ??= {})[environment] ??= {})[account] ??= {};
          if (signing) signWith(settings, { ...signing, account });
          for (const learned of new Set(found.values())) settings.accounts[environment]![learned] ??= {};
          await tx.objectStore('settings').put(settings, 'settings');
        }),
      ),

    /** The user's name for an account (an empty name drops it). */
    nameAccount: (environment: Environment, account: AccountId, name: string): Promise<void> =>
      write((db) =>
        inTx(db, ALL, async (tx) => {
          const settings = await settingsIn(tx);
          const known = settings.accounts?.[environment]?.[account];
          if (!known) throw new AppError('unknown_account');
          if (name === '') delete known.name;
          else known.name = name;
          await tx.objectStore('settings').put(settings, 'settings');
        }),
      ),

    /**
     * Signs with the account's key again: the one that signed for it last, if still held, else its
     * oldest held key. The signing key is what makes an account the active one. Returns its id.
     */
    switchAccount: (environment: Environment, account: AccountId): Promise<string> =>
      write((db) =>
        inTx(db, ALL, async (tx) => {
          const settings = await settingsIn(tx);
          const held = (await tx.objectStore('keys').index('by-environment').getAll(environment))
            .filter((k) => k.account === account && !storedKeyProblem(k))
            .sort((a, b) => a.createdAt - b.createdAt);
          const remembered = settings.accounts?.[environment]?.[account]?.signingKeyId;
          const chosen = held.find((k) => k.keyId === remembered) ?? held[0];
          if (!chosen) throw new AppError('unknown_account');
          signWith(settings, chosen);
          await tx.objectStore('settings').put(settings, 'settings');
          return chosen.keyId;
        }),
      ),
  };
}
