/**
 * Kalshi is the source of truth: a 403 is read by its status and endpoint (and, for the location
 * attestation, Kalshi's documented words), never by a code string; Kalshi's own words travel
 * beside ours as `said`. Real WebCrypto keys, real HTTPS to the local exchange.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LOCATION_ATTESTATION_MESSAGE } from '../../exchange/http';
import { UPLOAD_REFUSALS, startExchange, type Exchange, type UploadRefusalShape } from '../../exchange/server';
import { createKalshiClient } from '../../lib/kalshi/client';
import { generateKeyPair, importPrivateKey } from '../../lib/key-formats/crypto-keys';
import { parsePrivateKeyPem } from '../../lib/key-formats/pem';
import { spkiToPem } from '../../lib/key-formats/pem-write';
import { AppError, type ErrorCode } from '../../lib/shared/errors';
import { exchangeFetch } from '../helpers/exchange-fetch';

const P = '/trade-api/v2';
let exchange: Exchange;
let publicKey: string;

beforeAll(async () => {
  exchange = await startExchange({ port: 0 });
  publicKey = spkiToPem((await generateKeyPair('Ed25519')).spki);
});
afterAll(() => exchange.close());
beforeEach(() => exchange.reset());

/** A client signing with a freshly seeded demo key (Ed25519: quick to make). */
async function clientFor(opts: Parameters<Exchange['seedAccount']>[1] = {}) {
  const seeded = exchange.seedAccount('demo', { keyType: 'ed25519', ...opts });
  const parsed = parsePrivateKeyPem(seeded.privateKeyPem);
  const privateKey = await importPrivateKey(parsed);
  return createKalshiClient({
    environment: 'demo',
    signingKey: { keyId: seeded.keyId, algorithm: parsed.algorithm, privateKey },
    fetch: exchangeFetch(exchange),
    sleep: async () => {},
  });
}

async function failure(promise: Promise<unknown>, code: ErrorCode): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  return error as AppError;
}

const SAID: Record<UploadRefusalShape, string> = {
  forbidden: 'insufficient API usage level',
  'no-code': 'insufficient API usage level',
  spec: 'Forbidden - insufficient API usage level, or fcm_subtrader_id from a non-FCM caller',
};

describe('the upload refusal: a 403 on POST /api_keys without fcm_subtrader_id', () => {
  it.each(Object.keys(UPLOAD_REFUSALS) as UploadRefusalShape[])(
    'body shape %s → usage_tier, with Kalshi’s words and never JSON',
    async (shape) => {
      exchange.setUploadRefusal(shape);
      const client = await clientFor({ usageTier: 'basic' });
      const error = await failure(client.createApiKey({ name: 'laptop', public_key: publicKey }), 'usage_tier');
      expect(error.said).toBe(SAID[shape]);
      expect(error.toInfo()).toEqual({ code: 'usage_tier', detail: expect.stringContaining('answered 403') as string, said: SAID[shape] });
      expect(error.said).not.toMatch(/[{}"]/);
      expect(exchange.requests.at(-1)).toMatchObject({ method: 'POST', path: `${P}/api_keys`, status: 403 });
    },
  );

  it('any code at all, a code that names the tier, or no body: still usage_tier (the status and endpoint decide)', async () => {
    const client = await clientFor({ usageTier: 'premier' });
    for (const body of [
      { error: { code: 'permission_denied', message: 'nope' } },
      { error: { code: 'usage_level_insufficient', message: 'insufficient API usage level' } },
      '',
    ]) {
      exchange.failNext({ method: 'POST', path: `${P}/api_keys` }, { status: 403, body });
      await failure(client.createApiKey({ name: 'laptop', public_key: publicKey }), 'usage_tier');
    }
  });

  it('the same 403 body on POST /api_keys/generate is forbidden (generate has no tier gate)', async () => {
    const client = await clientFor();
    for (const body of Object.values(UPLOAD_REFUSALS)) {
      exchange.failNext({ method: 'POST', path: `${P}/api_keys/generate` }, { status: 403, body });
      const error = await failure(client.generateApiKey({ name: 'bot' }), 'forbidden');
      expect(error.said).toMatch(/insufficient API usage level/);
    }
  });

  it('a 403 on POST /api_keys whose request carried an fcm_subtrader_id is forbidden, whatever the body', async () => {
    // The exchange's own refusal: an FCM binding from a caller that is not an FCM member.
    const client = await clientFor({ usageTier: 'premier' });
    const id = `${exchange.userId('demo')}_A1`;
    const error = await failure(client.createApiKey({ name: 'sub', public_key: publicKey, fcm_subtrader_id: id }), 'forbidden');
    expect(error.said).toMatch(/FCM/);
    // And the upload refusal's exact words, when the request was an FCM binding.
    exchange.failNext({ method: 'POST', path: `${P}/api_keys` }, { status: 403, body: UPLOAD_REFUSALS.forbidden });
    await failure(client.createApiKey({ name: 'sub', public_key: publicKey, fcm_subtrader_id: id }), 'forbidden');
  });

  it('other 403s elsewhere stay forbidden (a scope the key lacks)', async () => {
    const client = await clientFor({ scopes: ['read::portfolio_balance'] });
    const error = await failure(client.listApiKeys(), 'forbidden');
    expect(error.said).toMatch(/scope/);
  });
});

describe('the location attestation', () => {
  it('Kalshi’s words on a 403 → location_attestation, its words in `said`', async () => {
    const client = await clientFor();
    // Kalshi refuses trading with these words; the sandbox serves no trading endpoint, so they are injected.
    const body = { error: { code: 'forbidden', message: LOCATION_ATTESTATION_MESSAGE } };
    exchange.failNext({ method: 'GET', path: `${P}/portfolio/balance` }, { status: 403, body });
    const error = await failure(client.getPortfolioBalance(), 'location_attestation');
    expect(error.said).toBe(LOCATION_ATTESTATION_MESSAGE);
    expect(error.toInfo().said).toBe(LOCATION_ATTESTATION_MESSAGE);
  });

  it('on any endpoint and in any shape, in message or details, including POST /api_keys', async () => {
    const client = await clientFor({ usageTier: 'premier' });
    const words = 'Your location attestation for API trading is missing or expired.';
    const bodies = [
      { error: { code: words, message: words } },
      { error: { code: 'forbidden', message: 'forbidden', details: words } },
      { code: 'forbidden', message: words },
    ];
    for (const body of bodies) {
      exchange.failNext({ method: 'POST', path: `${P}/api_keys` }, { status: 403, body });
      const error = await failure(client.createApiKey({ name: 'laptop', public_key: publicKey }), 'location_attestation');
      expect(error.said).toContain(words);
      exchange.failNext({ method: 'GET', path: `${P}/api_keys` }, { status: 403, body });
      await failure(client.listApiKeys(), 'location_attestation');
    }
  });

  it('the words alone decide: a code naming the attestation without the words is forbidden', async () => {
    const client = await clientFor();
    exchange.failNext(
      { method: 'GET', path: `${P}/api_keys` },
      { status: 403, body: { error: { code: 'location_attestation_required' } } },
    );
    await failure(client.listApiKeys(), 'forbidden');
  });
});

describe('Kalshi’s words on other answers', () => {
  it('a 401 as seen in the wild: message and details joined', async () => {
    const seeded = exchange.seedAccount('demo', { keyType: 'ed25519' });
    const other = await generateKeyPair('Ed25519');
    const client = createKalshiClient({
      environment: 'demo',
      signingKey: { keyId: seeded.keyId, algorithm: 'Ed25519', privateKey: other.privateKey },
      fetch: exchangeFetch(exchange),
    });
    const error = await failure(client.listApiKeys(), 'unauthorized');
    expect(error.said).toBe('authentication_error — rpc error: code = Unauthenticated desc = INCORRECT_API_KEY_SIGNATURE');
  });

  it('a body that is not Kalshi’s (HTML from a proxy, JSON of another shape) gives no `said`', async () => {
    const client = await clientFor();
    for (const body of ['<html>502 Bad Gateway</html>', { status: 'down' }, [1, 2]]) {
      exchange.failNext({ method: 'GET', path: `${P}/api_keys` }, { status: 404, body });
      const error = await failure(client.listApiKeys(), 'not_found');
      expect(error.said).toBeUndefined();
      expect(Object.keys(error.toInfo()).sort()).toEqual(['code', 'detail']);
    }
  });
});
