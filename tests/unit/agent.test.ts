/**
 * kalshi-keys-agent (agent/) end to end in Node: a bot's plain HTTP request to the agent, the
 * extension's decision and signature (lib/bots, with a real non-extractable key), and the local
 * exchange, which verifies every signature on its own. Refusals are proven by what never reached it.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAgent, type Agent, type SignRequest } from '../../agent/src/server';
import { startExchange, type Exchange } from '../../exchange/server';
import { frame, readFrames, WEBSOCKET_PATH } from '../../exchange/websocket';
import { createBudgets } from '../../lib/bots/budget';
import { PRESETS, type Grant, type Power } from '../../lib/bots/grants';
import { createBotSigning } from '../../lib/bots/signing';
import { hashToken, newToken } from '../../lib/bots/tokens';
import { importPrivateKey } from '../../lib/key-formats/crypto-keys';
import { parsePrivateKeyPem } from '../../lib/key-formats/pem';
import type { SigningKey } from '../../lib/kalshi/signer';

let exchange: Exchange;
let agent: Agent;
let key: SigningKey;
const grants: Grant[] = [];
let browserOpen = true;
let paused = false;
/** Kalshi's status for each request the extension signed, as the agent reports it. */
const outcomes: number[] = [];
const P = '/trade-api/v2';

/** Admits a bot: a grant over the held key, and its token, shown once. */
async function admit(name: string, powers: readonly Power[], extra: Partial<Grant> = {}): Promise<string> {
  const token = newToken();
  grants.push({
    id: `g${grants.length}`,
    name,
    environment: 'demo',
    keyId: key.keyId,
    account: null,
    powers: [...powers],
    createdAt: Date.now(),
    expiresAt: Date.now() + 3_600_000,
    perSecond: 50,
    tokenHash: await hashToken(token),
    ...extra,
  });
  return token;
}

/**
 * A bot's WebSocket through the agent: the upgrade with the token, one subscribe command, and the
 * messages that come back until `count` are in; or the refusal's status when there is no upgrade.
 */
function botWebSocket(headers: Record<string, string>, count: number): Promise<{ status: number; messages: unknown[] }> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: agent.port,
      path: WEBSOCKET_PATH,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
        ...headers,
      },
    });
    req.on('response', (res) => resolve({ status: res.statusCode ?? 0, messages: [] }));
    req.on('upgrade', (res, socket: Socket, head: Buffer) => {
      const messages: unknown[] = [];
      let pending = head;
      socket.on('data', (chunk: Buffer) => {
        const { frames, rest } = readFrames(Buffer.concat([pending, chunk]));
        pending = rest;
        for (const [, payload] of frames) messages.push(JSON.parse(payload.toString('utf8')));
        if (messages.length >= count) (socket.destroy(), resolve({ status: res.statusCode ?? 0, messages }));
      });
      socket.write(frame(0x1, Buffer.from(JSON.stringify({ id: 1, cmd: 'subscribe', params: { channels: ['ticker'] } })), randomBytes(4)));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A bot's request to the agent, as an SDK whose host is the agent sends it. */
function botRequest(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; json: unknown; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: agent.port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, json: text ? (JSON.parse(text) as unknown) : undefined, headers: res.headers }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}
const asBot = (token: string) => ({ host: `127.0.0.1:${agent.port}`, 'KALSHI-ACCESS-KEY': token });
const reachedExchange = (path: string) => exchange.requests.filter((r) => r.path === path).length;

beforeAll(async () => {
  exchange = await startExchange({ port: 0 });
  const seeded = exchange.seedAccount('demo', { name: 'bot key' });
  key = { keyId: seeded.keyId, algorithm: 'RSA-PSS', privateKey: await importPrivateKey(parsePrivateKeyPem(seeded.privateKeyPem)) };
  const sign = createBotSigning({
    grants: async () => grants,
    keyOf: async (grant) => (grant.keyId === key.keyId ? key : undefined),
    budgets: createBudgets(),
    now: Date.now,
    paused: () => paused,
  });
  agent = await startAgent({
    port: 0,
    sign: async (r: SignRequest) => {
      if (!browserOpen) throw new Error('native port closed');
      return sign(r);
    },
    upstream: () => ({ host: '127.0.0.1', port: exchange.port, ca: exchange.ca }),
    outcome: (_answer, status) => void outcomes.push(status),
  });
});
afterAll(async () => {
  await agent.close();
  await exchange.close();
});
beforeEach(() => {
  browserOpen = true;
  paused = false;
  outcomes.length = 0;
});

describe('a bot through the agent', () => {
  it('reads its balance with a token for a key id: signed by the extension, verified by the exchange', async () => {
    const token = await admit('reader', PRESETS.read);
    const reply = await botRequest('GET', `${P}/portfolio/balance`, {
      ...asBot(token),
      // An unmodified SDK signs with its placeholder key too: that signature is dropped, not forwarded.
      'KALSHI-ACCESS-SIGNATURE': 'placeholder',
      'KALSHI-ACCESS-TIMESTAMP': '1',
    });
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ balance: expect.any(Number) });
    expect(reply.headers['access-control-allow-origin']).toBeUndefined();
    expect(outcomes).toEqual([200]);
  });

  it('takes the token as a bearer header too, and keeps the query out of what is signed', async () => {
    const token = await admit('bearer', PRESETS.read);
    const reply = await botRequest('DELETE', `${P}/api_keys/k1?x=1`, { host: `localhost:${agent.port}`, authorization: `Bearer ${token}` });
    // Deleting a key needs the keys power: refused, and never sent.
    expect(reply).toMatchObject({ status: 403, json: { error: { code: 'outside_grant' } } });
    expect(
      (await botRequest('GET', `${P}/portfolio/balance?x=1`, { host: `localhost:${agent.port}`, authorization: `Bearer ${token}` })).status,
    ).toBe(200);
  });

  it('a Trade grant places an order: the exchange records it, and lists it back through the agent', async () => {
    const token = await admit('trader', PRESETS.trade);
    const order = {
      ticker: 'KXBTC-26DEC31-T100000',
      side: 'yes',
      action: 'buy',
      count: 3,
      type: 'limit',
      yes_price: 42,
      client_order_id: 'bot-1',
    };
    const placed = await botRequest(
      'POST',
      `${P}/portfolio/orders`,
      { ...asBot(token), 'content-type': 'application/json' },
      JSON.stringify(order),
    );
    expect(placed).toMatchObject({
      status: 201,
      json: {
        order: { ticker: order.ticker, side: 'yes', action: 'buy', yes_price: 42, no_price: 58, remaining_count: 3, status: 'resting' },
      },
    });
    const listed = await botRequest('GET', `${P}/portfolio/orders?ticker=${order.ticker}`, asBot(token));
    expect(listed).toMatchObject({ status: 200, json: { orders: [{ client_order_id: 'bot-1', yes_price_dollars: '0.42' }] } });
    // Kalshi's words for a malformed order come back as Kalshi sent them.
    const bad = await botRequest(
      'POST',
      `${P}/portfolio/orders`,
      { ...asBot(token), 'content-type': 'application/json' },
      '{"side":"yes"}',
    );
    expect(bad).toMatchObject({ status: 400, json: { error: { code: 'invalid_parameters' } } });
  });

  it('a WebSocket through the agent: the upgrade signed by the extension, the exchange’s messages back', async () => {
    const token = await admit('streamer', PRESETS.read);
    const { status, messages } = await botWebSocket(asBot(token), 2);
    expect(status).toBe(101);
    expect(messages).toEqual([
      { id: 1, type: 'subscribed', msg: { channel: 'ticker', sid: 1 } },
      { type: 'ticker', sid: 1, seq: 1, msg: expect.objectContaining({ market_ticker: 'SANDBOX' }) },
    ]);
    // Refused before any upgrade: an unknown token, a web page.
    expect((await botWebSocket(asBot(newToken()), 1)).status).toBe(401);
    expect((await botWebSocket({ ...asBot(token), origin: 'https://evil.example' }, 1)).status).toBe(403);
    expect(outcomes).toEqual([101]); // the refused ones were never signed, so they have no outcome
  });

  it('a Read only grant’s order is refused in words and never reaches the exchange', async () => {
    const token = await admit('reader', PRESETS.read);
    const before = reachedExchange(`${P}/portfolio/orders`);
    const reply = await botRequest(
      'POST',
      `${P}/portfolio/orders`,
      { ...asBot(token), 'content-type': 'application/json' },
      '{"ticker":"X"}',
    );
    expect(reply).toMatchObject({
      status: 403,
      json: {
        error: {
          code: 'outside_grant',
          message: 'The grant “reader” does not allow placing or cancelling orders: POST /trade-api/v2/portfolio/orders was not signed.',
        },
      },
    });
    expect(reachedExchange(`${P}/portfolio/orders`)).toBe(before);
    expect(outcomes).toEqual([]);
  });

  it('refuses a revoked grant, an unknown token, a page’s Origin and a foreign Host, sending nothing', async () => {
    const revoked = await admit('gone', PRESETS.read, { revokedAt: Date.now() - 1 });
    const before = exchange.requests.length;
    const balance = `${P}/portfolio/balance`;
    expect(await botRequest('GET', balance, asBot(revoked))).toMatchObject({ status: 401, json: { error: { code: 'grant_revoked' } } });
    expect(await botRequest('GET', balance, asBot(newToken()))).toMatchObject({ status: 401, json: { error: { code: 'unknown_grant' } } });
    const token = await admit('reader', PRESETS.read);
    expect(await botRequest('GET', balance, { ...asBot(token), origin: 'https://evil.example' })).toMatchObject({
      status: 403,
      json: { error: { code: 'origin_refused' } },
    });
    expect(await botRequest('GET', balance, { ...asBot(token), host: `evil.example:${agent.port}` })).toMatchObject({
      status: 421,
      json: { error: { code: 'host_refused' } },
    });
    expect(await botRequest('GET', `${P}/portfolio/../api_keys`, asBot(token))).toMatchObject({
      status: 403,
      json: { error: { code: 'not_kalshi_api' } },
    });
    expect(exchange.requests.length).toBe(before);
  });

  it('the browser closed: 503 in words; paused: refused until resumed', async () => {
    const token = await admit('reader', PRESETS.read);
    browserOpen = false;
    expect(await botRequest('GET', `${P}/portfolio/balance`, asBot(token))).toMatchObject({
      status: 503,
      json: { error: { code: 'browser_closed', message: expect.stringContaining('The browser holding your keys is closed') } },
    });
    browserOpen = true;
    paused = true;
    expect(await botRequest('GET', `${P}/portfolio/balance`, asBot(token))).toMatchObject({
      status: 403,
      json: { error: { code: 'bots_paused' } },
    });
    paused = false;
    expect((await botRequest('GET', `${P}/portfolio/balance`, asBot(token))).status).toBe(200);
  });

  it('a grant whose key is no longer held here: refused, and the bot is told to be admitted again', async () => {
    const token = await admit('orphan', PRESETS.read, { keyId: 'forgotten-key' });
    expect(await botRequest('GET', `${P}/portfolio/balance`, asBot(token))).toMatchObject({
      status: 403,
      json: { error: { code: 'grant_key_gone', message: expect.stringContaining('admit the bot again') } },
    });
  });

  it('over the grant’s rate: 429 before anything is signed', async () => {
    const token = await admit('slow', PRESETS.read, { perSecond: 2 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await botRequest('GET', `${P}/portfolio/balance`, asBot(token))).status);
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses).toContain(429);
  });
});
