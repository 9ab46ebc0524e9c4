/**
 * The shared setup of tests/unit/faults-*.test.ts: the key service against the local exchange with
 * faults injected, a clock and a sleep the test controls, and a fresh key store for every test.
 *
 * Call useFaultsHarness() once at the top of a test file. The state it resets before each test
 * (`exchange`, `store`, `service`, `sleeps`, `db`) is exported as live bindings: a test reads them
 * as they are now; it replaces the service with setService() and moves our clock with setShift().
 */
import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { startExchange, type Exchange } from '../../exchange/server';
import { AppError, type ErrorCode } from '../../lib/shared/errors';
import { createKeyService, type Handlers, type KeyServiceDeps } from '../../lib/key-manager/service';
import { openKeyStore, type KeyStore } from '../../lib/key-store';
import messages from '../../public/_locales/en/messages.json';
import { exchangeFetch } from './exchange-fetch';

/** The English words the pages show for an error code. */
export const wordsFor = (code: ErrorCode) => (messages as Record<string, { message: string }>)[`error_${code}`]!.message;

export const P = '/trade-api/v2';
export let exchange: Exchange;
export let store: KeyStore;
export let service: Handlers;
export let sleeps: number[];
/** Our clock, as the service sees it: the real one, shifted. */
let shift = 0;
/** The number of the current test's key store (`faults-${db}`). */
export let db = 0;

/** Replaces the service the tests use (another worker, or the same one with other deps). */
export function setService(next: Handlers): Handlers {
  service = next;
  return next;
}

/** Shifts our clock, as the service sees it, by `ms` from the real one. */
export function setShift(ms: number): void {
  shift = ms;
}

/** A service as the background makes it, but with a clock and a sleep the test controls. */
export function makeService(overrides: Partial<KeyServiceDeps> = {}): Handlers {
  return createKeyService({
    store,
    fetch: exchangeFetch(exchange),
    timeoutMs: 1_500,
    now: () => Date.now() + shift,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    ...overrides,
  });
}

/** Registers the hooks: one exchange for the file; a reset exchange, clock and fresh store per test. */
export function useFaultsHarness(): void {
  beforeAll(async () => {
    exchange = await startExchange({ port: 0 });
  });
  afterAll(() => exchange.close());
  beforeEach(async () => {
    exchange.reset();
    sleeps = [];
    shift = 0;
    store = await openKeyStore(`faults-${++db}`);
    service = makeService();
  });
  afterEach(() => store.close());
}

async function codeOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}
export async function expectCode(promise: Promise<unknown>, code: ErrorCode) {
  const error = await codeOf(promise);
  expect(error.code).toBe(code);
  return error;
}

export { newKey } from './service-harness';

export async function signedIn(tier: 'premier' | 'basic' = 'premier') {
  const seeded = exchange.seedAccount('demo', { name: 'sandbox', usageTier: tier });
  await service.importKey({ environment: 'demo', keyId: seeded.keyId, pem: seeded.privateKeyPem });
  exchange.requests.length = 0;
  return seeded;
}

/**
 * A fetch that lets the creating POST through (to meet its fault), then makes every later
 * GET /api_keys fail: Kalshi out of reach right after the answer was lost.
 */
export function outOfReachAfterPost(): typeof fetch {
  const f = exchangeFetch(exchange);
  return async (input, init) => {
    try {
      return await f(input, init);
    } finally {
      if (init?.method === 'POST' || init?.method === 'DELETE')
        exchange.faultMode({ method: 'GET', path: `${P}/api_keys` }, { status: 503 });
    }
  };
}

/** Everything this browser's key store holds for demo: held key ids and pending records. */
export async function local() {
  return {
    held: (await store.listKeys('demo')).map((k) => k.keyId).sort(),
    pending: (await store.listPending('demo')).records,
  };
}
export const onExchange = () =>
  exchange
    .keys('demo')
    .map((k) => k.api_key_id)
    .sort();
export const count = (method: string, path: string) => exchange.requests.filter((r) => r.method === method && r.path === path).length;
