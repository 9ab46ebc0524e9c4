/**
 * Promises kept (issue 23): "Kept for you until HH:MM" holds for the whole promised time — through a
 * stopped worker and a failed store write — sealed in storage.session, never on disk; and it is wiped
 * at that minute, on Done, and when the browser closes.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createKalshiClient } from '../../lib/kalshi/client';
import { importPrivateKey } from '../../lib/key-formats/crypto-keys';
import { parsePrivateKeyPem } from '../../lib/key-formats/pem';
import { createSecretKeeper, SECRET_TTL_MS } from '../../lib/key-manager/secrets';
import { openKeyStore } from '../../lib/key-store';
import { AppError } from '../../lib/shared/errors';
import { exchangeFetch } from '../helpers/exchange-fetch';
import { newKey, signedIn, useHarness } from '../helpers/service-harness';

const h = useHarness();
const item = async (keyId: string) => (await h.service.listApiKeys({ environment: 'demo' })).keys.find((k) => k.keyId === keyId);
const download = () => h.service.createApiKey(newKey('bot', { destination: 'download', algorithm: 'RSA-PSS' }));

/** Kalshi accepts a request signed with this PEM as key `keyId`: the one-time key is that key's private half. */
async function signsAs(keyId: string, pem: string): Promise<boolean> {
  const parsed = parsePrivateKeyPem(pem);
  const signingKey = { keyId, algorithm: parsed.algorithm, privateKey: await importPrivateKey(parsed) };
  const client = createKalshiClient({ environment: 'demo', signingKey, fetch: exchangeFetch(h.exchange) });
  return client.getPortfolioBalance().then(
    () => true,
    () => false,
  );
}

/** Every 12-character run of the PEM's body: none may lie anywhere outside the worker. */
function runsOf(pem: string): string[] {
  const body = pem.replace(/-----[^-]+-----|\s/g, '');
  return Array.from({ length: body.length - 11 }, (_, i) => body.slice(i, i + 12));
}

describe('the one-time key outlives the worker for the promised time', () => {
  it('the worker stops: the reopened popup gets the same key, which signs as the key on Kalshi', async () => {
    await signedIn(h.exchange, h.service);
    const bot = await download();
    h.restart(); // a new worker: nothing in its memory
    const again = await h.service.takeSecret({ environment: 'demo' });
    expect(again).toMatchObject({ keyId: bot.keyId, keyName: 'bot', secret: { pem: bot.secret!.pem } });
    expect(await signsAs(bot.keyId, again!.secret.pem)).toBe(true);
    expect(await item(bot.keyId)).toMatchObject({ awaitingSave: true });
    expect(await item(bot.keyId)).not.toHaveProperty('lost');
  });

  it('sealed: storage.session holds none of the key’s text, and the sealed text opens with no other store’s key', async () => {
    await signedIn(h.exchange, h.service);
    const bot = await download();
    const kept = JSON.stringify(h.session.value);
    expect(kept).toContain(bot.keyId);
    expect(kept).not.toContain('PRIVATE KEY');
    for (const run of runsOf(bot.secret!.pem)) expect(kept).not.toContain(run);
    const elsewhere = await openKeyStore(`elsewhere-${Math.random()}`);
    const stranger = createSecretKeeper({ now: Date.now, slot: h.session, sealKey: () => elsewhere.sealingKey() });
    expect(await stranger.take('demo')).toBeNull();
    elsewhere.close();
  });

  it('the clock passes the promised minute with the worker stopped: wiped, and the key is marked never saved', async () => {
    await signedIn(h.exchange, h.service);
    const bot = await download();
    h.restart();
    h.advance(SECRET_TTL_MS + 1);
    h.exchange.setClockOffset(SECRET_TTL_MS + 1); // Kalshi's clock moves with ours
    expect(await h.service.takeSecret({ environment: 'demo' })).toBeNull();
    expect(h.session.value).toBeUndefined();
    expect(await item(bot.keyId)).toMatchObject({ lost: 'never_saved', held: false });
  });

  it('a minute before, it is still there', async () => {
    await signedIn(h.exchange, h.service);
    const bot = await download();
    h.restart();
    h.advance(SECRET_TTL_MS - 60_000);
    h.exchange.setClockOffset(SECRET_TTL_MS - 60_000);
    expect((await h.service.takeSecret({ environment: 'demo' }))?.keyId).toBe(bot.keyId);
  });

  it('Done wipes it from the session at once', async () => {
    await signedIn(h.exchange, h.service);
    const bot = await download();
    await h.service.confirmSecretSaved({ environment: 'demo', keyId: bot.keyId });
    expect(h.session.value).toBeUndefined();
    h.restart();
    expect(await h.service.takeSecret({ environment: 'demo' })).toBeNull();
    expect(await item(bot.keyId)).not.toHaveProperty('lost');
  });

  it('the browser closes: gone, and the key is marked never saved', async () => {
    await signedIn(h.exchange, h.service);
    const bot = await download();
    h.closeBrowser();
    expect(await h.service.takeSecret({ environment: 'demo' })).toBeNull();
    expect(await item(bot.keyId)).toMatchObject({ lost: 'never_saved' });
  });
});

describe('a store write that fails after Kalshi made the key', () => {
  it('the key is still handed over and kept; the list says it waits to be saved, then never saved — never “a lost request”', async () => {
    await signedIn(h.exchange, h.service);
    const refusing = { ...h.store, answerCreate: () => Promise.reject(new AppError('storage_failed')) };
    const service = h.make({ store: refusing });
    const bot = await service.createApiKey(newKey('bot', { destination: 'download', algorithm: 'RSA-PSS' }));
    expect(bot.secret?.pem).toContain('PRIVATE KEY');
    h.restart();
    expect((await h.service.takeSecret({ environment: 'demo' }))?.secret.pem).toBe(bot.secret!.pem);
    const waiting = await item(bot.keyId);
    expect(waiting).toMatchObject({ awaitingSave: true });
    expect(waiting).not.toHaveProperty('maybeLostAnswer');
    h.advance(SECRET_TTL_MS + 1);
    h.exchange.setClockOffset(SECRET_TTL_MS + 1);
    expect(await item(bot.keyId)).toMatchObject({ lost: 'never_saved' });
  });
});

describe('the wipe at the promised minute does not wait for a running worker', () => {
  it('asks to be woken at the promised time, and the woken worker wipes the slot', async () => {
    let now = 1_000_000;
    const wakes: number[] = [];
    const store = await openKeyStore(`wake-${Math.random()}`);
    const keeper = createSecretKeeper({ now: () => now, slot: h.session, sealKey: () => store.sealingKey(), wake: (at) => wakes.push(at) });
    const expiresAt = now + SECRET_TTL_MS;
    await keeper.keep({ environment: 'demo', keyId: 'k1', keyName: 'bot', secret: { pem: 'sealed text', fileName: 'bot.key' }, expiresAt });
    expect(wakes).toEqual([expiresAt]);
    // The browser stopped the worker; at the alarm a new one starts with nothing in memory.
    now = expiresAt;
    const woken = createSecretKeeper({ now: () => now, slot: h.session, sealKey: () => store.sealingKey() });
    expect(await woken.sweep()).toBe(true);
    expect(h.session.value).toBeUndefined();
    store.close();
  });
});
