/**
 * Retries of idempotent requests against the local exchange with faults injected: a GET answered
 * 5xx or 429, late or reset, is asked again (within the caps); a create is never sent twice.
 */
import { describe, expect, it } from 'vitest';
import {
  wordsFor,
  P,
  exchange,
  service,
  sleeps,
  setService,
  makeService,
  expectCode,
  newKey,
  signedIn,
  local,
  onExchange,
  count,
  useFaultsHarness,
} from '../helpers/faults-fixtures';

useFaultsHarness();

describe('retries of idempotent requests', () => {
  it.each([500, 502, 503, 504])('a GET answered %i twice succeeds on the third attempt, each attempt signed afresh', async (status) => {
    await signedIn();
    exchange.failNext({ method: 'GET', path: `${P}/api_keys` }, { status, times: 2 });
    const { keys } = await service.listApiKeys({ environment: 'demo' });
    expect(keys).toHaveLength(1);
    expect(count('GET', `${P}/api_keys`)).toBe(3);
    expect(sleeps).toEqual([150, 300]); // full jitter at 0.5: half of 300, then of 600
    expect(new Set(exchange.signatures).size).toBe(exchange.signatures.length);
  });

  it('a 429 with Retry-After in seconds waits exactly that long', async () => {
    await signedIn();
    exchange.failNext({ method: 'GET', path: `${P}/api_keys` }, { status: 429, headers: { 'retry-after': '2' } });
    await service.listApiKeys({ environment: 'demo' });
    expect(sleeps).toEqual([2_000]);
  });

  it('a 429 with Retry-After as an HTTP date waits until then', async () => {
    // Our clock stands still on a whole second, so the wait is exact however long the test takes.
    const now = Math.ceil(Date.now() / 1000) * 1000;
    setService(makeService({ now: () => now }));
    await signedIn();
    const at = new Date(now + 3_000);
    exchange.failNext({ method: 'GET', path: `${P}/api_keys` }, { status: 429, headers: { 'retry-after': at.toUTCString() } });
    await service.listApiKeys({ environment: 'demo' });
    expect(sleeps).toEqual([3_000]);
  });

  it('a 429 asking for longer than the cap is not waited for: rate_limited, in words', async () => {
    await signedIn();
    exchange.failNext({ method: 'GET', path: `${P}/api_keys` }, { status: 429, headers: { 'retry-after': '120' } });
    const error = await expectCode(service.listApiKeys({ environment: 'demo' }), 'rate_limited');
    expect(wordsFor(error.code)).toBe('Too many requests to Kalshi right now (429).');
    expect(sleeps).toEqual([]);
    expect(count('GET', `${P}/api_keys`)).toBe(1);
  });

  it.each([
    [429, 'rate_limited'],
    [500, 'exchange_error'],
    [503, 'exchange_error'],
  ] as const)('a %i that outlasts the retries keeps its plain-words error (%s)', async (status, code) => {
    await signedIn();
    exchange.faultMode({ method: 'GET', path: `${P}/api_keys` }, { status });
    await expectCode(service.listApiKeys({ environment: 'demo' }), code);
    expect(count('GET', `${P}/api_keys`)).toBe(3);
  });

  it('a GET whose answer is later than the timeout is asked again', async () => {
    await signedIn();
    exchange.failNext({ method: 'GET', path: `${P}/api_keys` }, { delayMs: 2_500 });
    setService(makeService({ timeoutMs: 400 }));
    const { keys } = await service.listApiKeys({ environment: 'demo' });
    expect(keys).toHaveLength(1);
  });

  it('a GET whose connection is reset is asked again', async () => {
    await signedIn();
    exchange.failNext({ method: 'GET', path: `${P}/api_keys` }, { reset: 'before' });
    expect((await service.listApiKeys({ environment: 'demo' })).keys).toHaveLength(1);
    expect(exchange.requests.map((r) => r.status)).toEqual([0, 200]);
  });

  it.each([
    ['POST /api_keys', { source: 'local' as const }, `${P}/api_keys`],
    ['POST /api_keys/generate', { source: 'kalshi' as const }, `${P}/api_keys/generate`],
  ])('%s is never retried: a 503 is sent once, and nothing is made', async (_, o, path) => {
    await signedIn();
    exchange.failNext({ method: 'POST', path }, { status: 503 });
    await expectCode(service.createApiKey(newKey('once', o)), 'exchange_error');
    expect(count('POST', path)).toBe(1);
    expect(onExchange()).toHaveLength(1);
  });

  it('a 429 on a create is sent once and leaves nothing behind', async () => {
    await signedIn();
    exchange.failNext({ method: 'POST', path: `${P}/api_keys` }, { status: 429, headers: { 'retry-after': '1' } });
    await expectCode(service.createApiKey(newKey('once')), 'rate_limited');
    expect(count('POST', `${P}/api_keys`)).toBe(1);
    expect((await local()).pending).toEqual([]);
  });
});
