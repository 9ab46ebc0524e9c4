/**
 * Retries that happen with the real defaults: a GET that times out is asked again, a 429 with
 * Kalshi's string body and no Retry-After is retried with backoff for a GET, and a POST is sent once,
 * except a create Kalshi refused with 409 (“not visible yet, retry”: nothing was made).
 * The clock is ours: each timed-out attempt moves it by the timeout the client asked for, each
 * backoff by its wait; nothing really waits and nothing is timed.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startExchange, type Exchange } from '../../exchange/server';
import { createKalshiClient, REQUEST_TIMEOUT_MS } from '../../lib/kalshi/client';
import { DEFAULT_RETRY_POLICY } from '../../lib/kalshi/retry';
import { importPrivateKey } from '../../lib/key-formats/crypto-keys';
import { parsePrivateKeyPem } from '../../lib/key-formats/pem';
import { AppError } from '../../lib/shared/errors';
import { exchangeFetch } from '../helpers/exchange-fetch';
import { freshSpki } from '../../exchange/client';

const P = '/trade-api/v2';
let clock = Date.now();
let exchange: Exchange;

beforeAll(async () => {
  // The exchange reads the same clock, so signatures stay fresh however far the test moves it.
  exchange = await startExchange({ port: 0, now: () => clock });
});
afterAll(() => exchange.close());
beforeEach(() => {
  exchange.reset();
  clock = Date.now();
});

/** A client with the real timeouts and retry policy; `timeOut(n)` makes the first n attempts time out. */
async function setup({ timeOut = 0, random = 0.999 } = {}) {
  const seeded = exchange.seedAccount('demo', { keyType: 'ed25519' });
  const parsed = parsePrivateKeyPem(seeded.privateKeyPem);
  const signingKey = { keyId: seeded.keyId, algorithm: parsed.algorithm, privateKey: await importPrivateKey(parsed) };
  const real = exchangeFetch(exchange);
  const log = { timeouts: [] as number[], attempts: [] as number[], sleeps: [] as number[] };
  const started = clock;
  const client = createKalshiClient({
    environment: 'demo',
    signingKey,
    now: () => clock,
    random: () => random,
    sleep: async (ms) => {
      log.sleeps.push(ms);
      clock += ms;
    },
    // Records the timeout the client asks for; the fetch below plays it out on our clock.
    timeoutSignal: (ms) => {
      log.timeouts.push(ms);
      return new AbortController().signal;
    },
    fetch: async (input, init) => {
      log.attempts.push(clock - started);
      if (log.attempts.length <= timeOut) {
        clock += log.timeouts.at(-1)!;
        throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
      }
      return real(input, init);
    },
  });
  return { client, log };
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'no error',
    (e: unknown) => (e instanceof AppError ? e.code : 'not an AppError'),
  );

describe('a timed-out GET is retried with the real defaults', () => {
  it('the defaults leave room: one full GET timeout plus the largest first backoff fits the budget; POSTs wait longer', () => {
    expect(REQUEST_TIMEOUT_MS.GET + DEFAULT_RETRY_POLICY.baseDelayMs).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.maxTotalMs);
    expect(REQUEST_TIMEOUT_MS.DELETE).toBe(REQUEST_TIMEOUT_MS.GET);
    expect(REQUEST_TIMEOUT_MS.POST).toBeGreaterThan(REQUEST_TIMEOUT_MS.GET);
  });

  it('times out once, then the list arrives', async () => {
    const { client, log } = await setup({ timeOut: 1 });
    expect(await client.listApiKeys()).toHaveLength(1);
    expect(log.timeouts).toEqual([REQUEST_TIMEOUT_MS.GET, REQUEST_TIMEOUT_MS.GET]);
    expect(log.attempts).toHaveLength(2);
    expect(exchange.requests.map((r) => [r.method, r.path, r.status])).toEqual([['GET', `${P}/api_keys`, 200]]);
  });

  it('times out every time: three attempts within the budget, then `timeout`', async () => {
    const { client, log } = await setup({ timeOut: 99 });
    expect(await codeOf(client.getPortfolioBalance())).toBe('timeout');
    expect(log.attempts).toHaveLength(DEFAULT_RETRY_POLICY.attempts);
    for (const start of log.attempts) expect(start).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.maxTotalMs);
    expect(exchange.requests).toEqual([]);
  });

  it('property: whatever the jitter, a GET that times out once is asked again and succeeds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), async (random) => {
        exchange.reset();
        const { client, log } = await setup({ timeOut: 1, random });
        await expect(client.getAccountLimits()).resolves.toMatchObject({ usage_tier: 'basic' });
        expect(log.attempts).toHaveLength(2);
      }),
      { numRuns: 25 },
    );
  });

  it('a DELETE that times out is asked again too (404 then means done)', async () => {
    const { client, log } = await setup({ timeOut: 1 });
    const spare = exchange.seedAccount('demo', { keyType: 'ed25519', name: 'spare' });
    await client.deleteApiKey(spare.keyId);
    expect(log.timeouts).toEqual([REQUEST_TIMEOUT_MS.DELETE, REQUEST_TIMEOUT_MS.DELETE]);
    expect(exchange.keys('demo').map((k) => k.name)).toEqual(['sandbox']);
  });

  it('a POST that times out is not sent again, and had the longer timeout', async () => {
    const { client, log } = await setup({ timeOut: 1 });
    expect(await codeOf(client.generateApiKey({ name: 'bot' }))).toBe('timeout');
    expect(log.timeouts).toEqual([REQUEST_TIMEOUT_MS.POST]);
    expect(log.attempts).toHaveLength(1);
    expect(log.sleeps).toEqual([]);
  });
});

describe('429 with Kalshi’s string body and no Retry-After', () => {
  it('a GET is retried with backoff and succeeds', async () => {
    const { client, log } = await setup({ random: 0.5 });
    exchange.failNext({ method: 'GET', path: `${P}/api_keys` }, { status: 429, times: 2 });
    expect(await client.listApiKeys()).toHaveLength(1);
    expect(exchange.requests.map((r) => r.status)).toEqual([429, 429, 200]);
    // Full jitter at 0.5 of the ceiling: base, then twice the base.
    expect(log.sleeps).toEqual([DEFAULT_RETRY_POLICY.baseDelayMs / 2, DEFAULT_RETRY_POLICY.baseDelayMs]);
  });

  it('a GET that stays over budget ends as rate_limited, with Kalshi’s words', async () => {
    const { client } = await setup();
    exchange.faultMode({ method: 'GET', path: `${P}/api_keys` }, { status: 429 });
    const error = await client.listApiKeys().catch((e: unknown) => e as AppError);
    expect(error).toMatchObject({ code: 'rate_limited', said: 'too many requests' });
    expect(exchange.requests).toHaveLength(DEFAULT_RETRY_POLICY.attempts);
  });

  it('a POST answered 429 is sent once', async () => {
    const { client, log } = await setup();
    exchange.failNext({ method: 'POST', path: `${P}/api_keys/generate` }, { status: 429 });
    expect(await codeOf(client.generateApiKey({ name: 'bot' }))).toBe('rate_limited');
    expect(exchange.requests.map((r) => [r.method, r.status])).toEqual([['POST', 429]]);
    expect(log.sleeps).toEqual([]);
    expect(exchange.keys('demo').map((k) => k.name)).toEqual(['sandbox']);
  });
});

describe('409 on a create: Kalshi’s “not visible yet, retry”', () => {
  it('generate: a 409, then the key is made once, within the budget', async () => {
    const { client, log } = await setup({ random: 0.5 });
    exchange.failNext({ method: 'POST', path: `${P}/api_keys/generate` }, { status: 409 });
    const made = await client.generateApiKey({ name: 'bot' });
    expect(exchange.requests.map((r) => [r.method, r.status])).toEqual([
      ['POST', 409],
      ['POST', 201],
    ]);
    expect(log.sleeps).toEqual([DEFAULT_RETRY_POLICY.baseDelayMs / 2]);
    expect(
      exchange
        .keys('demo')
        .filter((k) => k.name === 'bot')
        .map((k) => k.api_key_id),
    ).toEqual([made.api_key_id]);
  });

  it('create from a public key: 409 every time ends as `conflict` after the budget, nothing made', async () => {
    const { client, log } = await setup();
    exchange.setUsageTier('demo', 'premier');
    exchange.faultMode({ method: 'POST', path: `${P}/api_keys` }, { status: 409 });
    const error = await client.createApiKey({ name: 'laptop', public_key: freshSpki('ed25519').publicKeyPem }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'conflict' });
    expect(exchange.requests.map((r) => r.status)).toEqual(Array<number>(DEFAULT_RETRY_POLICY.attempts).fill(409));
    expect(log.sleeps).toHaveLength(DEFAULT_RETRY_POLICY.attempts - 1);
    expect(exchange.keys('demo').map((k) => k.name)).toEqual(['sandbox']);
  });

  it('a create from a public key that is seen on the second try is made once', async () => {
    const { client } = await setup();
    exchange.setUsageTier('demo', 'premier');
    exchange.failNext({ method: 'POST', path: `${P}/api_keys` }, { status: 409 });
    const made = await client.createApiKey({ name: 'laptop', public_key: freshSpki('ed25519').publicKeyPem });
    expect(exchange.requests.map((r) => r.status)).toEqual([409, 201]);
    expect(
      exchange
        .keys('demo')
        .filter((k) => k.name === 'laptop')
        .map((k) => k.api_key_id),
    ).toEqual([made.api_key_id]);
  });

  it('a 409 on another POST, and a 500 on a create, are still sent once', async () => {
    const { client, log } = await setup();
    exchange.failNext({ method: 'POST', path: `${P}/account/api_usage_level/upgrade` }, { status: 409 });
    expect(await codeOf(client.upgradeUsageLevel())).toBe('conflict');
    exchange.failNext({ method: 'POST', path: `${P}/api_keys/generate` }, { status: 500 });
    expect(await codeOf(client.generateApiKey({ name: 'bot' }))).toBe('exchange_error');
    expect(exchange.requests.map((r) => [r.path, r.status])).toEqual([
      [`${P}/account/api_usage_level/upgrade`, 409],
      [`${P}/api_keys/generate`, 500],
    ]);
    expect(log.sleeps).toEqual([]);
  });
});
