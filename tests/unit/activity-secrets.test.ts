/**
 * The activity log holds no key material, whatever ran (imports with and without a passphrase,
 * keys made here or by Kalshi, kept here or handed over once, signed requests); it survives a
 * restarted worker; a failing log never changes an operation's answer; getActivity filters and orders.
 */
import 'fake-indexeddb/auto';
import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createKeyService } from '../../lib/key-manager/service';
import { openKeyStore, type KeyStore } from '../../lib/key-store';
import { route } from '../../lib/messages/router';
import { AppError } from '../../lib/shared/errors';
import { exchangeFetch } from '../helpers/exchange-fetch';
import { expectCode, newKey, signedIn, useHarness } from '../helpers/service-harness';

const h = useHarness();

const ENTRY_FIELDS = ['account', 'at', 'environment', 'errorCode', 'id', 'keyId', 'keyName', 'operation', 'outcome'];

/** Pieces of a PEM to look for: its body in one run, and each whole base64 line. */
function pemPieces(pem: string): string[] {
  const lines = pem
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length >= 40 && !l.startsWith('-----'));
  expect(lines.length, 'a PEM with a body').toBeGreaterThan(0);
  return [lines.join(''), ...lines];
}

/** A fetch that also notes every private key Kalshi hands over (POST /api_keys/generate). */
function notingPrivateKeys(handedOver: string[]): typeof fetch {
  const f = exchangeFetch(h.exchange);
  return async (input, init) => {
    const response = await f(input, init);
    const text = await response.clone().text();
    const found = /"private_key"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(text);
    if (found) handedOver.push(JSON.parse(`"${found[1]}"`) as string);
    return response;
  };
}

describe('no key material in the log', () => {
  it('after imports, creates, generates and one-time keys: no PEM, passphrase, signature or secret in any entry', async () => {
    const handedOver: string[] = [];
    h.restart({ fetch: notingPrivateKeys(handedOver) });
    const secrets: string[] = ['correct horse battery', 'wrong horse'];
    const seeded = await signedIn(h.exchange, h.service);
    secrets.push(...pemPieces(seeded.privateKeyPem));

    const locked = h.exchange.seedAccount('demo', { name: 'locked', keyType: 'ed25519' });
    const encrypted = String(
      createPrivateKey(locked.privateKeyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: secrets[0] }),
    );
    secrets.push(...pemPieces(locked.privateKeyPem), ...pemPieces(encrypted));
    await expectCode(h.service.importKey({ environment: 'demo', keyId: locked.keyId, pem: encrypted }), 'passphrase_required');
    await expectCode(
      h.service.importKey({ environment: 'demo', keyId: locked.keyId, pem: encrypted, passphrase: secrets[1] }),
      'wrong_passphrase',
    );
    await h.service.importKey({ environment: 'demo', keyId: locked.keyId, pem: encrypted, passphrase: secrets[0] });
    await h.service.setSigningKey({ environment: 'demo', keyId: seeded.keyId });

    const kept = await h.service.createApiKey(newKey('kept here'));
    await h.service.createApiKey(newKey('kept from Kalshi', { source: 'kalshi' }));
    for (const source of ['local', 'kalshi'] as const) {
      const bot = await h.service.createApiKey(newKey(`bot ${source}`, { source, destination: 'download', algorithm: 'RSA-PSS' }));
      const taken = await h.service.takeSecret({ environment: 'demo' });
      expect(taken?.secret.pem).toBe(bot.secret!.pem);
      secrets.push(...pemPieces(bot.secret!.pem));
      await h.service.confirmSecretSaved({ environment: 'demo', keyId: bot.keyId });
    }
    await h.service.testKey({ environment: 'demo', keyId: kept.keyId });
    await h.service.rotateKey({ environment: 'demo', keyId: kept.keyId });

    expect(handedOver, 'Kalshi generated two private keys').toHaveLength(2);
    for (const pem of handedOver) secrets.push(...pemPieces(pem));
    expect(h.exchange.signatures.length).toBeGreaterThan(10);
    secrets.push(...h.exchange.signatures);

    const { entries } = await h.service.getActivity({});
    expect(entries.map((e) => e.operation)).toEqual(
      // Newest first.
      ['rotate', 'test', 'handed_over', 'generate', 'handed_over', 'create', 'generate', 'create', 'use_for_signing'].concat([
        'import',
        'import',
        'import',
        'import',
      ]),
    );
    const dump = JSON.stringify(entries);
    // The checks can see a secret: a PEM line in an entry would be found.
    expect(JSON.stringify([{ keyName: secrets[3] }]).includes(secrets[3]!)).toBe(true);
    for (const secret of secrets) expect(dump.includes(secret), `found ${secret.slice(0, 16)}…`).toBe(false);
    expect(dump).not.toMatch(/BEGIN|PRIVATE KEY/);
    for (const entry of entries) for (const field of Object.keys(entry)) expect(ENTRY_FIELDS).toContain(field);
  });
});

describe('the log lasts and never gets in the way', () => {
  it('survives a stopped worker: a new connection and a new service read the same entries', async () => {
    const name = `activity-restart-${Math.random()}`;
    const make = (store: KeyStore) => createKeyService({ store, fetch: exchangeFetch(h.exchange), sleep: async () => {} });
    const first = await openKeyStore(name);
    const seeded = h.exchange.seedAccount('demo', { name: 'desk' });
    await make(first).importKey({ environment: 'demo', keyId: seeded.keyId, pem: seeded.privateKeyPem });
    const before = (await make(first).getActivity({})).entries;
    first.close();

    const second = await openKeyStore(name);
    const after = await make(second).getActivity({});
    expect(after.entries).toEqual(before);
    expect(after.entries).toMatchObject([{ keyId: seeded.keyId, keyName: 'desk', operation: 'import', outcome: 'ok' }]);
    second.close();
  });

  it('a log that cannot be written (or read) leaves every answer as it was', async () => {
    const failing: KeyStore = {
      ...h.store,
      addActivity: () => Promise.reject(new AppError('storage_full')),
      getKey: (...args) =>
        args[1] === 'ffffffff-ffff-4fff-8fff-ffffffffffff' ? Promise.reject(new AppError('corrupt_record')) : h.store.getKey(...args),
    };
    const service = h.make({ store: failing });
    const seeded = h.exchange.seedAccount('demo', { name: 'desk' });
    const summary = await service.importKey({ environment: 'demo', keyId: seeded.keyId, pem: seeded.privateKeyPem });
    expect(summary).toMatchObject({ keyId: seeded.keyId, name: 'desk' });
    expect((await h.store.getSigningKey('demo'))?.keyId).toBe(seeded.keyId);
    // A refusal keeps its own code, not the log's.
    await expectCode(service.testKey({ environment: 'demo', keyId: 'ffffffff-ffff-4fff-8fff-ffffffffffff' }), 'corrupt_record');
    await expectCode(service.deleteApiKey({ environment: 'demo', keyId: seeded.keyId, confirmLockout: false }), 'lockout_unconfirmed');
    expect((await h.service.getActivity({})).entries).toEqual([]);
  });
});

describe('getActivity', () => {
  it('newest first, filtered by environment and account; the accounts seen so far come along', async () => {
    const demo = await signedIn(h.exchange, h.service);
    const prod = h.exchange.seedAccount('production', { name: 'prod' });
    await h.service.importKey({ environment: 'production', keyId: prod.keyId, pem: prod.privateKeyPem });
    await h.service.testKey({ environment: 'demo', keyId: demo.keyId });
    await h.service.testKey({ environment: 'production', keyId: prod.keyId });

    const all = await h.service.getActivity({});
    expect(all.entries.map((e) => [e.environment, e.operation])).toEqual([
      ['production', 'test'],
      ['demo', 'test'],
      ['production', 'import'],
      ['demo', 'import'],
    ]);
    expect(all.entries.map((e) => e.id)).toEqual([4, 3, 2, 1]);
    const [demoAccount, prodAccount] = [h.exchange.communicationsId('demo'), h.exchange.communicationsId('production')];
    expect(all.accounts).toEqual([prodAccount, demoAccount]);
    expect((await h.service.getActivity({ environment: 'demo' })).entries.map((e) => e.id)).toEqual([3, 1]);
    expect((await h.service.getActivity({ environment: 'production' })).entries.map((e) => e.id)).toEqual([4, 2]);
    expect((await h.service.getActivity({ account: prodAccount })).entries.map((e) => e.id)).toEqual([4, 2]);
    expect((await h.service.getActivity({ account: null })).entries).toEqual([]);
    const other = await h.service.getActivity({ environment: 'demo', account: prodAccount });
    expect(other).toEqual({ entries: [], accounts: [prodAccount, demoAccount] });
  });

  it('its request is validated like every other: unknown environments and malformed accounts are refused', async () => {
    const self = { id: 'abcdefghijklmnopabcdefghijklmnop', origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop' };
    const sender = { id: self.id, url: `${self.origin}/options.html` };
    const ask = (data: unknown) => route(h.service, { type: 'getActivity', data }, sender, self);
    for (const data of [{}, { environment: 'demo' }, { account: null }, { account: 'abc' }, { environment: 'production', account: 'x' }]) {
      expect(await ask(data), JSON.stringify(data)).toEqual({ ok: true, value: { entries: [], accounts: [] } });
    }
    for (const data of [
      { environment: 'staging' },
      { account: '' },
      { account: 5 },
      { account: 'x'.repeat(201) },
      { account: ['x'] },
      null,
    ]) {
      expect(await ask(data), JSON.stringify(data)).toEqual({ ok: false, error: expect.objectContaining({ code: 'invalid_request' }) });
    }
    // Another extension, or a web page, is refused before anything is read.
    expect(await route(h.service, { type: 'getActivity', data: {} }, { id: 'other', url: 'https://example.com/' }, self)).toEqual({
      ok: false,
      error: { code: 'sender_refused' },
    });
  });
});
