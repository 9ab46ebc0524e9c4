/**
 * Every past schema version, as that version's own code wrote it (tests/fixtures/schema), opened by
 * the current code: every key still there and still signing, every setting, account, name, pending
 * record, log entry and grant intact, and the schema that of a store made today.
 */
import 'fake-indexeddb/auto';
import { existsSync } from 'node:fs';
import { constants, verify } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { presignText, signRequest } from '../../lib/kalshi/signer';
import { DB_VERSION, openKeyStore, readPending, type PendingRecord, type StoredKey } from '../../lib/key-store';
import type { Settings } from '../../lib/key-store/schema';
import type { Grant } from '../../lib/shared/grant';
import type { Environment } from '../../lib/shared/environments';
import { dumpDatabase, encodeNamed } from '../fixtures/schema/kit/dump';
import {
  TEST_KEYS_WARNING,
  type CryptoKeyMarker,
  type DatabaseDump,
  type Encoded,
  type SchemaFixture,
} from '../fixtures/schema/kit/format';
import { FIXTURE_DIR, fixtureVersions, readFixture, refIn, restore, type Records } from '../helpers/schema-fixtures';

const ENVIRONMENTS: Environment[] = ['production', 'demo'];
let n = 0;
const fresh = () => `schema-fixture-${++n}`;
const pastVersions = Array.from({ length: DB_VERSION }, (_, i) => i + 1);

const schemaOnly = (dump: DatabaseDump) => dump.stores.map(({ records: _records, ...schema }) => schema);
const valuesOf = (records: Records, store: string) => (records.get(store) ?? []).map((r) => r.value);

/** The test key a record's CryptoKey was dumped as (the fixture's marker). */
const markerRef = (fixture: SchemaFixture, { environment, keyId }: StoredKey): string => {
  const keys = fixture.database.stores.find((s) => s.name === 'keys')!;
  const record = keys.records.find((r) => JSON.stringify(r.key) === JSON.stringify([environment, keyId]))!;
  const privateKey = (record.value as unknown as { privateKey: { $cryptoKey: CryptoKeyMarker } }).privateKey;
  return privateKey.$cryptoKey.ref;
};

/** Signs a Kalshi request with the held key (our signer) and checks it with node:crypto against the test key's public half. */
async function signsFor(fixture: SchemaFixture, key: Pick<StoredKey, 'keyId' | 'algorithm' | 'privateKey'>, ref: string): Promise<boolean> {
  const material = fixture.testKeys.keys[ref];
  if (material?.kind !== 'private') throw new Error(`No private test key ${ref}.`);
  const headers = await signRequest(key, 'GET', '/trade-api/v2/portfolio/balance?limit=1', 1_767_225_600_000);
  const text = Buffer.from(presignText(1_767_225_600_000, 'GET', '/trade-api/v2/portfolio/balance'));
  const signature = Buffer.from(headers['KALSHI-ACCESS-SIGNATURE'], 'base64');
  return key.algorithm === 'RSA-PSS'
    ? verify('sha256', text, { key: material.spkiPem, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature)
    : verify(null, text, material.spkiPem, signature);
}

describe('a fixture for every schema version', () => {
  it(`v1.json … v${DB_VERSION}.json, each of its own version, with its test keys marked`, () => {
    // A schema bump without its fixture fails here: write it with tests/fixtures/schema/write.ts.
    expect(fixtureVersions()).toEqual(pastVersions);
    for (const version of pastVersions) {
      const fixture = readFixture(version);
      expect(fixture.version).toBe(version);
      expect(fixture.database.version).toBe(version);
      expect(fixture.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(fixture.writtenBy).toBe(`npx tsx tests/fixtures/schema/write.ts ${version} ${fixture.commit}`);
      expect(fixture.testKeys.warning).toBe(TEST_KEYS_WARNING);
      expect(existsSync(join(FIXTURE_DIR, 'kit', `v${version}.ts`))).toBe(true);
      // Each store holds something: a store left empty would prove nothing about its migration.
      for (const store of fixture.database.stores) expect(store.records.length, `${store.name} in v${version}`).toBeGreaterThan(0);
    }
  });
});

describe.each(fixtureVersions())('a version %i store opened by the current code', (version) => {
  const fixture = readFixture(version);

  it('keeps every record of every store as it was, each CryptoKey the same key; its schema becomes today’s', async () => {
    const name = fresh();
    await restore(fixture, name);
    (await openKeyStore(name)).close();
    const migrated = await dumpDatabase(name, refIn(fixture));
    expect(migrated.version).toBe(DB_VERSION);
    // A migration that rewrites records must say here how each one changes.
    for (const store of fixture.database.stores) {
      expect(migrated.stores.find((s) => s.name === store.name)?.records, store.name).toEqual(store.records);
    }
    const today = fresh();
    (await openKeyStore(today)).close();
    expect(schemaOnly(migrated)).toEqual(schemaOnly(await dumpDatabase(today, refIn(fixture))));
  });

  it('every key is held, readable, non-extractable, and signs a request its public key verifies', async () => {
    const name = fresh();
    const records = await restore(fixture, name);
    const store = await openKeyStore(name);
    const stored = valuesOf(records, 'keys') as StoredKey[];
    expect(stored.length).toBeGreaterThan(0);
    for (const environment of ENVIRONMENTS) {
      const { records: held, unreadable } = await store.listKeysChecked(environment);
      expect(unreadable).toEqual([]);
      const expected = stored.filter((k) => k.environment === environment).sort((a, b) => a.createdAt - b.createdAt);
      expect(await encodeNamed(held, refIn(fixture))).toEqual(await encodeNamed(expected, refIn(fixture)));
    }
    for (const key of stored) {
      const got = (await store.getKey(key.environment, key.keyId))!;
      expect(got.privateKey.extractable).toBe(false);
      expect(await signsFor(fixture, got, markerRef(fixture, key)), key.keyId).toBe(true);
    }
    store.close();
  });

  it('settings intact: signing keys, active environment, keys we made, refusals, accounts and names, bots, sealing key', async () => {
    const name = fresh();
    const records = await restore(fixture, name);
    const store = await openKeyStore(name);
    const settings = valuesOf(records, 'settings')[0] as Settings;
    for (const environment of ENVIRONMENTS) {
      expect((await store.getSigningKey(environment))?.keyId).toBe(settings.signingKeyId[environment]);
      expect(await store.madeByUs(environment)).toEqual(settings.madeByUs?.[environment] ?? []);
      expect(await store.accountSettings(environment)).toEqual(settings.accounts?.[environment] ?? {});
    }
    expect(await store.getActiveEnvironment()).toBe(settings.activeEnvironment);
    for (const [slot, at] of Object.entries(settings.uploadRefusedAt ?? {})) {
      const [environment, account] = slot.split('/') as [Environment, string | undefined];
      expect(await store.uploadRefusedAt(environment, account)).toBe(at);
    }
    expect(await store.botSwitches()).toEqual({ agentOn: settings.agentOn === true, paused: settings.botsPaused === true });
    const sealKey = await store.sealingKey();
    if (settings.sealKey) expect(await refIn(fixture)(sealKey)).toBe(await refIn(fixture)(settings.sealKey));
    store.close();
  });

  it('pending records, activity entries and grants intact, as the current code reads them', async () => {
    const name = fresh();
    const records = await restore(fixture, name);
    const store = await openKeyStore(name);
    const named = (value: unknown) => encodeNamed(value, refIn(fixture));
    const pending = valuesOf(records, 'pending') as PendingRecord[];
    const waiting: Array<{ id: string; algorithm: StoredKey['algorithm']; privateKey: CryptoKey }> = [];
    for (const environment of ENVIRONMENTS) {
      const listed = await store.listPending(environment);
      expect(listed.unreadable).toEqual([]);
      const expected = pending.filter((p) => p.environment === environment).sort((a, b) => a.startedAt - b.startedAt);
      expect(await named(listed.records)).toEqual(await named(expected.map(readPending)));
      for (const record of listed.records)
        if (record.operation === 'create' && record.privateKey) waiting.push({ ...record, privateKey: record.privateKey });
    }
    // A pair made here and waiting for its key id still signs: the next list proves its key with it.
    expect(waiting.length).toBe(pending.filter((p) => p.operation === 'create' && p.privateKey).length);
    for (const { id, algorithm, privateKey } of waiting) {
      expect(await signsFor(fixture, { keyId: id, algorithm, privateKey }, await refIn(fixture)(privateKey)), id).toBe(true);
    }
    const activity = valuesOf(records, 'activity');
    expect((await store.listActivity()) as unknown as Encoded).toEqual([...activity].reverse());
    const grants = (valuesOf(records, 'grants') as Grant[]).sort((a, b) => a.createdAt - b.createdAt);
    expect(await store.listGrants()).toEqual(grants);
    store.close();
  });
});
