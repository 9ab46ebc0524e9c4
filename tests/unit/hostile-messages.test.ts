/**
 * Hostile input, as property tests: whatever message reaches the background (from our own pages
 * or anyone else), the answer is a typed error or a proper result, and nothing is stored. The
 * router runs with the REAL key service over fake-indexeddb; a message that would reach Kalshi
 * meets a fetch that fails at once.
 */
import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isErrorCode } from '../../lib/shared/errors';
import { createKeyService, type Handlers } from '../../lib/key-manager/service';
import { openKeyStore, type KeyStore, type PendingRecord } from '../../lib/key-store';
import type { MessageType } from '../../lib/messages/protocol';
import { generateKeyPair } from '../../lib/key-formats/crypto-keys';
import { route } from '../../lib/messages/router';
import { RUNS, ed, encrypted, exp, rsa } from '../helpers/hostile-fixtures';

// ---- Messages --------------------------------------------------------------------

const self = { id: 'abcdefghijklmnopabcdefghijklmnop', origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop' };
const ownPage = { id: self.id, url: `${self.origin}/popup.html`, origin: self.origin };
const HELD = '33333333-3333-4333-8333-333333333333';

let store: KeyStore;
let service: Handlers;
let fetches = 0;
let ran = 0;
/** The service, counting the calls that got past the router. */
const handlers = new Proxy({} as Handlers, {
  get: (_, type: MessageType) => (data: never) => {
    ran++;
    return (service[type] as (d: never) => Promise<unknown>)(data);
  },
});

beforeAll(async () => {
  store = await openKeyStore('hostile');
  service = createKeyService({
    store,
    // Anything valid enough to reach Kalshi fails at once, as if offline.
    fetch: async () => {
      fetches++;
      throw new TypeError('fetch failed');
    },
    sleep: async () => {},
  });
  // One held key, so valid messages get as far as they can.
  const { privateKey } = await generateKeyPair('Ed25519');
  await store.saveKey({
    environment: 'demo',
    keyId: HELD,
    name: 'held',
    algorithm: 'Ed25519',
    privateKey,
    createdAt: 1,
    scopes: ['read', 'write'],
    account: 'the-held-keys-account', // as every key since import asks Kalshi (no request per case)
  });
  raw = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open('hostile');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
});
afterAll(() => {
  raw.close();
  store.close();
});

const anyValue = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    'demo',
    'production',
    HELD,
    '00000000-0000-4000-8000-000000000000',
    ` ${HELD.toUpperCase()} `,
    '__proto__',
    'constructor',
    'x'.repeat(200),
    'x'.repeat(1_001),
  ),
  fc.constantFrom(true, false, null, undefined, 0, -1, 64, 1.5, NaN, [], {}, ['read', 'write'], ['write'], ['read', 'write::trade']),
  fc.constantFrom('RSA-PSS', 'Ed25519', 'local', 'kalshi', 'browser', 'download', 'pkcs1', 'pkcs8', 'read-only', 'trade', 'full'),
  // Real keys, so an import can get as far as the (failing) network.
  fc.constantFrom(exp(ed.privateKey, 'pkcs8', 'pem') as string, exp(rsa.privateKey, 'pkcs1', 'pem') as string, encrypted),
);
const FIELDS = [
  'environment',
  'keyId',
  'pem',
  'passphrase',
  'name',
  'algorithm',
  'scopes',
  'subaccount',
  'fcmSubtraderId',
  'source',
  'destination',
  'privateKeyFormat',
  'confirmLockout',
  'account',
  'screen',
  'powers',
  'expiresInDays',
  'perSecond',
  'grantId',
  'paused',
  'on',
  '__proto__',
  'constructor',
];
const OTHER = '00000000-0000-4000-8000-000000000000';
const edPem = exp(ed.privateKey, 'pkcs8', 'pem') as string;
/** A well-formed message of each type: the starting point for near-misses. */
const VALID: Record<MessageType, Record<string, unknown>> = {
  getOverview: { environment: 'demo' },
  setEnvironment: { environment: 'production' },
  switchAccount: { environment: 'demo', account: 'no-such-account' },
  getAccounts: { environment: 'demo' },
  nameAccount: { environment: 'demo', account: 'no-such-account', name: 'fund' },
  getAccount: { environment: 'demo' },
  getAccountHealth: { environment: 'demo', timeZone: 'UTC' },
  upgradeUsageLevel: { environment: 'demo', timeZone: 'UTC' },
  importKey: { environment: 'demo', keyId: OTHER, pem: edPem },
  listApiKeys: { environment: 'demo' },
  createApiKey: {
    environment: 'demo',
    name: 'bot',
    algorithm: 'Ed25519',
    scopes: ['read', 'write'],
    source: 'local',
    destination: 'browser',
    privateKeyFormat: 'pkcs8',
  },
  setSigningKey: { environment: 'demo', keyId: HELD },
  testKey: { environment: 'demo', keyId: HELD },
  rotateKey: { environment: 'demo', keyId: HELD },
  forgetKey: { environment: 'demo', keyId: HELD, confirmLockout: false },
  deleteApiKey: { environment: 'demo', keyId: OTHER, confirmLockout: false },
  takeSecret: { environment: 'demo' },
  confirmSecretSaved: { environment: 'demo', keyId: OTHER },
  keepKey: { environment: 'demo', keyId: OTHER },
  getActivity: { environment: 'demo', account: null },
  keepScreen: { screen: ['main', { class: 'popup' }, [['ul', {}, [['li', {}, ['bot']]]]]] },
  getBots: {},
  admitBot: { name: 'bot', environment: 'demo', keyId: HELD, powers: ['read', 'trade'], expiresInDays: 30, perSecond: 10 },
  revokeBot: { grantId: OTHER },
  pauseBots: { paused: true },
  setAgent: { on: false },
};
/** A valid message with up to three fields dropped or replaced by anything at all. */
const nearMiss = (type: MessageType) =>
  fc
    .array(fc.tuple(fc.constantFrom(...FIELDS, ...Object.keys(VALID[type])), fc.option(anyValue, { nil: undefined, freq: 4 })), {
      maxLength: 3,
    })
    .map((edits) => {
      const d: Record<string, unknown> = { ...VALID[type] };
      for (const [field, value] of edits) {
        if (value === undefined) delete d[field];
        else Object.defineProperty(d, field, { value, enumerable: true, configurable: true, writable: true });
      }
      return d;
    });
const data = (type: MessageType) =>
  fc.oneof(
    { weight: 5, arbitrary: nearMiss(type) },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
    { weight: 3, arbitrary: fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 8 })), anyValue, { maxKeys: 10 }) },
    { weight: 1, arbitrary: fc.constant(Object.assign(Object.create({ environment: 'demo' }) as object, { keyId: HELD })) },
  );
const webOrigin = fc.webUrl().map((u) => new URL(u).origin);
const senders = fc.oneof(
  { weight: 8, arbitrary: fc.constant(ownPage) },
  {
    weight: 1,
    arbitrary: fc.record(
      {
        id: fc.oneof(fc.constant(self.id), fc.string()),
        url: fc.oneof(fc.webUrl(), fc.constant(`chrome-extension://zzzz/popup.html`), fc.constant(`${self.origin}.evil.example/`)),
        origin: fc.option(webOrigin, { nil: undefined }),
      },
      { requiredKeys: [] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      id: fc.constant(self.id),
      url: fc.constant(`${self.origin}/popup.html`),
      origin: webOrigin,
      tab: fc.anything(),
    }),
  },
);

const TYPES: MessageType[] = [
  'getOverview',
  'setEnvironment',
  'getAccount',
  'importKey',
  'listApiKeys',
  'createApiKey',
  'setSigningKey',
  'testKey',
  'rotateKey',
  'forgetKey',
  'deleteApiKey',
  'takeSecret',
  'confirmSecretSaved',
  'keepKey',
  'getActivity',
  'switchAccount',
  'getAccounts',
  'nameAccount',
  'keepScreen',
  'getBots',
  'admitBot',
  'revokeBot',
  'pauseBots',
  'setAgent',
];

/** What the store holds, read in one raw transaction: key ids, every pending record and the activity log. */
let raw: IDBDatabase;
function snapshot(): Promise<{ keys: string[]; pending: PendingRecord[]; activity: object[]; grants: { keyId: string }[] }> {
  return new Promise((resolve, reject) => {
    const tx = raw.transaction(['keys', 'pending', 'activity', 'grants']);
    const grants = tx.objectStore('grants').getAll();
    const keys = tx.objectStore('keys').getAllKeys();
    const pending = tx.objectStore('pending').getAll();
    const activity = tx.objectStore('activity').getAll();
    tx.oncomplete = () =>
      resolve({
        keys: (keys.result as string[][]).map(([env, id]) => `${env}/${id}`),
        pending: pending.result as PendingRecord[],
        activity: activity.result as object[],
        grants: grants.result as { keyId: string }[],
      });
    tx.onerror = () => reject(tx.error);
  });
}
/** Empties the activity log and the grants, so every case starts alike (and reading them stays quick). */
function clearActivity(): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = raw.transaction(['activity', 'grants'], 'readwrite');
    tx.objectStore('activity').clear();
    tx.objectStore('grants').clear();
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
}
const ENTRY_FIELDS = new Set(['id', 'at', 'environment', 'account', 'keyId', 'keyName', 'operation', 'outcome', 'errorCode']);

describe('every message handler meets hostile messages (real service, fake-indexeddb)', () => {
  it.each(TYPES)(`%s: a Reply that is a result or a typed error, and nothing stored (${RUNS} cases)`, async (type) => {
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(data(type), senders, async (d, sender) => {
        const before = fetches;
        const ranBefore = ran;
        const reply = await route(handlers, { type, data: d }, sender, self);
        expect(typeof reply).toBe('object');
        if (reply.ok) {
          expect(sender).toBe(ownPage);
          outcomes.set('ok', (outcomes.get('ok') ?? 0) + 1);
        } else {
          expect(isErrorCode(reply.error.code)).toBe(true);
          expect(reply.error.code).not.toBe('internal');
          // Plain data: a code, and at most a detail string (no stack, no cause, nothing else).
          expect(Object.keys(reply.error).sort()).toEqual(reply.error.detail === undefined ? ['code'] : ['code', 'detail']);
          if (reply.error.detail !== undefined) expect(typeof reply.error.detail).toBe('string');
          if (sender !== ownPage) expect(reply.error.code).toBe('sender_refused');
          outcomes.set(reply.error.code, (outcomes.get(reply.error.code) ?? 0) + 1);
        }
        if (sender !== ownPage) expect([fetches, ran]).toEqual([before, ranBefore]); // refused before anything ran
        if (ran === ranBefore) return; // refused by the router: no handler ran, so nothing can have been stored
        // Nothing new is stored: no key, no private half in a pending record.
        const after = await snapshot();
        // The activity log gained at most this one operation's entry, and nothing but an entry's fields.
        expect(after.activity.length).toBeLessThanOrEqual(1);
        for (const entry of after.activity) for (const field of Object.keys(entry)) expect(ENTRY_FIELDS).toContain(field);
        // A grant only for a key held here: one admitted with valid fields.
        expect(after.grants.length).toBeLessThanOrEqual(1);
        for (const grant of after.grants) expect(grant.keyId).toBe(HELD);
        if (after.activity.length > 0 || after.grants.length > 0) await clearActivity();
        for (const k of after.keys) expect([`demo/${HELD}`]).toContain(k);
        for (const p of after.pending) {
          // A delete that reached the (failing) network leaves its record for the next list; it holds no key material.
          expect(p.operation).toBe('delete');
          expect('privateKey' in p).toBe(false);
          await store.removePending(p.id);
        }
        // Put back what a valid forget may have removed, so every case starts alike.
        if (after.keys.length === 0) {
          const { privateKey } = await generateKeyPair('Ed25519');
          await store.saveKey({
            environment: 'demo',
            keyId: HELD,
            name: 'held',
            algorithm: 'Ed25519',
            privateKey,
            createdAt: 1,
            scopes: ['read', 'write'],
            account: 'the-held-keys-account', // as every key since import asks Kalshi (no request per case)
          });
        }
      }),
      { numRuns: RUNS },
    );
    // Some cases got past validation into the service, so the property says something.
    expect(outcomes.size).toBeGreaterThan(1);
    if (process.env.RELIABILITY_STATS) console.log(JSON.stringify({ type, outcomes: Object.fromEntries(outcomes) }));
  });
});
