/**
 * The sandbox exchange under test, for tests/unit/exchange-*.test.ts: one exchange per file on a
 * clock the test may freeze, reset before each test, and a signed `call` to it.
 */
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { authErrorBody, callExchange, type Answer, type CallOptions } from '../../exchange/client';
import { startExchange, type Exchange, type ExchangeOptions } from '../../exchange/server';

export interface ExchangeHarness {
  /**
   * The exchange under test: the one started in beforeAll, or the one a test put in its place
   * (`const saved = sx.ex; sx.ex = other; … finally { sx.ex = saved }`). Read it through the
   * harness, never destructured: it changes.
   */
  ex: Exchange;
  /** null = real time (the default, restored before each test); a number freezes the exchange's clock. */
  setClock(ms: number | null): void;
  /**
   * One request to the exchange under test, signed at the exchange's clock. It reads `ex` when
   * called, so it follows a swapped exchange; safe to destructure.
   */
  call(path: string, o?: CallOptions): Promise<Answer>;
}

/**
 * Registers the file's hooks: start an exchange before all tests (with `options`, on the harness's
 * clock), close it after, and before each test `reset()` it and return to real time.
 */
export function useExchange(options: Omit<ExchangeOptions, 'now'> = {}): ExchangeHarness {
  let started: Exchange | undefined;
  let current: Exchange | undefined;
  let clock: number | null = null;
  const now = () => clock ?? Date.now();
  const under = (): Exchange => {
    if (!current) throw new Error('the exchange is not started yet: use it inside a test or hook');
    return current;
  };

  beforeAll(async () => {
    started = current = await startExchange({ ...options, now });
  });
  afterAll(async () => {
    await started?.close();
  });
  beforeEach(() => {
    under().reset();
    clock = null;
  });

  return {
    get ex() {
      return under();
    },
    set ex(exchange: Exchange) {
      current = exchange;
    },
    setClock(ms) {
      clock = ms;
    },
    call: (path, o = {}) => callExchange(under(), path, o, now),
  };
}

/** A 401 with Kalshi's authentication_error body for `reason`. */
export function expectAuthError(a: Answer, reason: string) {
  expect(a.status).toBe(401);
  expect(a.headers['content-type']).toMatch(/^application\/json/);
  expect(a.json).toEqual(authErrorBody(reason));
}

/** A 400 invalid_parameters with a message and details. */
export function expectInvalid(a: Answer) {
  expect(a.status).toBe(400);
  expect(a.json?.error?.code).toBe('invalid_parameters');
  expect(typeof a.json?.error?.message).toBe('string');
  expect(typeof a.json?.error?.details).toBe('string');
}
