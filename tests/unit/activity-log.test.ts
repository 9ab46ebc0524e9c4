/**
 * The activity log, as the key service writes it (real fake-indexeddb, real WebCrypto, the local
 * exchange): each key operation adds exactly one entry with the right fields, refusals carry their
 * code, a lost answer is "outcome unknown", and reads record nothing.
 */
import { describe, expect, it } from 'vitest';
import type { ActivityEntry } from '../../lib/key-manager/api';
import { expectCode, newKey, P, signedIn, useHarness } from '../helpers/service-harness';

const h = useHarness();

const entries = async () => (await h.service.getActivity({})).entries;

/** Runs one operation (whatever its outcome) and returns the single entry it added. */
async function recorded(operation: () => Promise<unknown>): Promise<ActivityEntry> {
  const before = await entries();
  const from = Date.now();
  await operation().catch(() => undefined);
  const after = await entries();
  expect(after.length - before.length, 'entries added').toBe(1);
  expect(after.slice(1)).toEqual(before);
  const entry = after[0]!;
  expect(entry.at).toBeGreaterThanOrEqual(from);
  expect(entry.at).toBeLessThanOrEqual(Date.now());
  // The account acted on: the key's own, else the signing key's; none when Kalshi never named one.
  expect([null, h.exchange.communicationsId(entry.environment)]).toContain(entry.account);
  return entry;
}
const ref = (keyId: string) => ({ environment: 'demo' as const, keyId });

describe('each key operation records one entry', () => {
  it('import: ok, with the key id, Kalshi’s name for the key and the environment', async () => {
    const seeded = h.exchange.seedAccount('demo', { name: 'desk' });
    const entry = await recorded(() => h.service.importKey({ environment: 'demo', keyId: seeded.keyId, pem: seeded.privateKeyPem }));
    expect(entry).toEqual({
      id: 1,
      at: entry.at,
      environment: 'demo',
      account: h.exchange.communicationsId('demo'),
      keyId: seeded.keyId,
      keyName: 'desk',
      operation: 'import',
      outcome: 'ok',
    });
  });

  it('import refused: the error code, the key id, and no name (Kalshi never said one)', async () => {
    const mine = h.exchange.seedAccount('production');
    const other = h.exchange.seedAccount('production');
    const entry = await recorded(() => h.service.importKey({ environment: 'production', keyId: other.keyId, pem: mine.privateKeyPem }));
    expect(entry).toMatchObject({
      environment: 'production',
      keyId: other.keyId,
      keyName: null,
      operation: 'import',
      outcome: 'refused',
      errorCode: 'unauthorized',
    });
  });

  it('create (a pair made here) and generate (made on Kalshi): the new key’s id and name', async () => {
    await signedIn(h.exchange, h.service);
    let made = '';
    const created = await recorded(async () => (made = (await h.service.createApiKey(newKey('laptop'))).keyId));
    expect(created).toMatchObject({ keyId: made, keyName: 'laptop', operation: 'create', outcome: 'ok' });
    expect(created).not.toHaveProperty('errorCode');
    const generated = await recorded(async () => (made = (await h.service.createApiKey(newKey('server', { source: 'kalshi' }))).keyId));
    expect(generated).toMatchObject({ keyId: made, keyName: 'server', operation: 'generate', outcome: 'ok' });
  });

  it('a bot key’s private key handed over: recorded once the user confirms it saved, with the key’s name', async () => {
    await signedIn(h.exchange, h.service);
    const bot = await h.service.createApiKey(newKey('bot', { destination: 'download' }));
    await h.service.takeSecret({ environment: 'demo' });
    const entry = await recorded(() => h.service.confirmSecretSaved(ref(bot.keyId)));
    expect(entry).toMatchObject({ keyId: bot.keyId, keyName: 'bot', operation: 'handed_over', outcome: 'ok' });
  });

  it('test, use for signing and forget: each on its key, by name', async () => {
    const seeded = await signedIn(h.exchange, h.service);
    const spare = await h.service.createApiKey(newKey('spare'));
    expect(await recorded(() => h.service.testKey(ref(spare.keyId)))).toMatchObject({
      keyId: spare.keyId,
      keyName: 'spare',
      operation: 'test',
      outcome: 'ok',
    });
    expect(await recorded(() => h.service.setSigningKey(ref(spare.keyId)))).toMatchObject({
      keyId: spare.keyId,
      keyName: 'spare',
      operation: 'use_for_signing',
      outcome: 'ok',
    });
    // Forgotten: the name is the one it had, though the key is gone from this browser.
    expect(await recorded(() => h.service.forgetKey({ ...ref(seeded.keyId), confirmLockout: false }))).toMatchObject({
      keyId: seeded.keyId,
      keyName: 'sandbox',
      operation: 'forget',
      outcome: 'ok',
    });
  });

  it('delete: a held key by its name; a key held elsewhere by the name the last list showed', async () => {
    await signedIn(h.exchange, h.service);
    const held = await h.service.createApiKey(newKey('old key'));
    const entry = await recorded(() => h.service.deleteApiKey({ ...ref(held.keyId), confirmLockout: false }));
    expect(entry).toMatchObject({ keyId: held.keyId, keyName: 'old key', operation: 'delete', outcome: 'ok' });

    const elsewhere = h.exchange.seedAccount('demo', { name: 'made on kalshi.com' }).keyId;
    await h.service.listApiKeys({ environment: 'demo' });
    const gone = await recorded(() => h.service.deleteApiKey({ ...ref(elsewhere), confirmLockout: false }));
    expect(gone).toMatchObject({ keyId: elsewhere, keyName: 'made on kalshi.com', operation: 'delete', outcome: 'ok' });
  });

  it('rotate: ok when done; a rotation that stops at a step records the step’s error', async () => {
    const seeded = await signedIn(h.exchange, h.service);
    const done = await recorded(() => h.service.rotateKey(ref(seeded.keyId)));
    expect(done).toMatchObject({ keyId: seeded.keyId, keyName: 'sandbox', operation: 'rotate', outcome: 'ok' });

    const current = (await h.store.getSigningKey('demo'))!.keyId;
    h.exchange.failNext({ method: 'GET', path: `${P}/portfolio/balance` }, { status: 500, times: 3 });
    const report = await h.service.rotateKey(ref(current)).catch(() => undefined);
    expect(report?.completed).toBe(false);
    const [stopped] = await entries();
    expect(stopped).toMatchObject({ keyId: current, operation: 'rotate', outcome: 'refused', errorCode: 'exchange_error' });
  });
});

describe('refusals and lost answers', () => {
  it('each refusal records its code: the lock-out guard, an upload Kalshi refuses (no key id yet), a key not held', async () => {
    const seeded = await signedIn(h.exchange, h.service, 'basic');
    const guard = await recorded(() => h.service.deleteApiKey({ ...ref(seeded.keyId), confirmLockout: false }));
    expect(guard).toMatchObject({
      keyId: seeded.keyId,
      keyName: 'sandbox',
      operation: 'delete',
      outcome: 'refused',
      errorCode: 'lockout_unconfirmed',
    });
    const upload = await recorded(() => h.service.createApiKey(newKey('laptop')));
    expect(upload).toMatchObject({ keyId: null, keyName: 'laptop', operation: 'create', outcome: 'refused', errorCode: 'usage_tier' });
    const stranger = '00000000-0000-4000-8000-000000000000';
    const test = await recorded(() => h.service.testKey(ref(stranger)));
    expect(test).toMatchObject({ keyId: stranger, keyName: null, operation: 'test', outcome: 'refused', errorCode: 'not_held' });
  });

  it('a lost answer: outcome unknown; keeping the key it may have made is recorded too', async () => {
    await signedIn(h.exchange, h.service);
    h.restart({ graceMs: 60_000 });
    h.exchange.failNext({ method: 'POST', path: `${P}/api_keys/generate` }, { reset: 'before' });
    const lost = await recorded(() => expectCode(h.service.createApiKey(newKey('bot', { source: 'kalshi' })), 'outcome_unknown'));
    expect(lost).toMatchObject({ keyId: null, keyName: 'bot', operation: 'generate', outcome: 'unknown', errorCode: 'outcome_unknown' });

    const namesake = h.exchange.seedAccount('demo', { name: 'bot' }).keyId;
    await h.service.listApiKeys({ environment: 'demo' });
    const kept = await recorded(() => h.service.keepKey(ref(namesake)));
    expect(kept).toMatchObject({ keyId: namesake, keyName: 'bot', operation: 'keep', outcome: 'ok' });
  });

  it('reads and the environment switch record nothing', async () => {
    await signedIn(h.exchange, h.service);
    const before = await entries();
    expect(before).toHaveLength(1);
    await h.service.getOverview({});
    await h.service.setEnvironment({ environment: 'production' });
    await h.service.getAccount({ environment: 'demo' });
    await h.service.listApiKeys({ environment: 'demo' });
    await h.service.takeSecret({ environment: 'demo' });
    await h.service.getActivity({ environment: 'demo' });
    expect(await entries()).toEqual(before);
  });
});
