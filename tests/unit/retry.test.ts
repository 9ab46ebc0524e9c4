import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clockSkewMs } from '../../lib/kalshi/client';
import { backoffDelay, DEFAULT_RETRY_POLICY, parseRetryAfter, withRetries, type RetryPolicy } from '../../lib/kalshi/retry';

const policy: RetryPolicy = { attempts: 3, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 5_000, maxTotalMs: 10_000 };

/** A clock that moves only when the code under test sleeps. */
function fakeTime() {
  let t = 1_700_000_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
  };
}

describe('backoff with full jitter', () => {
  it('stays within 0..min(max, base·2^retry) for any randomness', () => {
    fc.assert(
      fc.property(fc.nat(40), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (retry, r) => {
        const d = backoffDelay(retry, policy, () => r);
        return d >= 0 && d < Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry) + 1 && Number.isInteger(d);
      }),
      { numRuns: 10_000 },
    );
  });

  it('the ceiling doubles, then stops at the maximum', () => {
    const top = () => 0.999_999;
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, top))).toEqual([99, 199, 399, 799, 999, 999]);
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');
  it.each([
    ['2', 2_000],
    [' 0 ', 0],
    ['120', 120_000],
    ['Mon, 23 Nov 2026 12:00:07 GMT', 7_000],
    ['Monday, 23-Nov-26 12:00:03 GMT', 3_000],
    ['Mon, 23 Nov 2026 11:00:00 GMT', 0],
    ['', undefined],
    ['-1', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    ['Mon, 99 Foo 2026 99:99:99 GMT', undefined],
    [null, undefined],
  ] as const)('%j → %s ms', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });

  it('never throws, and is undefined or a non-negative whole number of ms, for any header text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
        ),
        (v) => {
          const ms = parseRetryAfter(v, now);
          return ms === undefined || (Number.isFinite(ms) && ms >= 0);
        },
      ),
      { numRuns: 10_000 },
    );
  });
});

describe('withRetries', () => {
  const transient = () => ({ retry: true });

  it('tries at most `attempts` times and throws the last failure', async () => {
    const t = fakeTime();
    let calls = 0;
    const error = await withRetries(
      async () => {
        calls++;
        throw new Error(`fail ${calls}`);
      },
      transient,
      policy,
      { ...t, random: () => 0.5 },
    ).catch((e: Error) => e);
    expect(calls).toBe(3);
    expect((error as Error).message).toBe('fail 3');
    expect(t.sleeps).toEqual([50, 100]);
  });

  it('a final failure is not retried', async () => {
    const t = fakeTime();
    let calls = 0;
    await withRetries(
      async () => {
        calls++;
        throw new Error('no');
      },
      () => ({ retry: false }),
      policy,
      { ...t, random: Math.random },
    ).catch(() => {});
    expect(calls).toBe(1);
    expect(t.sleeps).toEqual([]);
  });

  it('waits what Retry-After asks; an ask over the cap ends the retries at once', async () => {
    const t = fakeTime();
    let calls = 0;
    const value = await withRetries(
      async () => {
        if (++calls < 3) throw new Error('429');
        return 'ok';
      },
      () => ({ retry: true, retryAfterMs: 2_000 }),
      policy,
      { ...t, random: () => 0 },
    );
    expect(value).toBe('ok');
    expect(t.sleeps).toEqual([2_000, 2_000]);

    const t2 = fakeTime();
    calls = 0;
    await withRetries(
      async () => {
        calls++;
        throw new Error('429');
      },
      () => ({ retry: true, retryAfterMs: 60_000 }),
      policy,
      { ...t2, random: () => 0 },
    ).catch(() => {});
    expect(calls).toBe(1);
    expect(t2.sleeps).toEqual([]);
  });

  it('never starts a retry past the total time budget, whatever the attempts take', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(8_000), { minLength: 1, maxLength: 6 }),
        fc.option(fc.nat(6_000), { nil: undefined }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        async (durations, retryAfterMs, r) => {
          const t = fakeTime();
          const started = t.now();
          const starts: number[] = [];
          let i = 0;
          await withRetries(
            async () => {
              starts.push(t.now() - started);
              await t.sleep(durations[i++ % durations.length]!); // the attempt itself takes time
              throw new Error('x');
            },
            () => (retryAfterMs === undefined ? { retry: true } : { retry: true, retryAfterMs }),
            DEFAULT_RETRY_POLICY,
            { ...t, random: () => r },
          ).catch(() => {});
          expect(starts.length).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.attempts);
          for (const s of starts.slice(1)) expect(s).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.maxTotalMs);
        },
      ),
      { numRuns: 10_000 },
    );
  });
});

describe('clock skew from the Date header', () => {
  const exchangeNow = Date.parse('2026-11-23T12:00:00Z');
  const header = new Date(exchangeNow).toUTCString();
  it.each([
    [0, undefined],
    [4_999, undefined],
    [-5_000, undefined],
    [5_001, 5_001],
    [-60_000, -60_000],
    [3_600_000, 3_600_000],
  ])('local clock %i ms off → %s', (offset, skew) => {
    expect(clockSkewMs(header, exchangeNow + offset)).toBe(skew);
  });
  it('no or unreadable Date header: no verdict', () => {
    expect(clockSkewMs(null, exchangeNow)).toBeUndefined();
    expect(clockSkewMs('yesterday', exchangeNow)).toBeUndefined();
  });
});
