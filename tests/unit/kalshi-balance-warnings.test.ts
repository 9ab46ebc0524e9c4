/**
 * The balance of a subaccount key (`?subaccount=N`, not signed) and the `warning` Kalshi may send
 * with a new key. Real WebCrypto keys, real HTTPS to the local exchange.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FCM_WARNING } from '../../exchange/key-routes';
import { startExchange, type Exchange } from '../../exchange/server';
import { createKalshiClient } from '../../lib/kalshi/client';
import { parseBalance, parseCreated, parseGenerated } from '../../lib/kalshi/wire-types';
import { generateKeyPair, importPrivateKey } from '../../lib/key-formats/crypto-keys';
import { parsePrivateKeyPem } from '../../lib/key-formats/pem';
import { spkiToPem } from '../../lib/key-formats/pem-write';
import { AppError } from '../../lib/shared/errors';
import { exchangeFetch } from '../helpers/exchange-fetch';

const P = '/trade-api/v2';
let exchange: Exchange;

beforeAll(async () => {
  exchange = await startExchange({ port: 0 });
});
afterAll(() => exchange.close());
beforeEach(() => exchange.reset());

async function clientFor(opts: Parameters<Exchange['seedAccount']>[1] = {}) {
  const seeded = exchange.seedAccount('demo', { keyType: 'ed25519', ...opts });
  const parsed = parsePrivateKeyPem(seeded.privateKeyPem);
  return createKalshiClient({
    environment: 'demo',
    signingKey: { keyId: seeded.keyId, algorithm: parsed.algorithm, privateKey: await importPrivateKey(parsed) },
    fetch: exchangeFetch(exchange),
    sleep: async () => {},
  });
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as AppError,
  );

describe('getPortfolioBalance(subaccount?)', () => {
  it('a key restricted to subaccount 3 proves itself with its own subaccount; the query is not signed', async () => {
    const client = await clientFor({ subaccount: 3, scopes: ['read::portfolio_balance'] });
    exchange.setBalance('demo', 123_456, { subaccount: 3 });
    expect(await client.getPortfolioBalance(3)).toEqual({ balance: 123_456, balance_dollars: '1234.56' });
    // The exchange checks the signature over the path without the query, as Kalshi does: a 200 proves it.
    expect(exchange.requests).toEqual([
      expect.objectContaining({ method: 'GET', path: `${P}/portfolio/balance`, query: 'subaccount=3', status: 200 }),
    ]);
  });

  it('the same key without the query acts for its subaccount (Kalshi’s newest docs); subaccount 0 is sent when asked for', async () => {
    const client = await clientFor({ subaccount: 3 });
    exchange.setBalance('demo', 4_200, { subaccount: 3 });
    expect(await client.getPortfolioBalance()).toEqual({ balance: 4_200, balance_dollars: '42.00' });
    await failureOf(client.getPortfolioBalance(0));
    expect(exchange.requests.map((r) => r.query)).toEqual(['', 'subaccount=0']);
  });

  it('a key for the whole account: no query unless asked for', async () => {
    const client = await clientFor();
    exchange.setBalance('demo', 700, { subaccount: 5 });
    expect(await client.getPortfolioBalance()).toMatchObject({ balance: 100_000 });
    expect(await client.getPortfolioBalance(5)).toEqual({ balance: 700, balance_dollars: '7.00' });
    expect(exchange.requests.map((r) => r.query)).toEqual(['', 'subaccount=5']);
  });

  it.each([64, -1, 1.5, Number.NaN])('subaccount %s is refused before anything is sent', async (n) => {
    const client = await clientFor();
    expect((await failureOf(client.getPortfolioBalance(n)))?.code).toBe('invalid_subaccount');
    expect(exchange.requests).toEqual([]);
  });

  it('parseBalance keeps `balance` (cents) and reads `balance_dollars` when present', () => {
    expect(parseBalance({ balance: 100, balance_dollars: '1.00', portfolio_value: 0 })).toEqual({ balance: 100, balance_dollars: '1.00' });
    expect(parseBalance({ balance: 100 })).toEqual({ balance: 100, balance_dollars: null });
    expect(parseBalance({ balance: -250, balance_dollars: '-2.50' })).toEqual({ balance: -250, balance_dollars: '-2.50' });
    expect(parseBalance({ balance: 100, balance_dollars: 1 })).toEqual({ balance: 100, balance_dollars: null });
    expect(parseBalance({ balance: 100, balance_dollars: '<b>1</b>' })).toEqual({ balance: 100, balance_dollars: null });
    expect(parseBalance({ balance_dollars: '1.00' })).toBeUndefined();
    expect(parseBalance({ balance: '100' })).toBeUndefined();
    expect(parseBalance({ balance: Number.POSITIVE_INFINITY })).toBeUndefined();
  });
});

describe('warnings on new keys', () => {
  let publicKey: string;
  beforeAll(async () => {
    publicKey = spkiToPem((await generateKeyPair('Ed25519')).spki);
  });

  it('create and generate bound to an FCM subtrader carry Kalshi’s warning', async () => {
    exchange.setFcmMember('demo', true);
    const client = await clientFor({ usageTier: 'premier' });
    const subtrader = `${exchange.userId('demo')}_A1`;
    const created = await client.createApiKey({ name: 'sub', public_key: publicKey, fcm_subtrader_id: subtrader });
    expect(created).toEqual({ api_key_id: expect.any(String) as string, warning: FCM_WARNING });
    const generated = await client.generateApiKey({ name: 'sub2', fcm_subtrader_id: `${exchange.userId('demo')}_B2` });
    expect(generated.warning).toBe(FCM_WARNING);
    expect(generated.private_key).toMatch(/PRIVATE KEY/);
  });

  it('without a binding the warning is null', async () => {
    const client = await clientFor({ usageTier: 'premier' });
    expect((await client.createApiKey({ name: 'laptop', public_key: publicKey })).warning).toBeNull();
    expect((await client.generateApiKey({ name: 'bot', key_type: 'ed25519' })).warning).toBeNull();
  });

  it('parseCreated and parseGenerated: a string warning as plain text; null, absent, empty or not a string is none', () => {
    const generated = { api_key_id: 'k', private_key: 'p', key_type: 'rsa' };
    expect(parseCreated({ api_key_id: 'k', warning: 'no risk caps' })).toEqual({ api_key_id: 'k', warning: 'no risk caps' });
    expect(parseCreated({ api_key_id: 'k', warning: ' two\nlines\u0007 ' })).toEqual({ api_key_id: 'k', warning: 'two lines' });
    for (const warning of [null, undefined, '', '  ', 5, { text: 'x' }]) {
      expect(parseCreated({ api_key_id: 'k', warning })).toEqual({ api_key_id: 'k', warning: null });
      expect(parseGenerated({ ...generated, warning })).toEqual({ ...generated, warning: null });
    }
    expect(parseGenerated({ ...generated, warning: 'w' })?.warning).toBe('w');
    expect(parseCreated({ api_key_id: 'k', warning: 'x'.repeat(1_000) })!.warning!.length).toBeLessThanOrEqual(300);
  });
});
