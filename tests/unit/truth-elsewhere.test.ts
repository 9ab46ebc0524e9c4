/**
 * Issue 13, scenarios 2–4: changes made outside this browser, lost answers, and one-time keys —
 * every conclusion proved by Kalshi's own answers, never by a key's name.
 */
import { describe, expect, it } from 'vitest';
import { expectCode, newKey, onExchange, P, signedIn, useHarness } from '../helpers/service-harness';

const h = useHarness();

const list = () => h.service.listApiKeys({ environment: 'demo' });
const item = async (keyId: string) => (await list()).keys.find((k) => k.keyId === keyId);

describe('keys deleted elsewhere (scenario 2)', () => {
  it('the signing key deleted on kalshi.com: the list is read with the other held key, both shown, neither called “no keys”', async () => {
    const seeded = await signedIn(h.exchange, h.service);
    const spare = await h.service.createApiKey(newKey('spare'));
    h.exchange.deleteKeyOutOfBand('demo', seeded.keyId);

    const result = await list();
    expect(result.listedWith).toBe(spare.keyId);
    expect(result.signingProblem?.code).toBe('unauthorized');
    expect(result.keys.find((k) => k.keyId === seeded.keyId)).toMatchObject({
      held: true,
      signing: true,
      rejected: true,
      deletedOnKalshi: true,
    });
    expect(result.keys.find((k) => k.keyId === spare.keyId)).toMatchObject({ held: true, signing: false });
    expect(result.keys.find((k) => k.keyId === spare.keyId)).not.toHaveProperty('deletedOnKalshi');

    // Use for signing, then Forget the dead key: the extension works again, nothing dead remains.
    await h.service.setSigningKey({ environment: 'demo', keyId: spare.keyId });
    await h.service.forgetKey({ environment: 'demo', keyId: seeded.keyId, confirmLockout: false });
    const after = await list();
    expect(after.keys.map((k) => k.keyId)).toEqual([spare.keyId]);
    expect(after.signingProblem).toBeUndefined();
  });

  it('a held key Kalshi no longer lists is marked deleted on Kalshi only after its own signature is refused', async () => {
    await signedIn(h.exchange, h.service);
    const spare = await h.service.createApiKey(newKey('spare'));
    h.exchange.deleteKeyOutOfBand('demo', spare.keyId);
    expect(await item(spare.keyId)).toMatchObject({ held: true, deletedOnKalshi: true });
    expect(h.exchange.requests.some((r) => r.keyId === spare.keyId && r.status === 401)).toBe(true);
  });

  it('the lock-out guard counts only keys that work: forgetting the signing key next to a dead one asks first', async () => {
    const seeded = await signedIn(h.exchange, h.service);
    const spare = await h.service.createApiKey(newKey('spare'));
    h.exchange.deleteKeyOutOfBand('demo', spare.keyId);
    await expectCode(h.service.forgetKey({ environment: 'demo', keyId: seeded.keyId, confirmLockout: false }), 'lockout_unconfirmed');
    expect((await h.store.listKeys('demo')).map((k) => k.keyId).sort()).toEqual([seeded.keyId, spare.keyId].sort());
    // With consent, the dead key does not silently become the signing key.
    await h.service.forgetKey({ environment: 'demo', keyId: seeded.keyId, confirmLockout: true });
    expect((await h.service.getOverview({ environment: 'demo' })).signingKey).toBeNull();
  });

  it('the only signing key deleted with consent, its answer lost: the refused retry proves it gone', async () => {
    const seeded = await signedIn(h.exchange, h.service);
    h.exchange.failNext({ method: 'DELETE', path: `${P}/api_keys/${seeded.keyId}` }, { reset: 'after' });
    await h.service.deleteApiKey({ environment: 'demo', keyId: seeded.keyId, confirmLockout: true });
    expect(onExchange(h.exchange)).toEqual([]);
    expect(await h.store.listKeys('demo')).toEqual([]);
    expect((await h.service.getOverview({ environment: 'demo' })).signingKey).toBeNull();
  });

  it('forgetting a key leaves no private half behind in the pending store', async () => {
    await signedIn(h.exchange, h.service);
    const laptop = await h.service.createApiKey(newKey('laptop'));
    expect((await h.store.listPending('demo')).records.some((r) => r.operation === 'create' && r.privateKey)).toBe(true);
    await h.service.forgetKey({ environment: 'demo', keyId: laptop.keyId, confirmLockout: false });
    expect((await h.store.listPending('demo')).records).toEqual([]);
  });
});

describe('lost answers are never blamed on a working key (scenario 3)', () => {
  it('a Download-once request that never reached Kalshi, retried with the same name: the new key is not called lost', async () => {
    await signedIn(h.exchange, h.service);
    h.exchange.failNext({ method: 'POST', path: `${P}/api_keys` }, { reset: 'before' });
    await expectCode(h.service.createApiKey(newKey('bot', { destination: 'download' })), 'outcome_unknown');
    h.advance(-1); // within the grace period: the lost record is still pending
    const retry = await h.service.createApiKey(newKey('bot', { destination: 'download' }));
    await h.service.confirmSecretSaved({ environment: 'demo', keyId: retry.keyId });
    const shown = await item(retry.keyId);
    expect(shown).not.toHaveProperty('lost');
    expect(shown).not.toHaveProperty('maybeLostAnswer');
    expect(onExchange(h.exchange)).toContain(retry.keyId);
  });

  it('a namesake made on kalshi.com after a lost generate is named a suspect, never lost', async () => {
    await signedIn(h.exchange, h.service);
    h.restart({ graceMs: 60_000 });
    h.exchange.failNext({ method: 'POST', path: `${P}/api_keys/generate` }, { reset: 'before' });
    await expectCode(h.service.createApiKey(newKey('bot', { source: 'kalshi' })), 'outcome_unknown');
    const namesake = h.exchange.seedAccount('demo', { name: 'bot' }).keyId;
    const shown = await item(namesake);
    expect(shown).toMatchObject({ maybeLostAnswer: true, held: false });
    expect(shown).not.toHaveProperty('lost');
    // The user keeps it: no longer named so.
    await h.service.keepKey({ environment: 'demo', keyId: namesake });
    expect(await item(namesake)).not.toHaveProperty('maybeLostAnswer');
  });
});

describe('the one-time private key is kept until the user has it (scenario 4)', () => {
  it('kept in the worker, shown again, then wiped once saved', async () => {
    await signedIn(h.exchange, h.service);
    const bot = await h.service.createApiKey(newKey('bot', { destination: 'download' }));
    const kept = await h.service.takeSecret({ environment: 'demo' });
    expect(kept).toMatchObject({ keyId: bot.keyId, keyName: 'bot', secret: { pem: bot.secret!.pem } });
    expect(await item(bot.keyId)).toMatchObject({ awaitingSave: true });
    // Nothing of it in storage: the pending record says only that it waits.
    expect(JSON.stringify((await h.store.listPending('demo')).records)).not.toContain('PRIVATE KEY');
    await h.service.confirmSecretSaved({ environment: 'demo', keyId: bot.keyId });
    expect(await h.service.takeSecret({ environment: 'demo' })).toBeNull();
    expect(await item(bot.keyId)).not.toHaveProperty('awaitingSave');
  });

  it.each([
    ['its time runs out', () => new Promise((r) => setTimeout(r, 60))],
    ['the browser closes (the worker and storage.session with it)', () => void h.closeBrowser()],
  ])('never saved because %s: the key is flagged with its private key never saved', async (_, event) => {
    await signedIn(h.exchange, h.service);
    h.restart({ secretTtlMs: 30 });
    const bot = await h.service.createApiKey(newKey('bot', { destination: 'download' }));
    await event();
    expect(await h.service.takeSecret({ environment: 'demo' })).toBeNull();
    expect(await item(bot.keyId)).toMatchObject({ lost: 'never_saved', held: false });
    await h.service.deleteApiKey({ environment: 'demo', keyId: bot.keyId, confirmLockout: false });
    expect(await item(bot.keyId)).toBeUndefined();
    expect((await h.store.listPending('demo')).records).toEqual([]);
  });
});
