/**
 * A 401 that blames the clock: Kalshi's `header_timestamp_expired` (recorded by users, in any of the
 * three error shapes) becomes clock_skew, saying by how much from the answer's Date header against
 * the request's timestamp, or without a figure when there is no Date. Real signing, real HTTPS;
 * the exchange's clock is moved, never waited for.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startExchange, type Exchange } from '../../exchange/server';
import { createKalshiClient, formatDuration } from '../../lib/kalshi/client';
import { importPrivateKey } from '../../lib/key-formats/crypto-keys';
import { parsePrivateKeyPem } from '../../lib/key-formats/pem';
import { AppError } from '../../lib/shared/errors';
import { english } from '../helpers/english';
import { exchangeFetch } from '../helpers/exchange-fetch';

const P = '/trade-api/v2';
const HOST = 'external-api.demo.kalshi.co';
/** A whole second, so the Date header (whole seconds) says the exchange's clock exactly. */
const T0 = 1_800_000_000_000;
let exchange: Exchange;
let clock = T0;

beforeAll(async () => {
  exchange = await startExchange({ port: 0, now: () => clock });
});
afterAll(() => exchange.close());
beforeEach(() => {
  exchange.reset();
  clock = T0;
});

async function client() {
  const seeded = exchange.seedAccount('demo', { keyType: 'ed25519' });
  const parsed = parsePrivateKeyPem(seeded.privateKeyPem);
  return createKalshiClient({
    environment: 'demo',
    signingKey: { keyId: seeded.keyId, algorithm: parsed.algorithm, privateKey: await importPrivateKey(parsed) },
    fetch: exchangeFetch(exchange),
    now: () => clock,
    sleep: async () => {},
  });
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('header_timestamp_expired from the exchange', () => {
  it.each([
    [125_000, 'Your clock is about 2 min 5 s behind Kalshi’s'],
    [-45_000, 'Your clock is about 45 s ahead of Kalshi’s'],
    [3 * 3_600_000 + 60_000, 'Your clock is about 3 h 1 min behind Kalshi’s'],
  ])('Kalshi’s clock %i ms from ours: clock_skew, “%s”', async (offset, words) => {
    const c = await client();
    exchange.setClockOffset(offset);
    const error = await failure(c.listApiKeys());
    expect(error.code).toBe('clock_skew');
    expect(error.detail).toBe(`${words} (${HOST}).`);
    const [last] = exchange.requests.slice(-1);
    expect(last).toMatchObject({ path: `${P}/api_keys`, status: 401 });
    expect(english('error_clock_skew')).toContain('clock may be wrong');
  });

  it('the figure compares the Date with the time the request was signed, not with when a slow answer arrived', async () => {
    const seeded = exchange.seedAccount('demo', { keyType: 'ed25519' });
    const parsed = parsePrivateKeyPem(seeded.privateKeyPem);
    const real = exchangeFetch(exchange);
    const c = createKalshiClient({
      environment: 'demo',
      signingKey: { keyId: seeded.keyId, algorithm: parsed.algorithm, privateKey: await importPrivateKey(parsed) },
      // The answer takes 20 s to come back (on our clock; nothing waits).
      fetch: async (input, init) => {
        const response = await real(input, init);
        clock += 20_000;
        return response;
      },
      now: () => clock,
    });
    exchange.setClockOffset(90_000);
    const error = await failure(c.listApiKeys());
    expect(error.detail).toBe(`Your clock is about 1 min 30 s behind Kalshi’s (${HOST}).`);
  });

  it('within the 5 s the Date alone would forgive: still the clock, since Kalshi says the time was the trouble', async () => {
    const strict = await startExchange({ port: 0, now: () => clock + 3_000, maxSkewMs: 1_000 });
    try {
      const seeded = strict.seedAccount('demo', { keyType: 'ed25519' });
      const parsed = parsePrivateKeyPem(seeded.privateKeyPem);
      const c = createKalshiClient({
        environment: 'demo',
        signingKey: { keyId: seeded.keyId, algorithm: parsed.algorithm, privateKey: await importPrivateKey(parsed) },
        fetch: exchangeFetch(strict),
        now: () => clock,
      });
      const error = await failure(c.getPortfolioBalance());
      expect([error.code, error.detail]).toEqual(['clock_skew', `Your clock is about 3 s behind Kalshi’s (${HOST}).`]);
    } finally {
      await strict.close();
    }
  });
});

describe('the code in each of the three shapes, the Date header present or not', () => {
  // Within the 5 s the Date alone would forgive: only the code blames the clock.
  const later = new Date(T0 + 3_000).toUTCString();
  it.each([
    ['wrapped, as the real exchange sends it', { error: { code: 'header_timestamp_expired', message: 'header_timestamp_expired' } }],
    ['the spec’s unwrapped shape', { code: 'header_timestamp_expired', message: 'timestamp expired', details: 'x' }],
    ['a bare string', { error: 'header_timestamp_expired' }],
  ])('%s: clock_skew with the figure from the Date', async (_shape, body) => {
    const c = await client();
    exchange.failNext({ method: 'GET', path: `${P}/api_keys` }, { status: 401, body, headers: { date: later } });
    const error = await failure(c.listApiKeys());
    expect([error.code, error.detail]).toEqual(['clock_skew', `Your clock is about 3 s behind Kalshi’s (${HOST}).`]);
  });

  it('no Date header: the clock may be wrong, with no figure', async () => {
    const c = await client();
    const body = { error: { code: 'header_timestamp_expired', message: 'header_timestamp_expired' } };
    exchange.failNext({ method: 'GET', path: `${P}/api_keys` }, { status: 401, body, omitDate: true });
    const error = await failure(c.listApiKeys());
    expect(error.code).toBe('clock_skew');
    expect(error.detail).toBe(`Kalshi (${HOST}) found the request’s time out of date, and did not say what time it has.`);
    expect(error.detail).not.toMatch(/\d/);
  });

  it('another 401 code with the clocks together is an ordinary 401; the Date alone still blames a clock 2 min off', async () => {
    const c = await client();
    const body = { error: { code: 'authentication_error', message: 'authentication_error', details: 'INCORRECT_API_KEY_SIGNATURE' } };
    exchange.failNext({ method: 'GET', path: `${P}/api_keys` }, { status: 401, body });
    expect((await failure(c.listApiKeys())).code).toBe('unauthorized');
    exchange.failNext(
      { method: 'GET', path: `${P}/api_keys` },
      { status: 401, body, headers: { date: new Date(T0 - 120_000).toUTCString() } },
    );
    const error = await failure(c.listApiKeys());
    expect([error.code, error.detail]).toEqual(['clock_skew', `Your clock is about 2 min 0 s ahead of Kalshi’s (${HOST}).`]);
  });

  it('the same code on another status says nothing of the clock', async () => {
    const c = await client();
    exchange.failNext({ method: 'GET', path: `${P}/api_keys` }, { status: 400, body: { code: 'header_timestamp_expired', message: 'm' } });
    expect((await failure(c.listApiKeys())).code).toBe('bad_request');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [400, '0 s'],
    [59_600, '1 min 0 s'],
    [125_000, '2 min 5 s'],
    [3_600_000, '1 h 0 min'],
    [2 * 86_400_000 + 5 * 3_600_000 + 59_000, '2 d 5 h'],
  ])('%i ms: %s', (ms, words) => {
    expect(formatDuration(ms)).toBe(words);
  });
});
