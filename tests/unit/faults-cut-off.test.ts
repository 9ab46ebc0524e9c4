/**
 * Answers cut off in the middle: Kalshi acted and its answer broke off part-way. Creates and
 * deletes end with the exchange and this browser in agreement.
 */
import { describe, expect, it } from 'vitest';
import { P, exchange, service, expectCode, newKey, signedIn, local, onExchange, useFaultsHarness } from '../helpers/faults-fixtures';

useFaultsHarness();

describe('an answer cut off in the middle', () => {
  it('a pair made here: Kalshi committed and its answer broke off: recovered at once', async () => {
    const seeded = await signedIn();
    exchange.failNext({ method: 'POST', path: `${P}/api_keys` }, { reset: 'mid-answer' });
    const created = await service.createApiKey(newKey('laptop'));
    expect(created.held).toBe(true);
    expect(await local()).toEqual({ held: [seeded.keyId, created.keyId].sort(), pending: [] });
  });

  it('a key made by Kalshi: half its private key arrived, which is none of it: unknown, and the list names the key', async () => {
    const seeded = await signedIn();
    exchange.failNext({ method: 'POST', path: `${P}/api_keys/generate` }, { reset: 'mid-answer' });
    await expectCode(service.createApiKey(newKey('laptop', { source: 'kalshi' })), 'outcome_unknown');
    const suspect = onExchange().find((id) => id !== seeded.keyId)!;
    expect((await service.listApiKeys({ environment: 'demo' })).keys.find((k) => k.keyId === suspect)?.maybeLostAnswer).toBe(true);
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
