/**
 * Retrying idempotent requests: exponential backoff with full jitter, a few attempts, a bounded
 * total time, and the server's Retry-After honoured (capped). Sleeping, randomness and the clock
 * are parameters, so tests run instantly and deterministically.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Backoff ceiling for the first retry; doubles each time (full jitter picks 0..ceiling). */
  baseDelayMs: number;
  /** Largest backoff ceiling. */
  maxDelayMs: number;
  /** Largest wait a Retry-After header may ask for; a longer ask ends the retries. */
  maxRetryAfterMs: number;
  /** No retry starts later than this after the first attempt began. */
  maxTotalMs: number;
}

/**
 * maxTotalMs leaves room for a retry after a GET that used its whole timeout
 * (REQUEST_TIMEOUT_MS.GET, 6 s, in client.ts): 6 s + backoff, and a third try after two.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 300,
  maxDelayMs: 2_000,
  maxRetryAfterMs: 5_000,
  maxTotalMs: 15_000,
};

export interface RetryDeps {
  sleep: (ms: number) => Promise<void>;
  /** In [0, 1). */
  random: () => number;
  now: () => number;
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Full jitter (AWS architecture blog): a uniform pick between 0 and min(max, base · 2^retry). */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/**
 * Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3), in ms from `nowMs`.
 * undefined when absent or unreadable; 0 for a date in the past.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d{1,10}$/.test(text)) return Number(text) * 1000;
  // Only the date formats HTTP allows: letters, digits, spaces, commas, colons, dashes.
  if (!/^[A-Za-z]{3,9},? [0-9A-Za-z :-]{10,40}$/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** What one failed attempt says about retrying. */
export interface RetryVerdict {
  retry: boolean;
  /** The server's Retry-After, in ms, when it sent one. */
  retryAfterMs?: number;
}

/**
 * Runs `attempt` until it succeeds, `judge` says a failure is final, or the policy's attempts or
 * time run out; the last failure is thrown as it was.
 */
export async function withRetries<T>(
  attempt: (index: number) => Promise<T>,
  judge: (error: unknown) => RetryVerdict,
  policy: RetryPolicy,
  deps: RetryDeps,
): Promise<T> {
  const started = deps.now();
  for (let index = 0; ; index++) {
    try {
      return await attempt(index);
    } catch (error) {
      const verdict = judge(error);
      if (!verdict.retry || index + 1 >= policy.attempts) throw error;
      if (verdict.retryAfterMs !== undefined && verdict.retryAfterMs > policy.maxRetryAfterMs) throw error;
      // The server's own figure when it gave one; otherwise our jittered backoff.
      const wait = verdict.retryAfterMs ?? backoffDelay(index, policy, deps.random);
      if (deps.now() - started + wait > policy.maxTotalMs) throw error;
      await deps.sleep(wait);
    }
  }
}
