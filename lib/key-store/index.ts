/**
 * The key store: IndexedDB (via idb) holding each key's non-extractable CryptoKey and what is known
 * of it, the signing key per environment, pending records of changes whose answers may be lost, and
 * the activity log (activity.ts).
 *
 * May import: lib/shared and lib/key-formats. Only the key manager (lib/key-manager) and the
 * background use it; pages never do (tests/unit/layers.test.ts).
 */
export * from './records';
export {
  ACTIVITY_LIMIT,
  ACTIVITY_OPERATIONS,
  ACTIVITY_OUTCOMES,
  isActivityEntry,
  type AccountId,
  type ActivityEntry,
  type ActivityOperation,
  type ActivityOutcome,
  type NewActivity,
} from './activity';
export { DB_NAME, DB_VERSION, isPrivateModeRefusal, type OpenOptions } from './schema';
export { openKeyStore, type KeyStore } from './store';
