/**
 * Echoes: a create the browser resent on its own, made twice on Kalshi. The next list proves and
 * keeps an echo of a pair made here, and never takes a namesake for one.
 */
import { describe, expect, it } from 'vitest';
import { exchangeFetch } from '../helpers/exchange-fetch';
import {
  exchange,
  service,
  setService,
  makeService,
  newKey,
  signedIn,
  local,
  onExchange,
  useFaultsHarness,
} from '../helpers/faults-fixtures';

useFaultsHarness();

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
    setService(makeService({ fetch: resendingFetch() }));
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
    setService(makeService({ fetch: resendingFetch() }));
    const created = await service.createApiKey(newKey('laptop', { source: 'kalshi' }));
    expect((await local()).pending).toEqual([]); // nothing to prove an echo with: no record kept
    const echo = onExchange().find((id) => id !== seeded.keyId && id !== created.keyId)!;
    const list = await makeService().listApiKeys({ environment: 'demo' });
    expect(list.keys.find((k) => k.keyId === echo)).toMatchObject({ held: false });
    expect(list.keys.find((k) => k.keyId === echo)).not.toHaveProperty('lost');
    expect(list.keys.find((k) => k.keyId === echo)).not.toHaveProperty('maybeLostAnswer');
    expect(list.keys.find((k) => k.keyId === created.keyId)).toMatchObject({ held: true });
  });

  it('a namesake made elsewhere before the next list is not taken for an echo of a pair made here', async () => {
    const seeded = await signedIn();
    const first = await service.createApiKey(newKey('bot'));
    const namesake = exchange.seedAccount('demo', { name: 'bot' }).keyId;
    const list = await service.listApiKeys({ environment: 'demo' });
    expect(list.recovery).toBeUndefined(); // proved not ours (401), so not adopted
    expect(list.keys.find((k) => k.keyId === namesake)).toMatchObject({ held: false });
    expect(list.keys.find((k) => k.keyId === namesake)).not.toHaveProperty('lost');
    expect(list.keys.find((k) => k.keyId === namesake)).not.toHaveProperty('maybeLostAnswer');
    expect(await local()).toEqual({ held: [seeded.keyId, first.keyId].sort(), pending: [] });
  });
});
