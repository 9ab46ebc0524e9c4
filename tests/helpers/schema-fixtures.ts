/**
 * Schema fixtures (tests/fixtures/schema) read back: each database rebuilt in fake-indexeddb exactly
 * as its version's code left it, CryptoKeys revived non-extractable from the fixture's test keys.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode, type CryptoKeyMarker, type SchemaFixture } from '../fixtures/schema/kit/format';
import { identify } from '../fixtures/schema/kit/test-keys';

export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/schema', import.meta.url));

/** The schema versions that have a fixture, by file name (v<N>.json). */
export const fixtureVersions = (): number[] =>
  readdirSync(FIXTURE_DIR)
    .map((file) => /^v(\d+)\.json$/.exec(file)?.[1])
    .filter((n) => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);

export const readFixture = (version: number): SchemaFixture =>
  JSON.parse(readFileSync(join(FIXTURE_DIR, `v${version}.json`), 'utf8')) as SchemaFixture;

/** Which of the fixture's test keys a CryptoKey holds (proved by a signature or a ciphertext), or a throw. */
export const refIn = (fixture: SchemaFixture) => (key: CryptoKey) => identify(fixture.testKeys.keys, key);

/** The CryptoKey a marker stands for, imported from the fixture's test key as the marker describes it. */
async function revive(fixture: SchemaFixture, marker: CryptoKeyMarker): Promise<CryptoKey> {
  const material = fixture.testKeys.keys[marker.ref];
  if (!material) throw new Error(`No test key ${marker.ref}.`);
  const { name, hash } = marker.algorithm as { name: string; hash?: { name: string } };
  if (material.kind === 'secret') return crypto.subtle.importKey('jwk', material.jwk, name, marker.extractable, marker.usages);
  const pkcs8 = createPrivateKey(material.pkcs8Pem).export({ type: 'pkcs8', format: 'der' });
  return crypto.subtle.importKey('pkcs8', pkcs8, hash ? { name, hash } : name, marker.extractable, marker.usages);
}

const done = <T>(request: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

/** The fixture's records, decoded, by store. */
export type Records = Map<string, Array<{ key: IDBValidKey; value: unknown }>>;

/** Lays the fixture's database down under `name` at its own version: its stores, indexes and records. */
export async function restore(fixture: SchemaFixture, name: string): Promise<Records> {
  const records: Records = new Map();
  for (const store of fixture.database.stores) {
    const decoded = [];
    for (const { key, value } of store.records) {
      decoded.push({
        key: (await decode(key, (m) => revive(fixture, m))) as IDBValidKey,
        value: await decode(value, (m) => revive(fixture, m)),
      });
    }
    records.set(store.name, decoded);
  }
  const open = indexedDB.open(name, fixture.database.version);
  open.onupgradeneeded = () => {
    for (const store of fixture.database.stores) {
      const created = open.result.createObjectStore(store.name, { keyPath: store.keyPath, autoIncrement: store.autoIncrement });
      for (const index of store.indexes)
        created.createIndex(index.name, index.keyPath, { unique: index.unique, multiEntry: index.multiEntry });
    }
  };
  const db = await done(open);
  const tx = db.transaction([...db.objectStoreNames], 'readwrite');
  for (const store of fixture.database.stores) {
    const target = tx.objectStore(store.name);
    for (const { key, value } of records.get(store.name)!) {
      if (store.keyPath === null) target.add(value, key);
      else target.add(value);
    }
  }
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  db.close();
  return records;
}
