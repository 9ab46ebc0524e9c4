/**
 * Lost answers to deletes: the exchange deletes (or does not), then the answer is lost. The retry or
 * the next list confirms; a key is not forgotten before Kalshi confirms it is gone.
 */
import { describe, expect, it } from 'vitest';
import {
  P,
  exchange,
  service,
  setService,
  makeService,
  expectCode,
  newKey,
  signedIn,
  outOfReachAfterPost,
  local,
  onExchange,
  useFaultsHarness,
} from '../helpers/faults-fixtures';

useFaultsHarness();

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

  it('deleted, answer lost, the retries refused (429): not a refusal — the list confirms the key gone', async () => {
    const seeded = await signedIn();
    const spare = await service.createApiKey(newKey('spare'));
    exchange.failNext({ method: 'DELETE', path: `${P}/api_keys/${spare.keyId}` }, { reset: 'after' });
    exchange.failNext({ method: 'DELETE', path: `${P}/api_keys/${spare.keyId}` }, { status: 429, times: 5 });
    await expect(service.deleteApiKey({ environment: 'demo', keyId: spare.keyId, confirmLockout: false })).resolves.toEqual({
      deletedKeyId: spare.keyId,
    });
    expect(onExchange()).toEqual([seeded.keyId]);
    expect(await local()).toEqual({ held: [seeded.keyId], pending: [] });
  });

  it('lost before reaching Kalshi, the retries refused (400): outcome unknown, never “Kalshi refused”; the key stays', async () => {
    const seeded = await signedIn();
    const spare = await service.createApiKey(newKey('spare'));
    exchange.failNext({ method: 'DELETE', path: `${P}/api_keys/${spare.keyId}` }, { reset: 'before' });
    exchange.failNext({ method: 'DELETE', path: `${P}/api_keys/${spare.keyId}` }, { status: 400, times: 5 });
    await expectCode(service.deleteApiKey({ environment: 'demo', keyId: spare.keyId, confirmLockout: false }), 'outcome_unknown');
    expect(onExchange().sort()).toEqual([seeded.keyId, spare.keyId].sort());
    expect((await local()).held).toContain(spare.keyId);
  });

  it('every answer lost and Kalshi out of reach: outcome_unknown; the next list confirms and tidies up', async () => {
    const seeded = await signedIn();
    const spare = await service.createApiKey(newKey('spare'));
    exchange.faultMode({ method: 'DELETE', path: `${P}/api_keys/*` }, { reset: 'after' });
    setService(makeService({ fetch: outOfReachAfterPost() }));
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
    setService(makeService({ fetch: outOfReachAfterPost() }));
    await expectCode(service.deleteApiKey({ environment: 'demo', keyId: seeded.keyId, confirmLockout: true }), 'outcome_unknown');
    exchange.faultMode({ method: 'GET', path: `${P}/api_keys` }, null);
    setService(makeService());
    await expectCode(service.listApiKeys({ environment: 'demo' }), 'no_signing_key');
    expect(await local()).toEqual({ held: [], pending: [] });
    expect(onExchange()).toEqual([]);
  });

  it('a delete that did not happen (still listed) leaves the key held and drops the record after the grace period', async () => {
    const seeded = await signedIn();
    const spare = await service.createApiKey(newKey('spare'));
    exchange.faultMode({ method: 'DELETE', path: `${P}/api_keys/*` }, { reset: 'before' });
    setService(makeService({ fetch: outOfReachAfterPost() }));
    await expectCode(service.deleteApiKey({ environment: 'demo', keyId: spare.keyId, confirmLockout: false }), 'outcome_unknown');
    exchange.faultMode({ method: 'GET', path: `${P}/api_keys` }, null);
    exchange.faultMode({ method: 'DELETE', path: `${P}/api_keys/*` }, null);
    expect((await makeService().listApiKeys({ environment: 'demo' })).recovery).toMatchObject({ unresolved: 1 });
    setService(makeService({ graceMs: 0 })); // a minute later
    const list = await service.listApiKeys({ environment: 'demo' });
    expect(list.keys.find((k) => k.keyId === spare.keyId)?.held).toBe(true);
    expect(await local()).toEqual({ held: [seeded.keyId, spare.keyId].sort(), pending: [] });
  });
});
