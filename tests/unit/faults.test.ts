/**
 * The key service against the local exchange with faults injected: retries, lost answers (the
 * exchange commits, then drops the connection), a stopped worker, and a wrong clock. Every case
 * ends with the exchange and this browser in agreement: nothing lost, nothing half-written.
 */
import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startExchange, type Exchange } from '../../exchange/server';
import { AppError, type ErrorCode } from '../../lib/shared/errors';
import { createKalshiClient } from '../../lib/kalshi/client';
import { createKeyService, type Handlers, type KeyServiceDeps } from '../../lib/key-manager/service';
import { openKeyStore, type KeyStore } from '../../lib/key-store';
import type { NewKeyOptions } from '../../lib/key-manager/minting';
import messages from '../../public/_locales/en/messages.json';
import { exchangeFetch } from '../helpers/exchange-fetch';

/** The English words the pages show for an error code. */
const wordsFor = (code: ErrorCode) => (messages as Record<string, { message: string }>)[`error_${code}`]!.message;

const P = '/trade-api/v2';
let exchange: Exchange;
let store: KeyStore;
let service: Handlers;
let sleeps: number[];
/** Our clock, as the service sees it: the real one, shifted. */
let shift = 0;
let db = 0;

/** A service as the background makes it, but with a clock and a sleep the test controls. */
function makeService(overrides: Partial<KeyServiceDeps> = {}): Handlers {
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

async function codeOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}
async function expectCode(promise: Promise<unknown>, code: ErrorCode) {
  const error = await codeOf(promise);
  expect(error.code).toBe(code);
  return error;
}

function newKey(name: string, overrides: Partial<NewKeyOptions> = {}) {
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

async function signedIn(tier: 'premier' | 'basic' = 'premier') {
  const seeded = exchange.seedAccount('demo', { name: 'sandbox', usageTier: tier });
  await service.importKey({ environment: 'demo', keyId: seeded.keyId, pem: seeded.privateKeyPem });
  exchange.requests.length = 0;
  return seeded;
}

/**
 * A fetch that lets the creating POST through (to meet its fault), then makes every later
 * GET /api_keys fail: Kalshi out of reach right after the answer was lost.
 */
function outOfReachAfterPost(): typeof fetch {
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
async function local() {
  return {
    held: (await store.listKeys('demo')).map((k) => k.keyId).sort(),
    pending: (await store.listPending('demo')).records,
  };
}
const onExchange = () =>
  exchange
    .keys('demo')
    .map((k) => k.api_key_id)
    .sort();
const count = (method: string, path: string) => exchange.requests.filter((r) => r.method === method && r.path === path).length;

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
    await signedIn();
    const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 3_000);
    exchange.failNext({ method: 'GET', path: `${P}/api_keys` }, { status: 429, headers: { 'retry-after': at.toUTCString() } });
    await service.listApiKeys({ environment: 'demo' });
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(1_500);
    expect(sleeps[0]).toBeLessThanOrEqual(4_000);
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
    service = makeService({ timeoutMs: 400 });
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

describe('lost answers to creates', () => {
  it('a pair made here: the exchange commits, then drops the connection; the key is proved ours and kept at once', async () => {
    const seeded = await signedIn();
    exchange.failNext({ method: 'POST', path: `${P}/api_keys` }, { reset: 'after' });
    const created = await service.createApiKey(newKey('laptop'));
    expect(created.held).toBe(true);
    expect(onExchange()).toEqual([seeded.keyId, created.keyId].sort());
    expect(await local()).toEqual({ held: [seeded.keyId, created.keyId].sort(), pending: [] });
    // The proof was a request signed with the new key, and Kalshi accepted it.
    expect(exchange.requests).toContainEqual(expect.objectContaining({ keyId: created.keyId, status: 200 }));
    expect(count('POST', `${P}/api_keys`)).toBe(1);
  });

  it('…and when Kalshi stays out of reach, the create says so, and the next list adopts the key', async () => {
    const seeded = await signedIn();
    exchange.failNext({ method: 'POST', path: `${P}/api_keys` }, { reset: 'after' });
    service = makeService({ fetch: outOfReachAfterPost() });
    const error = await expectCode(service.createApiKey(newKey('laptop')), 'outcome_unknown');
    expect(error.detail).toContain('POST /api_keys for “laptop”');
    // Not yet: but the pending record holds the private half, non-extractable.
    const before = await local();
    expect(before.held).toEqual([seeded.keyId]);
    expect(before.pending).toHaveLength(1);
    const pending = before.pending[0]!;
    expect(pending.operation === 'create' && pending.privateKey?.extractable).toBe(false);
    const made = onExchange().find((id) => id !== seeded.keyId)!;
    expect(made).toBeDefined();

    exchange.faultMode({ method: 'GET', path: `${P}/api_keys` }, null);
    const list = await service.listApiKeys({ environment: 'demo' });
    expect(list.recovery).toEqual({ adopted: [made], confirmedDeleted: [], unresolved: 0, unreadable: [] });
    expect(list.keys.find((k) => k.keyId === made)).toMatchObject({ name: 'laptop', held: true, signing: false });
    expect(await local()).toEqual({ held: [seeded.keyId, made].sort(), pending: [] });
    // The adopted key signs requests Kalshi accepts.
    await expect(service.testKey({ environment: 'demo', keyId: made })).resolves.toMatchObject({ balanceCents: 100_000 });
    // And the next list has nothing left to tell.
    expect((await service.listApiKeys({ environment: 'demo' })).recovery).toBeUndefined();
  });

  it('a request that never reached Kalshi: unknown at first, dropped once the grace period is over; nothing made', async () => {
    const seeded = await signedIn();
    exchange.failNext({ method: 'POST', path: `${P}/api_keys` }, { reset: 'before' });
    await expectCode(service.createApiKey(newKey('laptop')), 'outcome_unknown');
    expect((await local()).pending).toHaveLength(1);
    expect((await service.listApiKeys({ environment: 'demo' })).recovery).toMatchObject({ unresolved: 1 });
    service = makeService({ graceMs: 0 }); // a minute later
    expect((await service.listApiKeys({ environment: 'demo' })).recovery).toBeUndefined();
    expect(await local()).toEqual({ held: [seeded.keyId], pending: [] });
    expect(onExchange()).toEqual([seeded.keyId]);
  });

  it('a timeout after the exchange committed: recovered the same way', async () => {
    const seeded = await signedIn();
    exchange.failNext({ method: 'POST', path: `${P}/api_keys` }, { delayAfterMs: 2_500 });
    service = makeService({ timeoutMs: 500 });
    const created = await service.createApiKey(newKey('slow'));
    expect(created.held).toBe(true);
    expect(await local()).toEqual({ held: [seeded.keyId, created.keyId].sort(), pending: [] });
  });

  it('an answer that does not parse after a commit: recovered too', async () => {
    const seeded = await signedIn();
    // The exchange acts, then its answer's body is not JSON.
    exchange.failNext({ method: 'POST', path: `${P}/api_keys` }, { garble: true });
    const created = await service.createApiKey(newKey('garbled'));
    expect(await local()).toEqual({ held: [seeded.keyId, created.keyId].sort(), pending: [] });
  });

  it.each([
    ['made by Kalshi, kept here', { source: 'kalshi' as const }],
    ['made by Kalshi, for a bot', { source: 'kalshi' as const, destination: 'download' as const }],
    ['made here, for a bot', { destination: 'download' as const }],
  ])('%s: the private key is gone with the answer; key_lost, and the list flags the key until it is deleted', async (_, o) => {
    const seeded = await signedIn();
    const path = 'source' in o ? `${P}/api_keys/generate` : `${P}/api_keys`;
    exchange.failNext({ method: 'POST', path }, { reset: 'after' });
    const error = await expectCode(service.createApiKey(newKey('bot', o)), 'key_lost');
    const orphan = onExchange().find((id) => id !== seeded.keyId)!;
    expect(error.detail).toContain(`Kalshi lists it as ${orphan}.`);
    expect(wordsFor(error.code)).toContain('the only copy of the private key, was lost');

    const list = await service.listApiKeys({ environment: 'demo' });
    expect(list.keys.find((k) => k.keyId === orphan)).toMatchObject({ held: false, orphaned: true, name: 'bot' });
    expect(list.keys.find((k) => k.keyId === seeded.keyId)?.orphaned).toBeUndefined();
    // Still flagged on the next list, not held, and nothing of its private key is anywhere here.
    expect((await service.listApiKeys({ environment: 'demo' })).keys.find((k) => k.keyId === orphan)?.orphaned).toBe(true);
    expect((await local()).held).toEqual([seeded.keyId]);

    await service.deleteApiKey({ environment: 'demo', keyId: orphan, confirmLockout: false });
    const after = await service.listApiKeys({ environment: 'demo' });
    expect(after.keys.map((k) => k.keyId)).toEqual([seeded.keyId]);
    expect(await local()).toEqual({ held: [seeded.keyId], pending: [] });
  });

  it('a generated key whose answer is lost while Kalshi stays unreachable is flagged by the next list', async () => {
    const seeded = await signedIn('basic');
    exchange.failNext({ method: 'POST', path: `${P}/api_keys/generate` }, { reset: 'after' });
    service = makeService({ fetch: outOfReachAfterPost() });
    const error = await expectCode(service.createApiKey(newKey('bot', { source: 'kalshi' })), 'key_lost');
    expect(error.detail).not.toContain('Kalshi lists it');
    exchange.faultMode({ method: 'GET', path: `${P}/api_keys` }, null);
    const orphan = onExchange().find((id) => id !== seeded.keyId)!;
    const list = await makeService().listApiKeys({ environment: 'demo' });
    expect(list.keys.find((k) => k.keyId === orphan)).toMatchObject({ orphaned: true, held: false });
  });

  it('a private key from Kalshi that cannot be read: key_lost, the key flagged', async () => {
    const seeded = await signedIn('basic');
    exchange.failNext(
      { method: 'POST', path: `${P}/api_keys/generate` },
      { status: 201, body: { api_key_id: '11111111-1111-4111-8111-111111111111', private_key: 'garbage', key_type: 'rsa' } },
    );
    const error = await expectCode(service.createApiKey(newKey('bot', { source: 'kalshi' })), 'key_lost');
    expect(error.detail).toContain('11111111-1111-4111-8111-111111111111');
    expect(await local()).toMatchObject({ held: [seeded.keyId] });
  });

  it.each([
    [400, 'bad_request'],
    [403, 'forbidden'],
    [409, 'conflict'],
  ] as const)('a create refused with %i leaves no pending record', async (status, code) => {
    await signedIn();
    exchange.failNext({ method: 'POST', path: `${P}/api_keys` }, { status });
    await expectCode(service.createApiKey(newKey('no')), code);
    expect((await local()).pending).toEqual([]);
  });

  it('a stopped worker: a second worker (same store) adopts the key the first one never heard back about', async () => {
    const seeded = await signedIn();
    exchange.failNext({ method: 'POST', path: `${P}/api_keys` }, { delayAfterMs: 4_000 });
    const first = makeService({ timeoutMs: 10_000 });
    const cutOff = first.createApiKey(newKey('laptop')).catch((e: unknown) => e);
    while (exchange.keys('demo').length < 2) await new Promise((r) => setTimeout(r, 20));
    const made = onExchange().find((id) => id !== seeded.keyId)!;

    // The first worker is still waiting: its record is in flight there, but a new worker does not know that.
    const second = makeService();
    const list = await second.listApiKeys({ environment: 'demo' });
    expect(list.recovery?.adopted).toEqual([made]);
    expect(await local()).toEqual({ held: [seeded.keyId, made].sort(), pending: [] });
    // When the first worker finally hears back, it stores the same key again: still one copy, nothing pending.
    await cutOff;
    expect(await local()).toEqual({ held: [seeded.keyId, made].sort(), pending: [] });
  });
});

describe('echoes: a request the browser resent on its own', () => {
  /** As Chromium does for a POST whose reused connection died before any answer: sent again, silently. */
  function resendingFetch(): typeof fetch {
    const f = exchangeFetch(exchange);
    return async (input, init) => {
      if (init?.method === 'POST') await f(input, init); // the first answer never reaches the page
      return f(input, init);
    };
  }

  it('a pair made here, made twice on Kalshi: the next list proves the echo and keeps it too', async () => {
    const seeded = await signedIn();
    service = makeService({ fetch: resendingFetch() });
    const created = await service.createApiKey(newKey('laptop'));
    const laptops = exchange
      .keys('demo')
      .filter((k) => k.name === 'laptop')
      .map((k) => k.api_key_id);
    expect(laptops).toHaveLength(2);
    const echo = laptops.find((id) => id !== created.keyId)!;
    const list = await makeService().listApiKeys({ environment: 'demo' });
    expect(list.recovery).toEqual({ adopted: [echo], confirmedDeleted: [], unresolved: 0, unreadable: [] });
    expect(list.keys.filter((k) => k.name === 'laptop').map((k) => k.held)).toEqual([true, true]);
    expect(await local()).toEqual({ held: [seeded.keyId, ...laptops].sort(), pending: [] });
  });

  it('a key made by Kalshi, made twice: the echo is left as a key not held here, never flagged (it could be a namesake)', async () => {
    const seeded = await signedIn();
    service = makeService({ fetch: resendingFetch() });
    const created = await service.createApiKey(newKey('laptop', { source: 'kalshi' }));
    expect((await local()).pending).toEqual([]); // nothing to prove an echo with: no record kept
    const echo = onExchange().find((id) => id !== seeded.keyId && id !== created.keyId)!;
    const list = await makeService().listApiKeys({ environment: 'demo' });
    expect(list.keys.find((k) => k.keyId === echo)).toMatchObject({ held: false });
    expect(list.keys.find((k) => k.keyId === echo)?.orphaned).toBeUndefined();
    expect(list.keys.find((k) => k.keyId === created.keyId)).toMatchObject({ held: true });
  });

  it('a namesake made elsewhere before the next list is not taken for an echo of a pair made here', async () => {
    const seeded = await signedIn();
    const first = await service.createApiKey(newKey('bot'));
    const namesake = exchange.seedAccount('demo', { name: 'bot' }).keyId;
    const list = await service.listApiKeys({ environment: 'demo' });
    expect(list.recovery).toBeUndefined(); // proved not ours (401), so not adopted
    expect(list.keys.find((k) => k.keyId === namesake)).toMatchObject({ held: false });
    expect(list.keys.find((k) => k.keyId === namesake)?.orphaned).toBeUndefined();
    expect(await local()).toEqual({ held: [seeded.keyId, first.keyId].sort(), pending: [] });
  });
});

describe('an answer cut off in the middle', () => {
  it('a pair made here: Kalshi committed and its answer broke off: recovered at once', async () => {
    const seeded = await signedIn();
    exchange.failNext({ method: 'POST', path: `${P}/api_keys` }, { reset: 'mid-answer' });
    const created = await service.createApiKey(newKey('laptop'));
    expect(created.held).toBe(true);
    expect(await local()).toEqual({ held: [seeded.keyId, created.keyId].sort(), pending: [] });
  });

  it('a key made by Kalshi: half its private key arrived, which is none of it: key_lost, flagged', async () => {
    const seeded = await signedIn();
    exchange.failNext({ method: 'POST', path: `${P}/api_keys/generate` }, { reset: 'mid-answer' });
    await expectCode(service.createApiKey(newKey('laptop', { source: 'kalshi' })), 'key_lost');
    const orphan = onExchange().find((id) => id !== seeded.keyId)!;
    expect((await service.listApiKeys({ environment: 'demo' })).keys.find((k) => k.keyId === orphan)?.orphaned).toBe(true);
    expect((await local()).held).toEqual([seeded.keyId]);
  });

  it('a delete whose 204 broke off: confirmed by the retry (404)', async () => {
    const seeded = await signedIn();
    const spare = await service.createApiKey(newKey('spare'));
    exchange.failNext({ method: 'DELETE', path: `${P}/api_keys/${spare.keyId}` }, { reset: 'mid-answer' });
    await service.deleteApiKey({ environment: 'demo', keyId: spare.keyId, confirmLockout: false });
    expect(onExchange()).toEqual([seeded.keyId]);
    await service.listApiKeys({ environment: 'demo' });
    expect(await local()).toEqual({ held: [seeded.keyId], pending: [] });
  });
});

describe('lost answers to deletes', () => {
  it('the exchange deletes, then drops the connection: the retry meets 404, which means done', async () => {
    const seeded = await signedIn();
    const spare = await service.createApiKey(newKey('spare'));
    // Until the next list, the create's record waits to look for echoes of its request.
    expect((await local()).pending).toMatchObject([{ operation: 'create', resultKeyId: spare.keyId }]);
    expect((await service.listApiKeys({ environment: 'demo' })).recovery).toBeUndefined();
    expect((await local()).pending).toEqual([]);
    exchange.failNext({ method: 'DELETE', path: `${P}/api_keys/${spare.keyId}` }, { reset: 'after' });
    await expect(service.deleteApiKey({ environment: 'demo', keyId: spare.keyId, confirmLockout: false })).resolves.toEqual({
      deletedKeyId: spare.keyId,
    });
    expect(exchange.requests.filter((r) => r.method === 'DELETE').map((r) => r.status)).toEqual([0, 404]);
    expect(onExchange()).toEqual([seeded.keyId]);
    expect(await local()).toEqual({ held: [seeded.keyId], pending: [] });
  });

  it('every answer lost and Kalshi out of reach: outcome_unknown; the next list confirms and tidies up', async () => {
    const seeded = await signedIn();
    const spare = await service.createApiKey(newKey('spare'));
    exchange.faultMode({ method: 'DELETE', path: `${P}/api_keys/*` }, { reset: 'after' });
    service = makeService({ fetch: outOfReachAfterPost() });
    const error = await expectCode(
      service.deleteApiKey({ environment: 'demo', keyId: spare.keyId, confirmLockout: false }),
      'outcome_unknown',
    );
    expect(error.detail).toContain(`DELETE /api_keys/${spare.keyId}`);
    expect((await local()).held).toContain(spare.keyId); // not forgotten before Kalshi confirms

    exchange.faultMode({ method: 'GET', path: `${P}/api_keys` }, null);
    const list = await service.listApiKeys({ environment: 'demo' });
    expect(list.recovery).toMatchObject({ confirmedDeleted: [spare.keyId] });
    expect(await local()).toEqual({ held: [seeded.keyId], pending: [] });
  });

  it('the only key, deleted with consent, answer lost: the next list sees it refused and lets it go', async () => {
    const seeded = await signedIn();
    exchange.faultMode({ method: 'DELETE', path: `${P}/api_keys/*` }, { reset: 'after' });
    service = makeService({ fetch: outOfReachAfterPost() });
    await expectCode(service.deleteApiKey({ environment: 'demo', keyId: seeded.keyId, confirmLockout: true }), 'outcome_unknown');
    exchange.faultMode({ method: 'GET', path: `${P}/api_keys` }, null);
    service = makeService();
    await expectCode(service.listApiKeys({ environment: 'demo' }), 'no_signing_key');
    expect(await local()).toEqual({ held: [], pending: [] });
    expect(onExchange()).toEqual([]);
  });

  it('a delete that did not happen (still listed) leaves the key held and drops the record after the grace period', async () => {
    const seeded = await signedIn();
    const spare = await service.createApiKey(newKey('spare'));
    exchange.faultMode({ method: 'DELETE', path: `${P}/api_keys/*` }, { reset: 'before' });
    service = makeService({ fetch: outOfReachAfterPost() });
    await expectCode(service.deleteApiKey({ environment: 'demo', keyId: spare.keyId, confirmLockout: false }), 'outcome_unknown');
    exchange.faultMode({ method: 'GET', path: `${P}/api_keys` }, null);
    exchange.faultMode({ method: 'DELETE', path: `${P}/api_keys/*` }, null);
    expect((await makeService().listApiKeys({ environment: 'demo' })).recovery).toMatchObject({ unresolved: 1 });
    service = makeService({ graceMs: 0 }); // a minute later
    const list = await service.listApiKeys({ environment: 'demo' });
    expect(list.keys.find((k) => k.keyId === spare.keyId)?.held).toBe(true);
    expect(await local()).toEqual({ held: [seeded.keyId, spare.keyId].sort(), pending: [] });
  });
});

describe('a wrong clock', () => {
  it.each([
    // The Date header has whole seconds: a second either way.
    [60_000, /This computer’s clock is (59|60|61) seconds behind Kalshi’s/],
    [-120_000, /This computer’s clock is (119|120|121) seconds ahead of Kalshi’s/],
  ])('exchange clock moved %i ms: clock_skew, saying by how much', async (offset, words) => {
    const seeded = await signedIn();
    exchange.setClockOffset(offset);
    const error = await expectCode(service.listApiKeys({ environment: 'demo' }), 'clock_skew');
    expect(error.detail).toMatch(words);
    expect(error.detail).toContain('external-api.demo.kalshi.co');
    expect(wordsFor(error.code)).toContain('clock is wrong');
    // Import with a wrong clock: the same words, and nothing stored.
    const fresh = await openKeyStore(`faults-clock-${db}`);
    const other = createKeyService({ store: fresh, fetch: exchangeFetch(exchange), sleep: async () => {} });
    await expectCode(other.importKey({ environment: 'demo', keyId: seeded.keyId, pem: seeded.privateKeyPem }), 'clock_skew');
    expect(await fresh.listKeys('demo')).toEqual([]);
    fresh.close();
  });

  it('our own clock off by 2 minutes: the same, from the other side', async () => {
    await signedIn();
    shift = 120_000;
    const error = await expectCode(service.listApiKeys({ environment: 'demo' }), 'clock_skew');
    expect(error.detail).toMatch(/This computer’s clock is (119|120|121) seconds ahead of Kalshi’s/);
  });

  it('a 401 with the clocks within 5 s is an ordinary 401', async () => {
    const seeded = await signedIn();
    const strict = await startExchange({ port: 0, maxSkewMs: 500, clockOffsetMs: 3_000 });
    try {
      strict.seedAccount('demo');
      const client = createKalshiClient({
        environment: 'demo',
        signingKey: (await store.getKey('demo', seeded.keyId))!,
        fetch: exchangeFetch(strict),
        sleep: async () => {},
      });
      await expectCode(client.listApiKeys(), 'unauthorized');
    } finally {
      await strict.close();
    }
  });
});
