/**
 * Each grant's requests per second, as Kalshi counts an account's: a bucket that holds a second's
 * worth and refills continuously. A request over it is refused before anything is signed.
 */
export interface Budgets {
  /** Takes one request from the grant's bucket at `now`; false when it is empty. */
  take(grant: { id: string; perSecond: number }, now: number): boolean;
  forget(grantId: string): void;
}

export function createBudgets(): Budgets {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take({ id, perSecond }, now) {
      const bucket = buckets.get(id) ?? { tokens: perSecond, at: now };
      bucket.tokens = Math.min(perSecond, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
      bucket.at = now;
      buckets.set(id, bucket);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
    forget: (id) => void buckets.delete(id),
  };
}
