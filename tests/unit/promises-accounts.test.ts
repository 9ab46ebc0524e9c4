/**
 * Promises kept (issue 23): every action on a key runs for the account the key belongs to, proved.
 * Through the handlers, against the local exchange's two accounts, with faults injected there; the
 * exchange's own state is read afterwards.
 */
import { describe, expect, it } from 'vitest';
import { parseCommunicationsId } from '../../lib/kalshi/account-wire-types';
import type { StoredKey } from '../../lib/key-store';
import { parseMessage } from '../../lib/messages/validators';
import { createPopupShell } from '../../lib/popup-shell';
import { memoryScreenStore } from '../helpers/screen-store';
import { B, expectCode, importBoth, newKey, P, useHarness } from '../helpers/service-harness';

const h = useHarness();
const onKalshi = (ref: 'demo' | typeof B) => h.exchange.keys(ref).map((k) => k.api_key_id);
const deletes = () => h.exchange.requests.filter((r) => r.method === 'DELETE');
const listed = async () => (await h.service.listApiKeys({ environment: 'demo' })).keys;

/** A held key as a store from before the accounts kept it: no account. */
async function withoutAccount(keyId: string): Promise<void> {
  const { account: _gone, ...old } = (await h.store.getKey('demo', keyId))!;
  await h.store.saveKey(old as StoredKey);
}

describe('a key is acted on only for its own account', () => {
  it('scenario 1: B signs, Delete on A’s key is refused; A’s key still stands on Kalshi and is still held', async () => {
    const { a } = await importBoth(h);
    await expectCode(h.service.deleteApiKey({ environment: 'demo', keyId: a.keyId, confirmLockout: false }), 'key_other_account');
    expect(deletes()).toEqual([]);
    expect(onKalshi('demo')).toContain(a.keyId);
    expect(await h.store.hasKey('demo', a.keyId)).toBe(true);
  });

  it('a key only listed for A (not held) is refused while B signs: B’s list does not name it, no DELETE is sent', async () => {
    const { idA } = await importBoth(h);
    await h.service.switchAccount({ environment: 'demo', account: idA });
    const bot = await h.service.createApiKey(newKey('bot of A', { destination: 'download' }));
    await h.service.switchAccount({ environment: 'demo', account: h.exchange.communicationsId(B) });
    await expectCode(h.service.deleteApiKey({ environment: 'demo', keyId: bot.keyId, confirmLockout: false }), 'key_not_listed');
    expect(deletes()).toEqual([]);
    expect(onKalshi('demo')).toContain(bot.keyId);
  });

  it('Rotate, Forget and Use for signing refuse another account’s key; nothing is made, nothing dropped', async () => {
    const { a, b } = await importBoth(h);
    const before = { a: onKalshi('demo'), b: onKalshi(B) };
    await expectCode(h.service.rotateKey({ environment: 'demo', keyId: a.keyId }), 'key_other_account');
    await expectCode(h.service.forgetKey({ environment: 'demo', keyId: a.keyId, confirmLockout: true }), 'key_other_account');
    await expectCode(h.service.setSigningKey({ environment: 'demo', keyId: a.keyId }), 'key_other_account');
    expect({ a: onKalshi('demo'), b: onKalshi(B) }).toEqual(before);
    expect(await h.store.hasKey('demo', a.keyId)).toBe(true);
    expect((await h.store.getSigningKey('demo'))?.keyId).toBe(b.keyId);
  });

  it('a key whose account Kalshi will not name yet is refused in words, after asking again; it works once named', async () => {
    const { a, idA } = await importBoth(h);
    await h.service.switchAccount({ environment: 'demo', account: idA });
    const second = await h.service.createApiKey(newKey('second of A'));
    await withoutAccount(second.keyId);
    h.exchange.faultMode({ method: 'GET', path: `${P}/communications/id` }, { status: 503 });
    const asked = () => h.exchange.requests.filter((r) => r.path === `${P}/communications/id`).length;
    const before = asked();
    await expectCode(h.service.rotateKey({ environment: 'demo', keyId: second.keyId }), 'account_unknown');
    await expectCode(h.service.deleteApiKey({ environment: 'demo', keyId: second.keyId, confirmLockout: false }), 'account_unknown');
    expect(asked()).toBeGreaterThan(before); // asked Kalshi first
    expect(onKalshi('demo').sort()).toEqual([a.keyId, second.keyId].sort());
    expect(await listed()).toContainEqual(expect.objectContaining({ keyId: second.keyId, accountUnknown: true, unconfirmed: true }));
    h.exchange.faultMode({ method: 'GET', path: `${P}/communications/id` }, null);
    await h.service.deleteApiKey({ environment: 'demo', keyId: second.keyId, confirmLockout: false });
    expect(onKalshi('demo').sort()).toEqual([a.keyId].sort());
  });

  it('the lock-out guard never counts a key of another or of an unknown account', async () => {
    const { a, idA } = await importBoth(h);
    await h.service.switchAccount({ environment: 'demo', account: idA });
    const unnamed = await h.service.createApiKey(newKey('unnamed of A'));
    await withoutAccount(unnamed.keyId);
    h.exchange.faultMode({ method: 'GET', path: `${P}/communications/id` }, { status: 503 });
    // B's key and the unnamed key both work on Kalshi: neither may take over A's signing.
    await expectCode(h.service.forgetKey({ environment: 'demo', keyId: a.keyId, confirmLockout: false }), 'lockout_unconfirmed');
    await expectCode(h.service.deleteApiKey({ environment: 'demo', keyId: a.keyId, confirmLockout: false }), 'lockout_unconfirmed');
    expect(await h.store.hasKey('demo', a.keyId)).toBe(true);
    expect(deletes()).toEqual([]);
  });

  it('import refuses a key whose account Kalshi would not name: nothing is saved', async () => {
    const a = h.exchange.seedAccount('demo', { name: 'desk A' });
    h.exchange.faultMode({ method: 'GET', path: `${P}/communications/id` }, { status: 500 });
    await expectCode(h.service.importKey({ environment: 'demo', keyId: a.keyId, pem: a.privateKeyPem }), 'account_unknown');
    expect(await h.store.listKeys('demo')).toEqual([]);
  });
});

describe('a 404 and a pending record speak only for the account that listed the key', () => {
  it('scenario 2: A’s lost delete is not completed by B’s list; A’s list shows the key still there, and it still works', async () => {
    const { a, idA, idB } = await importBoth(h);
    await h.service.switchAccount({ environment: 'demo', account: idA });
    const second = await h.service.createApiKey(newKey('second of A'));
    // A lost request may still reach Kalshi a moment later: the record waits out the grace period.
    h.restart({ graceMs: 60_000 });
    // Never reaches Kalshi, on every attempt.
    h.exchange.failNext({ method: 'DELETE', path: `${P}/api_keys/${second.keyId}` }, { reset: 'before', times: 10 });
    await expectCode(h.service.deleteApiKey({ environment: 'demo', keyId: second.keyId, confirmLockout: false }), 'outcome_unknown');
    const pending = (await h.store.listPending('demo')).records;
    expect(pending).toEqual([expect.objectContaining({ operation: 'delete', keyId: second.keyId, account: idA })]);

    await h.service.switchAccount({ environment: 'demo', account: idB });
    await h.service.listApiKeys({ environment: 'demo' });
    expect(await h.store.hasKey('demo', second.keyId)).toBe(true);
    expect((await h.store.listPending('demo')).records).toHaveLength(1);

    await h.service.switchAccount({ environment: 'demo', account: idA });
    h.advance(61_000);
    h.exchange.setClockOffset(61_000); // Kalshi's clock moves with ours
    const keys = await listed();
    expect(keys.find((k) => k.keyId === second.keyId)).toMatchObject({ held: true });
    expect((await h.store.listPending('demo')).records).toEqual([]); // still listed: the delete did not happen
    expect(onKalshi('demo').sort()).toEqual([a.keyId, second.keyId].sort());
    await expect(h.service.testKey({ environment: 'demo', keyId: second.keyId })).resolves.toMatchObject({
      balanceCents: expect.any(Number),
    });
  });

  it('a pending record without an account is settled by no account’s list', async () => {
    const { a, idA } = await importBoth(h);
    await h.service.switchAccount({ environment: 'demo', account: idA });
    await h.store.addPending({ id: 'unowned', environment: 'demo', operation: 'delete', keyId: 'not-listed-anywhere', startedAt: 0 });
    await h.service.listApiKeys({ environment: 'demo' });
    expect((await h.store.listPending('demo')).records.map((r) => r.id)).toEqual(['unowned']);
    // Nor by the list of a signing key whose account Kalshi has not named.
    await withoutAccount(a.keyId);
    h.exchange.faultMode({ method: 'GET', path: `${P}/communications/id` }, { status: 503 });
    expect((await h.service.listApiKeys({ environment: 'demo' })).account).toBeNull();
    expect((await h.store.listPending('demo')).records.map((r) => r.id)).toEqual(['unowned']);
    expect(await h.store.hasKey('demo', a.keyId)).toBe(true);
  });
});

describe('a held key missing from Kalshi’s list is called deleted only when its own signature is refused', () => {
  /** Kalshi's list as the exchange has it, without `keyId`. */
  function listWithout(keyId: string) {
    const api_keys = h.exchange.keys('demo').filter((k) => k.api_key_id !== keyId);
    h.exchange.failNext({ method: 'GET', path: `${P}/api_keys` }, { status: 200, body: { api_keys } });
  }

  it.each([
    ['answers 2xx', null, { unconfirmed: true }],
    ['answers 5xx', 503, { unconfirmed: true }],
    ['is refused (401)', 401, { deletedOnKalshi: true }],
  ] as const)('its balance check %s', async (_, status, expected) => {
    const { idA } = await importBoth(h);
    await h.service.switchAccount({ environment: 'demo', account: idA });
    const second = await h.service.createApiKey(newKey('second of A'));
    listWithout(second.keyId);
    if (status !== null) h.exchange.faultMode({ method: 'GET', path: `${P}/portfolio/balance` }, { status });
    const item = (await listed()).find((k) => k.keyId === second.keyId)!;
    expect(item).toMatchObject({ held: true, ...expected });
    if (!('deletedOnKalshi' in expected)) expect(item).not.toHaveProperty('deletedOnKalshi');
  });
});

describe('rotation asks Kalshi, not the store', () => {
  it('scopes Kalshi did not list: the user is asked to choose, nothing is sent with []; a chosen preset goes on', async () => {
    const { a, idA } = await importBoth(h);
    await h.service.switchAccount({ environment: 'demo', account: idA });
    const bot = await h.service.createApiKey(newKey('bot', { scopes: ['read', 'write'] }));
    const withoutScopes = () =>
      h.exchange.failNext(
        { method: 'GET', path: `${P}/api_keys` },
        { status: 200, body: { api_keys: h.exchange.keys('demo').map(({ scopes: _s, ...k }) => k) } },
      );
    withoutScopes();
    const posts = () => h.exchange.requests.filter((r) => r.method === 'POST').length;
    const before = posts();
    await expectCode(h.service.rotateKey({ environment: 'demo', keyId: bot.keyId }), 'rotation_scopes_unknown');
    expect(posts()).toBe(before);
    withoutScopes();
    const report = await h.service.rotateKey({ environment: 'demo', keyId: bot.keyId, scopes: 'trade' });
    expect(report).toMatchObject({ completed: true, newScopes: ['read', 'write::trade'] });
    expect(onKalshi('demo').sort()).toEqual([a.keyId, report.newKeyId].sort());
  });

  it('an old key the signer’s list does not name is not rotated: nothing is made', async () => {
    const { idA } = await importBoth(h);
    await h.service.switchAccount({ environment: 'demo', account: idA });
    const bot = await h.service.createApiKey(newKey('bot'));
    h.exchange.deleteKeyOutOfBand('demo', bot.keyId);
    const before = onKalshi('demo');
    await expectCode(h.service.rotateKey({ environment: 'demo', keyId: bot.keyId }), 'key_not_listed');
    expect(onKalshi('demo')).toEqual(before);
  });
});

describe('what the popup paints first is dropped when the account it shows may change', () => {
  it.each(['switchAccount', 'importKey', 'setSigningKey'] as const)('%s drops the worker’s screen copy', async (action) => {
    const screen = memoryScreenStore();
    const { idA, a } = await importBoth(h);
    const service = h.make({ screen: createPopupShell(screen, () => Promise.reject(new Error('no page'))) });
    await h.service.switchAccount({ environment: 'demo', account: idA });
    const second = await h.service.createApiKey(newKey('second of A'));
    screen.value = { tag: 'main', children: [] };
    if (action === 'switchAccount') await service.switchAccount({ environment: 'demo', account: h.exchange.communicationsId(B) });
    if (action === 'setSigningKey') await service.setSigningKey({ environment: 'demo', keyId: second.keyId });
    if (action === 'importKey') await service.importKey({ environment: 'demo', keyId: a.keyId, pem: a.privateKeyPem });
    expect(screen.value).toBeUndefined();
  });
});

describe('account ids are data, never object keys of the prototype', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('“%s” is refused from Kalshi and from a page', (id) => {
    expect(parseCommunicationsId({ communications_id: id })).toBeUndefined();
    expect(() => parseMessage({ type: 'switchAccount', data: { environment: 'demo', account: id } })).toThrow();
    expect(parseCommunicationsId({ communications_id: `${id}-1` })).toBe(`${id}-1`);
  });
});
