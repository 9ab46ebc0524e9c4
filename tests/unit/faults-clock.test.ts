/**
 * A wrong clock: the exchange's or our own, off by more than Kalshi allows, is clock_skew in words
 * that say by how much (Kalshi's header_timestamp_expired, or its Date header alone); a 401 of another
 * kind with the clocks within 5 s is an ordinary 401.
 */
import { describe, expect, it } from 'vitest';
import { startExchange } from '../../exchange/server';
import { createKalshiClient } from '../../lib/kalshi/client';
import { createKeyService } from '../../lib/key-manager/service';
import { openKeyStore } from '../../lib/key-store';
import { exchangeFetch } from '../helpers/exchange-fetch';
import { wordsFor, exchange, store, service, db, setShift, expectCode, signedIn, useFaultsHarness } from '../helpers/faults-fixtures';

useFaultsHarness();

describe('a wrong clock', () => {
  it.each([
    // The Date header has whole seconds: a second either way.
    [60_000, /Your clock is about (59 s|1 min [01] s) behind Kalshi’s/],
    [-120_000, /Your clock is about (1 min 59 s|2 min [01] s) ahead of Kalshi’s/],
  ])('exchange clock moved %i ms: clock_skew, saying by how much', async (offset, words) => {
    const seeded = await signedIn();
    exchange.setClockOffset(offset);
    const error = await expectCode(service.listApiKeys({ environment: 'demo' }), 'clock_skew');
    expect(error.detail).toMatch(words);
    expect(error.detail).toContain('external-api.demo.kalshi.co');
    expect(wordsFor(error.code)).toContain('clock may be wrong');
    // Import with a wrong clock: the same words, and nothing stored.
    const fresh = await openKeyStore(`faults-clock-${db}`);
    const other = createKeyService({ store: fresh, fetch: exchangeFetch(exchange), sleep: async () => {} });
    await expectCode(other.importKey({ environment: 'demo', keyId: seeded.keyId, pem: seeded.privateKeyPem }), 'clock_skew');
    expect(await fresh.listKeys('demo')).toEqual([]);
    fresh.close();
  });

  it('our own clock off by 2 minutes: the same, from the other side', async () => {
    await signedIn();
    setShift(120_000);
    const error = await expectCode(service.listApiKeys({ environment: 'demo' }), 'clock_skew');
    expect(error.detail).toMatch(/Your clock is about (1 min 59 s|2 min [01] s) ahead of Kalshi’s/);
  });

  it('a 401 of another kind with the clocks within 5 s is an ordinary 401', async () => {
    const seeded = await signedIn();
    const strict = await startExchange({ port: 0, clockOffsetMs: 3_000 });
    try {
      // The key is not on this exchange: Kalshi's authentication_error, not a word about time.
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
