/**
 * Several Kalshi accounts in one environment (issue 11 §3), against the local exchange's two
 * accounts: each held key is told apart by the communications id Kalshi names for it; the list,
 * creation and the lock-out guard act on the chosen account only; importing another account's key
 * adds that account; stores from before the accounts are migrated without losing a key.
 */
import { describe, expect, it } from 'vitest';
import type { StoredKey } from '../../lib/key-store';
import { route } from '../../lib/messages/router';
import { B, expectCode, importBoth, newKey, useHarness } from '../helpers/service-harness';

const h = useHarness();

const onExchange = (ref: 'demo' | typeof B) => h.exchange.keys(ref).map((k) => k.api_key_id);
const listed = async () => (await h.service.listApiKeys({ environment: 'demo' })).keys.map((k) => k.keyId);

describe('two accounts end to end', () => {
  it('import A, import B, switch, create on B: only B’s keys listed, A untouched', async () => {
    const { a, b, idA, idB } = await importBoth(h);
    let overview = await h.service.getOverview({ environment: 'demo' });
    // Importing B's key added account B and made it the active one, without mixing the lists.
    expect(overview.signingKey).toMatchObject({ keyId: b.keyId, account: idB });
    expect(overview.accounts).toEqual([
      { id: idA, name: null, heldKeys: 1 },
      { id: idB, name: null, heldKeys: 1 },
    ]);
    expect(overview.heldKeys.map((k) => k.keyId)).toEqual([b.keyId]);
    expect(await listed()).toEqual([b.keyId]);

    overview = await h.service.switchAccount({ environment: 'demo', account: idA });
    expect(overview.signingKey?.keyId).toBe(a.keyId);
    expect(await listed()).toEqual([a.keyId]);

    await h.service.switchAccount({ environment: 'demo', account: idB });
    const aBefore = onExchange('demo');
    const created = await h.service.createApiKey(newKey('bot on B'));
    expect(onExchange(B)).toEqual([b.keyId, created.keyId]);
    expect(onExchange('demo')).toEqual(aBefore);
    expect(await listed()).toEqual(expect.arrayContaining([b.keyId, created.keyId]));
    expect(await listed()).toHaveLength(2);
    expect((await h.store.getKey('demo', created.keyId))?.account).toBe(idB);

    // Back on A: B's new key is nowhere in A's list, and A's signing key is the one it had.
    overview = await h.service.switchAccount({ environment: 'demo', account: idA });
    expect(overview.signingKey?.keyId).toBe(a.keyId);
    expect(overview.accounts.find((x) => x.id === idB)?.heldKeys).toBe(2);
    expect(await listed()).toEqual([a.keyId]);
  });

  it('switching back signs with the key the account signed with last', async () => {
    const { b, idA, idB } = await importBoth(h);
    const created = await h.service.createApiKey(newKey('second of B'));
    await h.service.setSigningKey({ environment: 'demo', keyId: created.keyId });
    await h.service.switchAccount({ environment: 'demo', account: idA });
    const back = await h.service.switchAccount({ environment: 'demo', account: idB });
    expect(back.signingKey?.keyId).toBe(created.keyId);
    expect(back.signingKey?.keyId).not.toBe(b.keyId);
  });

  it('an account this browser holds no key of cannot be switched to; nothing changes', async () => {
    const { b } = await importBoth(h);
    await expectCode(h.service.switchAccount({ environment: 'demo', account: 'someone-else' }), 'unknown_account');
    expect((await h.store.getSigningKey('demo'))?.keyId).toBe(b.keyId);
  });

  it('the activity log names the account each operation acted on', async () => {
    const { b, idB } = await importBoth(h);
    await h.service.testKey({ environment: 'demo', keyId: b.keyId });
    const [test, importB, importA] = (await h.service.getActivity({})).entries;
    expect(test).toMatchObject({ operation: 'test', account: idB });
    expect(importB).toMatchObject({ operation: 'import', account: idB });
    expect(importA).toMatchObject({ operation: 'import', account: h.exchange.communicationsId('demo') });
  });
});

describe('what one account knows says nothing of another', () => {
  it('the lock-out guard counts only keys of the same account', async () => {
    const { a, b, idA } = await importBoth(h);
    // A's key works, but handing signing to it would leave B's keys unmanaged: consent is asked.
    await expectCode(h.service.forgetKey({ environment: 'demo', keyId: b.keyId, confirmLockout: false }), 'lockout_unconfirmed');
    expect(await h.store.hasKey('demo', b.keyId)).toBe(true);
    // With consent, B's last key goes and the other account's key signs: A is the active account.
    const after = await h.service.forgetKey({ environment: 'demo', keyId: b.keyId, confirmLockout: true });
    expect(after.signingKey).toMatchObject({ keyId: a.keyId, account: idA });
  });

  it('a lost delete of A’s key is not settled by B’s list, where that key never appears', async () => {
    const { a, idA } = await importBoth(h);
    await h.store.addPending({ id: 'lost-delete', environment: 'demo', account: idA, operation: 'delete', keyId: a.keyId, startedAt: 0 });
    expect(await listed()).not.toContain(a.keyId); // read with B's key
    expect(await h.store.hasKey('demo', a.keyId)).toBe(true);
    expect((await h.store.listPending('demo')).records.map((r) => r.id)).toEqual(['lost-delete']);
  });

  it('Kalshi refusing uploads from A is remembered for A only', async () => {
    const { idA, idB } = await importBoth(h);
    await h.store.setUploadRefused('demo', idA, 1);
    expect((await h.service.getAccount({ environment: 'demo' })).uploadRefused).toBe(false);
    await h.service.switchAccount({ environment: 'demo', account: idA });
    expect((await h.service.getAccount({ environment: 'demo' })).uploadRefused).toBe(true);
    expect(await h.store.uploadRefusedAt('demo', idB)).toBeUndefined();
  });
});

describe('naming accounts', () => {
  it('names an account, shown with its keys; an empty name drops it', async () => {
    const { a, b, idA, idB } = await importBoth(h);
    let view = await h.service.nameAccount({ environment: 'demo', account: idA, name: 'fund' });
    expect(view.accounts).toEqual([
      { id: idA, name: 'fund', heldKeys: 1 },
      { id: idB, name: null, heldKeys: 1 },
    ]);
    expect(view.heldKeys.map((k) => [k.keyId, k.account])).toEqual([
      [a.keyId, idA],
      [b.keyId, idB],
    ]);
    view = await h.service.nameAccount({ environment: 'demo', account: idA, name: '' });
    expect(view.accounts[0]?.name).toBeNull();
  });

  it('refuses a bad name or an unknown account at the boundary, and changes nothing', async () => {
    const { idA } = await importBoth(h);
    await h.service.nameAccount({ environment: 'demo', account: idA, name: 'personal' });
    const self = { id: 'abcdefghijklmnopabcdefghijklmnop', origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop' };
    const sender = { id: self.id, url: `${self.origin}/options.html` };
    const name = (data: Record<string, unknown>) =>
      route(h.service, { type: 'nameAccount', data: { environment: 'demo', ...data } }, sender, self);
    for (const bad of ['x'.repeat(41), 'line\nbreak', 'tab\there', 'zero\u200bwidth', 'para\u2029sep'])
      expect(await name({ account: idA, name: bad }), JSON.stringify(bad)).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'invalid_account_name' }),
      });
    expect(await name({ account: 'unknown', name: 'fund' })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'unknown_account' }),
    });
    expect(await name({ account: '', name: 'fund' })).toEqual({ ok: false, error: expect.objectContaining({ code: 'invalid_request' }) });
    expect(await name({ account: idA, name: '  trimmed  ' })).toMatchObject({ ok: true });
    expect((await h.service.getAccounts({ environment: 'demo' })).accounts[0]?.name).toBe('trimmed');
  });
});

describe('stores from before the accounts', () => {
  /** A key as an older release stored it: no account. */
  async function legacyKey(seeded: { keyId: string; privateKeyPem: string }, makeSigning: boolean): Promise<StoredKey> {
    const signingBefore = (await h.store.getSigningKey('demo'))?.keyId;
    const imported = await h.make().importKey({ environment: 'demo', keyId: seeded.keyId, pem: seeded.privateKeyPem });
    const stored = (await h.store.getKey('demo', imported.keyId))!;
    const { account: _none, ...old } = stored;
    await h.store.removeKey('demo', stored.keyId, { nextSigning: null });
    await h.store.saveKey(old, { makeSigning });
    if (!makeSigning && signingBefore) await h.store.setSigningKey('demo', signingBefore);
    return old;
  }

  it('every key kept and told apart by account — even one of another account an older release mixed in', async () => {
    const a = h.exchange.seedAccount('demo', { name: 'desk A', usageTier: 'premier' });
    const a2 = h.exchange.seedAccount('demo', { name: 'bot A' });
    const b = h.exchange.seedAccount(B, { name: 'desk B' });
    await legacyKey(a, true);
    await legacyKey(a2, false);
    await legacyKey(b, false);
    await h.store.addPending({
      id: 'old-create',
      environment: 'demo',
      operation: 'create',
      name: 'x',
      source: 'kalshi',
      algorithm: 'Ed25519',
      scopes: ['read'],
      subaccount: null,
      knownKeyIds: [],
      startedAt: Date.now(),
    });
    await h.store.setUploadRefused('demo', undefined, 7);
    expect((await h.store.listKeys('demo')).every((k) => k.account === undefined)).toBe(true);

    h.restart({ graceMs: 60_000 }); // the old create stays unsettled: it is young
    // The first list asks Kalshi which account each key is of, then lists A's only.
    expect(await listed()).toEqual(expect.arrayContaining([a.keyId, a2.keyId]));
    expect(await listed()).toHaveLength(2);
    const [idA, idB] = [h.exchange.communicationsId('demo'), h.exchange.communicationsId(B)];
    const accounts = Object.fromEntries((await h.store.listKeys('demo')).map((k) => [k.keyId, k.account]));
    expect(accounts).toEqual({ [a.keyId]: idA, [a2.keyId]: idA, [b.keyId]: idB });
    expect((await h.store.listPending('demo')).records).toEqual([expect.objectContaining({ id: 'old-create', account: idA })]);
    expect(await h.store.uploadRefusedAt('demo', idA)).toBe(7);
    expect(await h.store.uploadRefusedAt('demo', undefined)).toBeUndefined();
    const overview = await h.service.getOverview({ environment: 'demo' });
    expect(overview.accounts.map((x) => [x.id, x.heldKeys])).toEqual([
      [idA, 2],
      [idB, 1],
    ]);
    expect((await h.service.switchAccount({ environment: 'demo', account: idB })).signingKey?.keyId).toBe(b.keyId);
  });

  it('a key whose account Kalshi will not name (deleted on kalshi.com) stays, shown with the active account', async () => {
    const a = h.exchange.seedAccount('demo', { name: 'desk A' });
    const gone = h.exchange.seedAccount('demo', { name: 'gone' });
    await legacyKey(a, true);
    await legacyKey(gone, false);
    h.exchange.deleteKeyOutOfBand('demo', gone.keyId);
    const keys = (await h.service.listApiKeys({ environment: 'demo' })).keys;
    expect(keys.find((k) => k.keyId === gone.keyId)).toMatchObject({ held: true, deletedOnKalshi: true });
    expect((await h.store.getKey('demo', gone.keyId))?.account).toBeUndefined();
  });
});
