/**
 * The sandbox exchange: injected faults (failNext, fault modes, dropped and garbled answers),
 * the clock, and 429s shaped as Kalshi sends them.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { startExchange } from '../../exchange/server';
import { expectAuthError, useExchange } from '../helpers/exchange-harness';

const PREFIX = '/trade-api/v2';

const sx = useExchange();
const { call, setClock } = sx;

/** The exchange's fault delays on a clock the test moves (network and sockets stay real), so no test waits on, or measures, time. */
async function withFakeDelays(body: () => Promise<void>): Promise<void> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  try {
    await body();
  } finally {
    vi.useRealTimers();
  }
}

/** Lets sockets and promises run (setImmediate is real) until `done()`; the test's own timeout ends a wait that never does. */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((r) => setImmediate(r));
}

describe('failNext', () => {
  it('answers the next matching request with the fault, once', async () => {
    const key = sx.ex.seedAccount('demo');
    sx.ex.failNext({ method: 'GET', path: `${PREFIX}/api_keys` }, { status: 500 });
    // A different route is not affected.
    expect((await call('/portfolio/balance', { key })).status).toBe(200);
    const a = await call('/api_keys?x=1', { key });
    expect(a.status).toBe(500);
    expect(a.json).toEqual({ error: { code: 'internal_server_error', message: 'internal server error', details: 'injected fault' } });
    expect((await call('/api_keys', { key })).status).toBe(200);
    expect(sx.ex.requests.map((r) => r.status)).toEqual([200, 500, 200]);
  });

  it('can send any body and headers, e.g. a 429 or a non-JSON proxy page', async () => {
    const key = sx.ex.seedAccount('demo');
    sx.ex.failNext(
      { method: 'post', path: `${PREFIX}/api_keys/generate` },
      {
        status: 429,
        headers: { 'retry-after': '2' },
      },
    );
    sx.ex.failNext({ method: 'DELETE', path: `${PREFIX}/api_keys/${key.keyId}` }, { status: 502, body: '<html>Bad gateway</html>' });
    const a = await call('/api_keys/generate', { method: 'POST', key, body: { name: 'x' } });
    expect(a.status).toBe(429);
    expect(a.headers['retry-after']).toBe('2'); // only because the fault asked for it: Kalshi sends none
    expect(a.json).toEqual({ error: 'too many requests' });
    const b = await call(`/api_keys/${key.keyId}`, { method: 'DELETE', key });
    expect(b.status).toBe(502);
    expect(b.text).toBe('<html>Bad gateway</html>');
    expect(sx.ex.keys('demo')).toHaveLength(1); // the faulted DELETE did nothing
  });

  it('delays the real answer when given only delayMs', () =>
    withFakeDelays(async () => {
      const key = sx.ex.seedAccount('demo');
      sx.ex.failNext({ method: 'GET', path: `${PREFIX}/api_keys` }, { delayMs: 300 });
      let answered = false;
      const answer = call('/api_keys', { key }).finally(() => (answered = true));
      await until(() => vi.getTimerCount() > 0 || answered);
      // Arrived, and held on the fault's timer: 1 ms short of 300 it is still held, at 300 it is answered.
      vi.advanceTimersByTime(299);
      expect(vi.getTimerCount()).toBe(1);
      expect(sx.ex.requests).toEqual([]);
      expect(answered).toBe(false);
      vi.advanceTimersByTime(1);
      const a = await answer;
      expect(a.status).toBe(200);
      expect(a.json.api_keys).toHaveLength(1);
    }));

  it('lets a client time out, then serves normally', () =>
    withFakeDelays(async () => {
      const key = sx.ex.seedAccount('demo');
      sx.ex.failNext({ method: 'GET', path: `${PREFIX}/api_keys` }, { delayMs: 5_000, status: 500 });
      await expect(call('/api_keys', { key, timeoutMs: 200 })).rejects.toThrow('client timeout');
      // The client gave up while the fault still held its answer: nothing answered, its 5 s not begun to run.
      expect(vi.getTimerCount()).toBe(1);
      expect(sx.ex.requests).toEqual([]);
      expect((await call('/api_keys', { key })).status).toBe(200);
      vi.advanceTimersByTime(5_000);
      await until(() => sx.ex.requests.length === 2);
      expect(sx.ex.requests.map((r) => r.status)).toEqual([200, 500]); // the held answer went out last, to no one
    }));

  it('close() does not wait for pending delays, and leaves no timer behind', async () => {
    const other = await startExchange();
    const key = other.seedAccount('demo');
    other.failNext({ method: 'GET', path: `${PREFIX}/api_keys` }, { delayMs: 60_000 });
    await withFakeDelays(async () => {
      const saved = sx.ex;
      sx.ex = other;
      const pending = call('/api_keys', { key }).catch((e: Error) => e);
      sx.ex = saved;
      await until(() => other.signatures.length === 1);
      expect(vi.getTimerCount()).toBe(1);
      // The fake 60 s never pass: close() returning at all shows it did not wait for them.
      await other.close();
      expect(vi.getTimerCount()).toBe(0);
      expect(await pending).toBeInstanceOf(Error); // the connection was cut
    });
  });
});

describe('fault modes', () => {
  const freshSpkiPem = () => generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }) as string;

  it('times: the next n matching requests get the fault, then the real answer', async () => {
    const key = sx.ex.seedAccount('demo');
    sx.ex.failNext({ method: 'GET', path: `${PREFIX}/api_keys` }, { status: 503, times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call('/api_keys', { key })).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('faultMode: every matching request (a trailing * matches a prefix) until cleared; a one-off fault goes first', async () => {
    const key = sx.ex.seedAccount('demo');
    sx.ex.faultMode({ method: 'DELETE', path: `${PREFIX}/api_keys/*` }, { status: 500 });
    sx.ex.failNext({ method: 'DELETE', path: `${PREFIX}/api_keys/${key.keyId}` }, { status: 503 });
    expect((await call(`/api_keys/${key.keyId}`, { method: 'DELETE', key })).status).toBe(503);
    expect((await call(`/api_keys/${randomUUID()}`, { method: 'DELETE', key })).status).toBe(500);
    expect((await call(`/api_keys/${key.keyId}`, { method: 'DELETE', key })).status).toBe(500);
    sx.ex.faultMode({ method: 'DELETE', path: `${PREFIX}/api_keys/*` }, null);
    expect((await call(`/api_keys/${key.keyId}`, { method: 'DELETE', key })).status).toBe(204);
  });

  it("reset 'before': the connection drops and nothing happens", async () => {
    const key = sx.ex.seedAccount('demo', { usageTier: 'premier' });
    sx.ex.failNext({ method: 'POST', path: `${PREFIX}/api_keys` }, { reset: 'before' });
    await expect(call('/api_keys', { method: 'POST', key, body: { name: 'x', public_key: freshSpkiPem() } })).rejects.toThrow();
    expect(sx.ex.keys('demo')).toHaveLength(1);
    expect(sx.ex.requests.at(-1)?.status).toBe(0);
  });

  it.each([
    ['POST /api_keys', 'POST', '/api_keys', 'premier'],
    ['POST /api_keys/generate', 'POST', '/api_keys/generate', 'basic'],
  ] as const)("reset 'after' on %s: the key is made, then the connection drops without a byte", async (_, method, path, tier) => {
    const key = sx.ex.seedAccount('demo', { usageTier: tier });
    sx.ex.failNext({ method, path: `${PREFIX}${path}` }, { reset: 'after' });
    await expect(call(path, { method, key, body: { name: 'made', public_key: freshSpkiPem() } })).rejects.toThrow();
    expect(
      sx.ex
        .keys('demo')
        .map((k) => k.name)
        .sort(),
    ).toEqual(['made', 'sandbox']);
  });

  it("reset 'after' on DELETE: the key is gone, the answer lost; asking again gets 404", async () => {
    const key = sx.ex.seedAccount('demo');
    const other = sx.ex.seedAccount('demo');
    sx.ex.failNext({ method: 'DELETE', path: `${PREFIX}/api_keys/${other.keyId}` }, { reset: 'after' });
    await expect(call(`/api_keys/${other.keyId}`, { method: 'DELETE', key })).rejects.toThrow();
    expect(sx.ex.keys('demo').map((k) => k.api_key_id)).toEqual([key.keyId]);
    expect((await call(`/api_keys/${other.keyId}`, { method: 'DELETE', key })).status).toBe(404);
  });

  it("reset 'mid-answer': the key is made and half the answer arrives", async () => {
    const key = sx.ex.seedAccount('demo');
    sx.ex.failNext({ method: 'POST', path: `${PREFIX}/api_keys/generate` }, { reset: 'mid-answer' });
    await expect(call('/api_keys/generate', { method: 'POST', key, body: { name: 'made' } })).rejects.toThrow();
    expect(sx.ex.keys('demo')).toHaveLength(2);
  });

  it('garble: the change is made and the answer is not JSON', async () => {
    const key = sx.ex.seedAccount('demo');
    sx.ex.failNext({ method: 'POST', path: `${PREFIX}/api_keys/generate` }, { garble: true });
    const a = await call('/api_keys/generate', { method: 'POST', key, body: { name: 'made' } });
    expect(a.status).toBe(201);
    expect(a.text).toBe('<html>upstream hiccup</html>');
    expect(sx.ex.keys('demo')).toHaveLength(2);
  });

  it('delayAfterMs: the change is made at once, the answer comes later', () =>
    withFakeDelays(async () => {
      const key = sx.ex.seedAccount('demo', { usageTier: 'premier' });
      sx.ex.failNext({ method: 'POST', path: `${PREFIX}/api_keys` }, { delayAfterMs: 1_500 });
      let answered = false;
      const answer = call('/api_keys', { method: 'POST', key, body: { name: 'made', public_key: freshSpkiPem() } }).finally(
        () => (answered = true),
      );
      await until(() => vi.getTimerCount() > 0 || answered);
      expect(answered).toBe(false);
      expect(sx.ex.keys('demo')).toHaveLength(2); // made before the wait began
      vi.advanceTimersByTime(1_499);
      expect(vi.getTimerCount()).toBe(1);
      vi.advanceTimersByTime(1);
      expect((await answer).status).toBe(201);
    }));

  it('the Date header shows the exchange clock; a clock offset makes fresh timestamps stale (401 header_timestamp_expired)', async () => {
    const key = sx.ex.seedAccount('demo');
    const clock = Date.parse('2026-11-23T12:00:00Z');
    setClock(clock);
    const a = await call('/api_keys', { key, timestamp: String(clock) });
    expect(a.headers.date).toBe('Mon, 23 Nov 2026 12:00:00 GMT');
    sx.ex.setClockOffset(60_000);
    const b = await call('/api_keys', { key, timestamp: String(clock) });
    expect(b.headers.date).toBe('Mon, 23 Nov 2026 12:01:00 GMT');
    expectAuthError(b, 'STALE_TIMESTAMP');
    // The code users of the real exchange recorded for it, beside the Date a client compares with its clock.
    expect(b.json.error.code).toBe('header_timestamp_expired');
    sx.ex.reset();
    const again = sx.ex.seedAccount('demo');
    expect((await call('/api_keys', { key: again, timestamp: String(clock) })).status).toBe(200); // reset() clears the offset
  });

  it('keeps the signatures it saw apart from the request log (for tests that look for leaks)', async () => {
    const key = sx.ex.seedAccount('demo');
    await call('/api_keys', { key, signature: 'c2lnbmF0dXJl' });
    expect(sx.ex.signatures).toEqual(['c2lnbmF0dXJl']);
    expect(JSON.stringify(sx.ex.requests)).not.toContain('c2lnbmF0dXJl');
    sx.ex.reset();
    expect(sx.ex.signatures).toEqual([]);
  });
});

describe('429 as Kalshi sends it', () => {
  it('a bare 429 fault answers exactly {"error":"too many requests"} with no Retry-After', async () => {
    const key = sx.ex.seedAccount('demo');
    sx.ex.failNext({ method: 'GET', path: `${PREFIX}/api_keys` }, { status: 429 });
    sx.ex.faultMode({ method: 'POST', path: `${PREFIX}/api_keys/generate` }, { status: 429 });
    for (const a of [await call('/api_keys', { key }), await call('/api_keys/generate', { method: 'POST', key, body: { name: 'x' } })]) {
      expect(a.status).toBe(429);
      expect(a.text).toBe('{"error":"too many requests"}');
      expect(a.json).toEqual({ error: 'too many requests' });
      expect(a.headers['retry-after']).toBeUndefined();
    }
    expect(sx.ex.keys('demo')).toHaveLength(1);
  });
});
