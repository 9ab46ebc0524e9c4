/**
 * The writes that must land together, as steps inside one readwrite transaction: a key and the
 * signing setting, a key and the pending records that hold its private half, the key ids we made.
 */
import type { Environment } from '../shared/environments';
import { ofAccount, storedKeyProblem, type StoredKey } from './records';
import { DEFAULT_SETTINGS, MADE_BY_US_LIMIT, type AllTx, type DB, type Settings, type Tx } from './schema';

export const settingsIn = async (tx: AllTx): Promise<Settings> =>
  (await tx.objectStore('settings').get('settings')) ?? structuredClone(DEFAULT_SETTINGS);

/**
 * Makes a key the one that signs for its environment — which makes its account the environment's
 * active one — and remembers it as its account's, for when the user switches back.
 */
export function signWith(settings: Settings, key: Pick<StoredKey, 'environment' | 'keyId' | 'account'>) {
  settings.signingKeyId[key.environment] = key.keyId;
  if (key.account === undefined) return;
  const accounts = ((settings.accounts ??= {})[key.environment] ??= {});
  (accounts[key.account] ??= {}).signingKeyId = key.keyId;
}

/** Puts a key and, when asked or when none signs yet, makes it the signing key. */
export async function putKey(tx: AllTx, key: StoredKey, makeSigning: boolean) {
  const settings = await settingsIn(tx);
  await tx.objectStore('keys').put(key);
  const signing = settings.signingKeyId[key.environment];
  const signingRecord = signing === undefined ? undefined : await tx.objectStore('keys').get([key.environment, signing]);
  if (makeSigning || signingRecord === undefined) {
    signWith(settings, key);
    await tx.objectStore('settings').put(settings, 'settings');
  }
}

/**
 * Deletes a key, and any pending record still holding its private half. If it signed, `next` takes
 * over — the caller proved that key works; null: none of this account does, so another account's key
 * signs if one is held; without a `next`, the oldest readable key of the same account, else of another
 * (whose account becomes the active one).
 */
export async function dropKey(tx: AllTx, environment: Environment, keyId: string, next?: string | null) {
  const keys = tx.objectStore('keys');
  const dropped = await keys.get([environment, keyId]);
  await keys.delete([environment, keyId]);
  const pending = tx.objectStore('pending');
  for (const record of await pending.index('by-environment').getAll(environment)) {
    if (record.operation === 'create' && record.resultKeyId === keyId && record.privateKey) await pending.delete(record.id);
  }
  const settings = await settingsIn(tx);
  const remembered = Object.values(settings.accounts?.[environment] ?? {}).find((a) => a.signingKeyId === keyId);
  if (remembered) delete remembered.signingKeyId;
  if (settings.signingKeyId[environment] === keyId) {
    const rest = (await keys.index('by-environment').getAll(environment)).filter((k) => storedKeyProblem(k) === undefined);
    rest.sort((a, b) => Number(ofAccount(dropped?.account)(b)) - Number(ofAccount(dropped?.account)(a)) || a.createdAt - b.createdAt);
    // null: no key of this account works (the user consented): another account's key, if any, signs.
    const otherAccount = (k: StoredKey) => dropped?.account !== undefined && k.account !== undefined && k.account !== dropped.account;
    const chosen = next === undefined ? rest[0] : rest.find((k) => (next === null ? otherAccount(k) : k.keyId === next));
    if (chosen) signWith(settings, chosen);
    else delete settings.signingKeyId[environment];
  }
  await tx.objectStore('settings').put(settings, 'settings');
}

/** Notes key ids our own creates made, so no lost request is ever taken to have made them. */
export async function noteMade(tx: AllTx, environment: Environment, keyIds: string[]) {
  if (keyIds.length === 0) return;
  const settings = await settingsIn(tx);
  const made = (settings.madeByUs ??= {});
  made[environment] = [...(made[environment] ?? []).filter((id) => !keyIds.includes(id)), ...keyIds].slice(-MADE_BY_US_LIMIT);
  await tx.objectStore('settings').put(settings, 'settings');
}

/**
 * Runs work in one readwrite transaction: all of it lands, or (on any throw) the transaction is
 * aborted and nothing does.
 */
export async function inTx<S extends ('keys' | 'settings' | 'pending')[], T>(
  db: DB,
  stores: S,
  work: (tx: Tx<S>) => Promise<T>,
): Promise<T> {
  const tx = db.transaction(stores, 'readwrite') as unknown as Tx<S>;
  const done = tx.done;
  done.catch(() => {}); // awaited below; an abort must not also surface as an unhandled rejection
  try {
    const result = await work(tx);
    await done;
    return result;
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // already finished or aborted
    }
    throw abortCause(tx, error);
  }
}

/**
 * When the browser aborts a transaction (a full disk: QuotaExceededError), the requests still
 * waiting fail with a bare AbortError; the reason is on `tx.error`. That reason is what the caller
 * gets, so storageError can tell a full disk from any other failure.
 */
function abortCause(tx: { readonly error: DOMException | null }, error: unknown): unknown {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return name === 'AbortError' && tx.error ? tx.error : error;
}
