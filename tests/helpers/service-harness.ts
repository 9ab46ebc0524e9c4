/**
 * A key service as the background makes it, against the local exchange and fake-indexeddb, with a
 * clock the test moves. For the scenario tests of tests/unit/truth-*.test.ts.
 */
import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { startExchange, type Exchange, type Tier } from '../../exchange/server';
import { createKeyService, type Handlers, type KeyServiceDeps } from '../../lib/key-manager/service';
import { createSecretKeeper, type SessionSlot } from '../../lib/key-manager/secrets';
import type { NewKeyOptions } from '../../lib/key-manager/minting';
import { openKeyStore, type KeyStore } from '../../lib/key-store';
import { AppError, type ErrorCode } from '../../lib/shared/errors';
import { exchangeFetch } from './exchange-fetch';

export const P = '/trade-api/v2';
let db = 0;

export interface Harness {
  store: KeyStore;
  service: Handlers;
  /** Moves the service's clock forward. */
  advance: (ms: number) => void;
  /** A second service on the same store and session: another worker after this one stopped. */
  restart: (overrides?: Partial<KeyServiceDeps>) => Handlers;
  /** storage.session as the worker uses it: outlives a restart, emptied by closeBrowser(). */
  session: SessionSlot & { value: unknown };
  /** The browser closes and opens again: the session is empty, and a new worker starts. */
  closeBrowser: () => Handlers;
  make: (overrides?: Partial<KeyServiceDeps>) => Handlers;
}

export async function harness(exchange: Exchange): Promise<Harness> {
  const store = await openKeyStore(`truth-${++db}-${Math.random()}`);
  let shift = 0;
  const session = memorySlot();
  const now = () => Date.now() + shift;
  const make = (overrides: Partial<KeyServiceDeps> = {}) =>
    createKeyService({
      store,
      fetch: exchangeFetch(exchange),
      timeoutMs: 1_500,
      now,
      // As the background keeps them: sealed in the session, with the store's key.
      secrets: createSecretKeeper({ now, slot: session, sealKey: () => store.sealingKey() }),
      sleep: async () => {},
      random: () => 0.5,
      graceMs: 0,
      ...overrides,
    });
  const h: Harness = {
    store,
    service: make(),
    advance: (ms) => void (shift += ms),
    restart: (overrides) => (h.service = make(overrides)),
    session,
    closeBrowser: () => {
      session.value = undefined;
      return h.restart();
    },
    make,
  };
  return h;
}

/** One storage.session value, in memory. */
export function memorySlot(): SessionSlot & { value: unknown } {
  const slot = {
    value: undefined as unknown,
    get: async () => slot.value,
    set: async (value: unknown) => void (slot.value = value),
    remove: async () => void (slot.value = undefined),
  };
  return slot;
}

export interface ServiceHarness extends Readonly<Harness> {
  /** The file's exchange: started before all tests, reset before each. */
  readonly exchange: Exchange;
}

/**
 * Registers the file's hooks: start an exchange before all tests, close it after, and before each
 * test `reset()` it and make a fresh harness (its store closed after the test). Read everything
 * through the returned object, never destructured: the harness behind it changes with each test.
 */
export function useHarness(): ServiceHarness {
  let exchange: Exchange | undefined;
  let current: Harness | undefined;
  const started = (): Exchange => {
    if (!exchange) throw new Error('the exchange is not started yet: use it inside a test or hook');
    return exchange;
  };
  const under = (): Harness => {
    if (!current) throw new Error('the harness is not made yet: use it inside a test or hook');
    return current;
  };

  beforeAll(async () => {
    exchange = await startExchange({ port: 0 });
  });
  afterAll(() => started().close());
  beforeEach(async () => {
    started().reset();
    current = await harness(started());
  });
  afterEach(() => under().store.close());

  return {
    get exchange() {
      return started();
    },
    get store() {
      return under().store;
    },
    get service() {
      return under().service;
    },
    advance: (ms) => under().advance(ms),
    restart: (overrides) => under().restart(overrides),
    get session() {
      return under().session;
    },
    closeBrowser: () => under().closeBrowser(),
    make: (overrides) => under().make(overrides),
  };
}

export function newKey(name: string, overrides: Partial<NewKeyOptions> = {}) {
  return {
    environment: 'demo' as const,
    name,
    algorithm: 'Ed25519' as const,
    scopes: ['read', 'write'],
    source: 'local' as const,
    destination: 'browser' as const,
    privateKeyFormat: 'pkcs8' as const,
    ...overrides,
  };
}

/** Seeds a demo account at `tier` and imports its key: the extension signs with it. */
export async function signedIn(exchange: Exchange, service: Handlers, tier: Tier = 'premier') {
  const seeded = exchange.seedAccount('demo', { name: 'sandbox', usageTier: tier });
  await service.importKey({ environment: 'demo', keyId: seeded.keyId, pem: seeded.privateKeyPem });
  return seeded;
}

export async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  return error as AppError;
}

export const onExchange = (exchange: Exchange) => exchange.keys('demo').map((k) => k.api_key_id);

/** Account B of the demo environment (A is the exchange's default account). */
export const B = { env: 'demo', account: 'b' } as const;

/** Account A and B, each with one key imported here; B imported last, so B signs. */
export async function importBoth(h: Pick<ServiceHarness, 'exchange' | 'service'>) {
  const a = h.exchange.seedAccount('demo', { name: 'desk A', usageTier: 'premier' });
  const b = h.exchange.seedAccount(B, { name: 'desk B', usageTier: 'premier' });
  await h.service.importKey({ environment: 'demo', keyId: a.keyId, pem: a.privateKeyPem });
  await h.service.importKey({ environment: 'demo', keyId: b.keyId, pem: b.privateKeyPem });
  return { a, b, idA: h.exchange.communicationsId('demo'), idB: h.exchange.communicationsId(B) };
}
