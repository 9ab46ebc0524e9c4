/**
 * The key store: IndexedDB (via idb) holding each key's non-extractable CryptoKey and what is known
 * of it, the signing key per environment, and pending records of changes whose answers may be lost.
 *
 * May import: lib/shared and lib/key-formats. Only the key manager (lib/key-manager) and the
 * background use it; pages never do (tests/unit/layers.test.ts).
 */
export * from './records';
export { DB_NAME, DB_VERSION, isPrivateModeRefusal, type OpenOptions } from './schema';
export { openKeyStore, type KeyStore } from './store';
