/**
 * The exchange's accounts: several per environment, as on Kalshi, each named by a label the sandbox
 * gives it. A key belongs to exactly one account and acts on that account only.
 */
import { ENVS, newAccount, type Account, type Env, type StoredKey } from './state';
import type { AccountRef } from './types';

/** The account a plain `Env` means, so callers written for one account per environment keep their meaning. */
export const DEFAULT_ACCOUNT = 'main';

/** Environment → label → account, in the order the accounts were made. */
export type Accounts = Map<Env, Map<string, Account>>;

/** The environment and label an `AccountRef` names; throws on a malformed one (a test bug). */
export function resolveRef(ref: AccountRef): { env: Env; label: string } {
  const { env, label } = typeof ref === 'string' ? { env: ref, label: DEFAULT_ACCOUNT } : { env: ref.env, label: ref.account };
  if (!ENVS.includes(env)) throw new Error(`unknown environment ${String(env)}`);
  if (typeof label !== 'string' || label === '') throw new Error('an account label must be a non-empty string');
  return { env, label };
}

/** The account if it exists (reads must not make accounts a test never asked for). */
export function findAccount(accounts: Accounts, ref: AccountRef): Account | undefined {
  const { env, label } = resolveRef(ref);
  return accounts.get(env)?.get(label);
}

/** The account, made on first use with its own user id and communications id. */
export function accountIn(accounts: Accounts, ref: AccountRef): Account {
  const { env, label } = resolveRef(ref);
  let byLabel = accounts.get(env);
  if (!byLabel) {
    byLabel = new Map();
    accounts.set(env, byLabel);
  }
  let acc = byLabel.get(label);
  if (!acc) {
    acc = newAccount(label);
    byLabel.set(label, acc);
  }
  return acc;
}

/** Every account of the environment, oldest first. */
export function accountsIn(accounts: Accounts, env: Env): Account[] {
  return [...(accounts.get(env)?.values() ?? [])];
}

/** The account holding this key id in the environment, if any (ids are UUIDs: at most one). */
export function ownerOf(accounts: Accounts, env: Env, keyId: string): { account: Account; key: StoredKey } | undefined {
  for (const account of accountsIn(accounts, env)) {
    const key = account.keys.get(keyId);
    if (key) return { account, key };
  }
  return undefined;
}
