/**
 * Lost answers to creates: the exchange commits, then the answer is lost (reset, timeout, garbled,
 * a stopped worker). The key is proved ours and kept, or named by the next list; nothing half-written.
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
  count,
  useFaultsHarness,
} from '../helpers/faults-fixtures';

useFaultsHarness();

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
    setService(makeService({ fetch: outOfReachAfterPost() }));
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
    setService(makeService({ graceMs: 0 })); // a minute later
    expect((await service.listApiKeys({ environment: 'demo' })).recovery).toBeUndefined();
    expect(await local()).toEqual({ held: [seeded.keyId], pending: [] });
    expect(onExchange()).toEqual([seeded.keyId]);
  });

  it('a timeout after the exchange committed: recovered the same way', async () => {
    const seeded = await signedIn();
    exchange.failNext({ method: 'POST', path: `${P}/api_keys` }, { delayAfterMs: 2_500 });
    setService(makeService({ timeoutMs: 500 }));
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
  ])(
    '%s: the answer is lost with the private key; the list names the key as one that may come from the lost request, never as unusable',
    async (_, o) => {
      const seeded = await signedIn();
      const path = 'source' in o ? `${P}/api_keys/generate` : `${P}/api_keys`;
      exchange.failNext({ method: 'POST', path }, { reset: 'after' });
      await expectCode(service.createApiKey(newKey('bot', o)), 'outcome_unknown');
      const suspect = onExchange().find((id) => id !== seeded.keyId)!;

      const list = await service.listApiKeys({ environment: 'demo' });
      expect(list.keys.find((k) => k.keyId === suspect)).toMatchObject({ held: false, maybeLostAnswer: true, name: 'bot' });
      expect(list.keys.find((k) => k.keyId === suspect)?.lost).toBeUndefined();
      expect(list.keys.find((k) => k.keyId === seeded.keyId)?.maybeLostAnswer).toBeUndefined();
      // Still named on the next list, not held, and nothing of its private key is anywhere here.
      expect((await service.listApiKeys({ environment: 'demo' })).keys.find((k) => k.keyId === suspect)?.maybeLostAnswer).toBe(true);
      expect((await local()).held).toEqual([seeded.keyId]);

      await service.deleteApiKey({ environment: 'demo', keyId: suspect, confirmLockout: false });
      const after = await service.listApiKeys({ environment: 'demo' });
      expect(after.keys.map((k) => k.keyId)).toEqual([seeded.keyId]);
      expect(await local()).toEqual({ held: [seeded.keyId], pending: [] });
    },
  );

  it('a generated key whose answer is lost while Kalshi stays unreachable is named by the next list', async () => {
    const seeded = await signedIn('basic');
    exchange.failNext({ method: 'POST', path: `${P}/api_keys/generate` }, { reset: 'after' });
    setService(makeService({ fetch: outOfReachAfterPost() }));
    await expectCode(service.createApiKey(newKey('bot', { source: 'kalshi' })), 'outcome_unknown');
    exchange.faultMode({ method: 'GET', path: `${P}/api_keys` }, null);
    const suspect = onExchange().find((id) => id !== seeded.keyId)!;
    const list = await makeService().listApiKeys({ environment: 'demo' });
    expect(list.keys.find((k) => k.keyId === suspect)).toMatchObject({ maybeLostAnswer: true, held: false });
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
    [403, 'usage_tier'],
    [409, 'conflict'],
  ] as const)('a create refused with %i every time leaves no pending record', async (status, code) => {
    await signedIn();
    // Every time: a 409 ("not visible yet") is asked again within the retry budget.
    exchange.faultMode({ method: 'POST', path: `${P}/api_keys` }, { status });
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
