/**
 * A key service as the background makes it, against the local exchange and fake-indexeddb, with a
 * clock the test moves. For the scenario tests of tests/unit/truth-*.test.ts.
 */
import 'fake-indexeddb/auto';
import { expect } from 'vitest';
import type { Exchange, Tier } from '../../exchange/server';
import { createKeyService, type Handlers, type KeyServiceDeps } from '../../lib/key-manager/service';
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
  /** A second service on the same store: another worker after this one stopped. */
  restart: (overrides?: Partial<KeyServiceDeps>) => Handlers;
  make: (overrides?: Partial<KeyServiceDeps>) => Handlers;
}

export async function harness(exchange: Exchange): Promise<Harness> {
  const store = await openKeyStore(`truth-${++db}-${Math.random()}`);
  let shift = 0;
  const make = (overrides: Partial<KeyServiceDeps> = {}) =>
    createKeyService({
      store,
      fetch: exchangeFetch(exchange),
      timeoutMs: 1_500,
      now: () => Date.now() + shift,
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
    make,
  };
  return h;
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
