/**
 * The client's account facts against the local exchange: the attestation expiry from the key list,
 * limits with budgets and grants, volume progress, the upgrade (its 2xx and its 403) and the
 * communications id. Real WebCrypto signing, real HTTPS; malformed answers injected as faults.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callExchange } from '../../exchange/client';
import { LOCATION_ATTESTATION_MESSAGE } from '../../exchange/http';
import { startExchange, type Exchange } from '../../exchange/server';
import { GRANT_SOURCE_MAX_LENGTH, parseLimits } from '../../lib/kalshi/account-wire-types';
import { createKalshiClient } from '../../lib/kalshi/client';
import { importPrivateKey } from '../../lib/key-formats/crypto-keys';
import { parsePrivateKeyPem } from '../../lib/key-formats/pem';
import { AppError, type ErrorCode } from '../../lib/shared/errors';
import { exchangeFetch } from '../helpers/exchange-fetch';

const P = '/trade-api/v2';
const T0 = 1_800_000_000_000;
const DAY_S = 86_400;
let exchange: Exchange;
let clock = T0;

beforeAll(async () => {
  exchange = await startExchange({ port: 0, now: () => clock });
});
afterAll(() => exchange.close());
beforeEach(() => {
  exchange.reset();
  clock = T0;
});

/** A client signing with a freshly seeded key (Ed25519: quick to make), on the exchange's clock. */
async function clientFor(opts: Parameters<Exchange['seedAccount']>[1] = {}, environment: 'demo' | 'production' = 'demo') {
  const seeded = exchange.seedAccount(environment, { keyType: 'ed25519', ...opts });
  const parsed = parsePrivateKeyPem(seeded.privateKeyPem);
  return createKalshiClient({
    environment,
    signingKey: { keyId: seeded.keyId, algorithm: parsed.algorithm, privateKey: await importPrivateKey(parsed) },
    fetch: exchangeFetch(exchange),
    now: () => clock,
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

const posts = (path: string) => exchange.requests.filter((r) => r.method === 'POST' && r.path === `${P}${path}`);

describe('GET /api_keys with the location attestation', () => {
  it('absent until the account attests, then Kalshi’s seconds as sent; the plain list is unchanged', async () => {
    const client = await clientFor({ name: 'laptop' });
    const before = await client.listApiKeysWithAttestation();
    expect(before.api_key_region_expiration_ts).toBeNull();
    expect(before.api_keys.map((k) => k.name)).toEqual(['laptop']);
    exchange.setRegionExpiration('demo', 1_801_000_000);
    const after = await client.listApiKeysWithAttestation();
    expect(after.api_key_region_expiration_ts).toBe(1_801_000_000);
    expect(await client.listApiKeys()).toEqual(after.api_keys);
    exchange.setLocationAttestation('demo', 'expired');
    expect((await client.listApiKeysWithAttestation()).api_key_region_expiration_ts).toBe(T0 / 1000 - DAY_S);
    exchange.setLocationAttestation('demo', 'missing');
    expect((await client.listApiKeysWithAttestation()).api_key_region_expiration_ts).toBeNull();
  });

  it('null is absent; extra fields are ignored', async () => {
    const client = await clientFor();
    exchange.failNext(
      { method: 'GET', path: `${P}/api_keys` },
      { status: 200, body: { api_keys: [], api_key_region_expiration_ts: null } },
    );
    expect(await client.listApiKeysWithAttestation()).toEqual({ api_keys: [], api_key_region_expiration_ts: null });
    exchange.failNext(
      { method: 'GET', path: `${P}/api_keys` },
      { status: 200, body: { api_keys: [], api_key_region_expiration_ts: 1_801_000_000, cursor: 'x', region: { id: 1 } } },
    );
    expect(await client.listApiKeysWithAttestation()).toEqual({ api_keys: [], api_key_region_expiration_ts: 1_801_000_000 });
  });

  it.each([['1801000000'], [-1], [true], [{ ts: 1 }]])('an expiry of %j is refused, while the plain key list still reads', async (ts) => {
    const client = await clientFor({ name: 'laptop' });
    const body = { api_keys: [{ api_key_id: 'k1', name: 'n', scopes: ['read'] }], api_key_region_expiration_ts: ts };
    exchange.failNext({ method: 'GET', path: `${P}/api_keys` }, { status: 200, body });
    await failure(client.listApiKeysWithAttestation(), 'unexpected_response');
    exchange.failNext({ method: 'GET', path: `${P}/api_keys` }, { status: 200, body });
    expect((await client.listApiKeys()).map((k) => k.api_key_id)).toEqual(['k1']);
  });
});

describe('GET /account/limits', () => {
  it('the effective level, the budgets as Kalshi sends them, and the default 30-day volume grant', async () => {
    const client = await clientFor({ usageTier: 'premier' });
    expect(await client.getAccountLimits()).toEqual({
      usage_tier: 'premier',
      read: { refill_rate: 1200, bucket_capacity: 1200 },
      write: { refill_rate: 1200, bucket_capacity: 3600 },
      grants: [{ exchange_instance: 'event_contract', level: 'premier', source: 'volume', expires_ts: T0 / 1000 + 30 * DAY_S }],
    });
    exchange.setUsageTier('demo', 'basic');
    expect(await client.getAccountLimits()).toEqual({
      usage_tier: 'basic',
      read: { refill_rate: 200, bucket_capacity: 600 },
      write: { refill_rate: 100, bucket_capacity: 100 },
      grants: [],
    });
  });

  it('grants from both lanes; a permanent one has no expires_ts (absent or null)', async () => {
    const client = await clientFor({ usageTier: 'prime' });
    exchange.setGrants('demo', [
      { exchange_instance: 'event_contract', level: 'prime', source: 'manual' },
      { exchange_instance: 'margined', level: 'expert', source: 'volume', expires_ts: 1_801_000_000 },
    ]);
    const { grants } = await client.getAccountLimits();
    expect(grants).toEqual([
      { exchange_instance: 'event_contract', level: 'prime', source: 'manual' },
      { exchange_instance: 'margined', level: 'expert', source: 'volume', expires_ts: 1_801_000_000 },
    ]);
    expect('expires_ts' in grants[0]!).toBe(false);
    const body = {
      usage_tier: 'advanced',
      read: { refill_rate: 300, bucket_capacity: 300, burst: 'ignored' },
      write: { refill_rate: 300, bucket_capacity: 600 },
      grants: [{ exchange_instance: 'perps', level: 'advanced', source: 'manual', expires_ts: null, note: 'extra' }],
      extra: { nested: true },
    };
    exchange.failNext({ method: 'GET', path: `${P}/account/limits` }, { status: 200, body });
    expect(await client.getAccountLimits()).toEqual({
      usage_tier: 'advanced',
      read: { refill_rate: 300, bucket_capacity: 300 },
      write: { refill_rate: 300, bucket_capacity: 600 },
      grants: [{ exchange_instance: 'perps', level: 'advanced', source: 'manual' }],
    });
  });

  const good = {
    usage_tier: 'premier',
    read: { refill_rate: 1200, bucket_capacity: 1200 },
    write: { refill_rate: 1200, bucket_capacity: 1200 },
    grants: [{ exchange_instance: 'event_contract', level: 'premier', source: 'volume', expires_ts: 1_801_000_000 }],
  };
  const grant = good.grants[0]!;
  it.each([
    ['usage_tier a number', { ...good, usage_tier: 7 }],
    ['usage_tier empty', { ...good, usage_tier: '' }],
    ['read missing', { ...good, read: undefined }],
    ['refill_rate a string', { ...good, write: { refill_rate: '100', bucket_capacity: 100 } }],
    ['bucket_capacity negative', { ...good, read: { refill_rate: 200, bucket_capacity: -1 } }],
    ['grants missing', { ...good, grants: undefined }],
    ['grants an object', { ...good, grants: { premier: true } }],
    ['a grant’s expires_ts a string', { ...good, grants: [{ ...grant, expires_ts: '1801000000' }] }],
    ['a grant’s level a number', { ...good, grants: [{ ...grant, level: 4 }] }],
    ['a grant’s lane missing', { ...good, grants: [{ level: 'premier', source: 'manual' }] }],
  ])('refused: %s', async (_what, body) => {
    const client = await clientFor();
    exchange.failNext({ method: 'GET', path: `${P}/account/limits` }, { status: 200, body });
    const error = await failure(client.getAccountLimits(), 'unexpected_response');
    expect(error.detail).toBe(`GET ${P}/account/limits on external-api.demo.kalshi.co`);
  });

  it('a grant’s source is any string: one Kalshi adds later, none at all, or one of another type keeps the grant and the answer', async () => {
    const client = await clientFor();
    const body = {
      ...good,
      grants: [
        { ...grant, source: 'promotion' },
        { ...grant, source: undefined },
        { ...grant, source: 7 },
        { ...grant, source: 'market\u202e maker\u0000' },
      ],
    };
    exchange.failNext({ method: 'GET', path: `${P}/account/limits` }, { status: 200, body });
    expect((await client.getAccountLimits()).grants.map((g) => g.source)).toEqual(['promotion', '', '', 'market maker']);
  });

  it('property: whatever the grants’ sources, every grant is kept with its source as plain text; a word comes as sent', () => {
    const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_ -]{0,40}[A-Za-z0-9]$/);
    const anything = fc.oneof(fc.string(), fc.string({ unit: 'binary', maxLength: 200 }), fc.jsonValue());
    const source = fc.oneof(
      fc.constantFrom('volume', 'manual'),
      word.map((w) => ({ word: w })),
      anything.map((a) => ({ any: a })),
    );
    fc.assert(
      fc.property(fc.array(source, { maxLength: 6 }), (sources) => {
        const sent = sources.map((s) => (typeof s === 'string' ? s : 'word' in s ? s.word : s.any));
        const limits = parseLimits({ ...good, grants: sent.map((s) => ({ ...grant, source: s })) });
        expect(limits?.grants).toHaveLength(sent.length);
        limits!.grants.forEach((g, i) => {
          expect(g.source).not.toMatch(/[\p{Cc}\p{Cf}]/u);
          expect(Array.from(g.source).length).toBeLessThanOrEqual(GRANT_SOURCE_MAX_LENGTH);
          const s = sources[i]!;
          if (typeof s === 'string' || ('word' in s && !/ {2}/.test(s.word))) expect(g.source).toBe(sent[i]);
          if (typeof sent[i] !== 'string') expect(g.source).toBe('');
        });
      }),
      { numRuns: 1_000 },
    );
  });

  it('a 200 whose body is not JSON is refused', async () => {
    const client = await clientFor();
    exchange.failNext({ method: 'GET', path: `${P}/account/limits` }, { garble: true });
    await failure(client.getAccountLimits(), 'unexpected_response');
    expect(exchange.requests.at(-1)).toMatchObject({ path: `${P}/account/limits`, status: 200 });
  });
});

describe('GET /account/api_usage_level/volume_progress', () => {
  it('the double’s default report, then one a test sets, as sent', async () => {
    const client = await clientFor();
    const [first, ...rest] = await client.getVolumeProgress();
    expect(rest).toEqual([]);
    expect(first!.trailing_30d_volume_fp).toBe('0.00');
    expect(first!.computed_ts).toBe(T0 / 1000 - ((T0 / 1000) % DAY_S));
    expect(first!.goals.map((g) => [g.level, g.earn_volume_goal_fp])).toEqual([
      ['expert', '10000.00'],
      ['premier', '100000.00'],
      ['paragon', '1000000.00'],
      ['prime', '5000000.00'],
      ['prestige', '20000000.00'],
    ]);
    const progress = [
      {
        computed_ts: 1_796_000_000,
        trailing_30d_volume_fp: '12345.5',
        goals: [{ level: 'premier' as const, earn_volume_goal_fp: '100000', keep_volume_goal_fp: '75000.00' }],
      },
    ];
    exchange.setVolumeProgress('demo', progress);
    expect(await client.getVolumeProgress()).toEqual(progress);
  });

  const entry = { computed_ts: 1_796_000_000, trailing_30d_volume_fp: '1.00', goals: [] };
  const goal = { level: 'premier', earn_volume_goal_fp: '100000.00', keep_volume_goal_fp: '75000.00' };
  it.each([
    ['volume_progress missing', {}],
    ['volume_progress an object', { volume_progress: entry }],
    ['computed_ts a string', { volume_progress: [{ ...entry, computed_ts: '1796000000' }] }],
    ['the volume a number', { volume_progress: [{ ...entry, trailing_30d_volume_fp: 12345 }] }],
    ['the volume with three decimals', { volume_progress: [{ ...entry, trailing_30d_volume_fp: '1.000' }] }],
    ['the volume negative', { volume_progress: [{ ...entry, trailing_30d_volume_fp: '-1.00' }] }],
    ['a goal in exponent form', { volume_progress: [{ ...entry, goals: [{ ...goal, earn_volume_goal_fp: '1e5' }] }] }],
    ['a goal without a level', { volume_progress: [{ ...entry, goals: [{ ...goal, level: undefined }] }] }],
  ])('refused: %s', async (_what, body) => {
    const client = await clientFor();
    exchange.failNext({ method: 'GET', path: `${P}/account/api_usage_level/volume_progress` }, { status: 200, body });
    await failure(client.getVolumeProgress(), 'unexpected_response');
  });
});

describe('POST /account/api_usage_level/upgrade', () => {
  it('without an API order among the last 100: upgrade_not_eligible with Kalshi’s words, sent once, nothing changed', async () => {
    const client = await clientFor({ usageTier: 'basic' });
    const error = await failure(client.upgradeUsageLevel(), 'upgrade_not_eligible');
    expect(error.said).toBe('none of your last 100 orders was placed through the API');
    expect(error.detail).toBe(`POST ${P}/account/api_usage_level/upgrade on external-api.demo.kalshi.co answered 403.`);
    expect(posts('/account/api_usage_level/upgrade').map((r) => r.status)).toEqual([403]);
    expect((await client.getAccountLimits()).usage_tier).toBe('basic');
  });

  it('with one: an empty 201, and the limits then show a permanent Advanced grant set by Kalshi', async () => {
    const client = await clientFor({ usageTier: 'basic' });
    exchange.setRecentApiOrder('demo', true);
    await expect(client.upgradeUsageLevel()).resolves.toBeUndefined();
    expect(posts('/account/api_usage_level/upgrade').map((r) => r.status)).toEqual([201]);
    const limits = await client.getAccountLimits();
    expect(limits.usage_tier).toBe('advanced');
    expect(limits.grants).toEqual([{ exchange_instance: 'event_contract', level: 'advanced', source: 'manual' }]);
  });

  it('a 204 is success too', async () => {
    const client = await clientFor();
    exchange.failNext({ method: 'POST', path: `${P}/account/api_usage_level/upgrade` }, { status: 204 });
    await expect(client.upgradeUsageLevel()).resolves.toBeUndefined();
    expect(posts('/account/api_usage_level/upgrade').map((r) => r.status)).toEqual([204]);
  });

  it('the request carries `{}` as JSON: the double refuses a body-less POST there, and accepts the client’s', async () => {
    const seeded = exchange.seedAccount('demo', { keyType: 'ed25519', usageTier: 'basic' });
    exchange.setRecentApiOrder('demo', true);
    const bare = await callExchange(exchange, '/account/api_usage_level/upgrade', { method: 'POST', key: seeded }, () => clock);
    expect([bare.status, bare.json?.error?.code]).toEqual([400, 'invalid_content_type']);
    const client = await clientFor();
    await expect(client.upgradeUsageLevel()).resolves.toBeUndefined();
    expect(posts('/account/api_usage_level/upgrade').map((r) => r.status)).toEqual([400, 201]);
    expect((await client.getAccountLimits()).usage_tier).toBe('advanced');
  });

  it('any 403 body, or none, is upgrade_not_eligible (the endpoint decides), except Kalshi’s attestation words', async () => {
    const client = await clientFor();
    for (const body of ['', { error: { code: 'permission_denied', message: 'nope' } }, { message: 'Forbidden' }]) {
      exchange.failNext({ method: 'POST', path: `${P}/account/api_usage_level/upgrade` }, { status: 403, body });
      await failure(client.upgradeUsageLevel(), 'upgrade_not_eligible');
    }
    const words = { error: { code: 'forbidden', message: LOCATION_ATTESTATION_MESSAGE } };
    exchange.failNext({ method: 'POST', path: `${P}/account/api_usage_level/upgrade` }, { status: 403, body: words });
    const error = await failure(client.upgradeUsageLevel(), 'location_attestation');
    expect(error.said).toBe(LOCATION_ATTESTATION_MESSAGE);
    // The same refusal on a GET of the same family is plain forbidden.
    exchange.failNext({ method: 'GET', path: `${P}/account/limits` }, { status: 403 });
    await failure(client.getAccountLimits(), 'forbidden');
  });

  it('a 429 or a 500 is not retried: a POST is sent once', async () => {
    const client = await clientFor();
    exchange.failNext({ method: 'POST', path: `${P}/account/api_usage_level/upgrade` }, { status: 429 });
    await failure(client.upgradeUsageLevel(), 'rate_limited');
    exchange.failNext({ method: 'POST', path: `${P}/account/api_usage_level/upgrade` }, { status: 500 });
    await failure(client.upgradeUsageLevel(), 'exchange_error');
    expect(posts('/account/api_usage_level/upgrade').map((r) => r.status)).toEqual([429, 500]);
  });
});

describe('GET /communications/id', () => {
  it('the same for two keys of one account, different for another account', async () => {
    const a = await clientFor({ name: 'a' });
    const b = await clientFor({ name: 'b' });
    const prod = await clientFor({}, 'production');
    const id = await a.getCommunicationsId();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await b.getCommunicationsId()).toBe(id);
    expect(await prod.getCommunicationsId()).not.toBe(id);
  });

  it('extra fields are ignored and spaces around the id trimmed', async () => {
    const client = await clientFor();
    exchange.failNext({ method: 'GET', path: `${P}/communications/id` }, { status: 200, body: { communications_id: ' c-1 ', x: 1 } });
    expect(await client.getCommunicationsId()).toBe('c-1');
  });

  it.each([
    [{}],
    [{ communications_id: 42 }],
    [{ communications_id: '' }],
    [{ communications_id: 'a\u0000b' }],
    [{ communications_id: 'a\u202eb' }],
  ])('refused: %j', async (body) => {
    const client = await clientFor();
    exchange.failNext({ method: 'GET', path: `${P}/communications/id` }, { status: 200, body });
    await failure(client.getCommunicationsId(), 'unexpected_response');
  });
});
