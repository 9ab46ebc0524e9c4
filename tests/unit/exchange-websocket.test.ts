/** The sandbox's WebSocket (exchange/websocket.ts): its upgrade verified like any signed request. */
import { randomBytes } from 'node:crypto';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signText } from '../../exchange/client';
import { startExchange, type Exchange } from '../../exchange/server';
import { WEBSOCKET_PATH } from '../../exchange/websocket';

let exchange: Exchange;
beforeAll(async () => {
  exchange = await startExchange({ port: 0 });
});
afterAll(() => exchange.close());

/** The status of an upgrade to `path` with `headers` (101 when switched). */
function upgrade(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: exchange.port,
      servername: 'external-api.demo.kalshi.co',
      ca: exchange.ca,
      path,
      headers: {
        host: 'external-api.demo.kalshi.co',
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
        ...headers,
      },
    });
    req.on('upgrade', (res, socket) => (socket.destroy(), resolve(res.statusCode ?? 0)));
    req.on('response', (res) => (res.resume(), resolve(res.statusCode ?? 0)));
    req.on('error', reject);
    req.end();
  });
}

describe('the sandbox’s WebSocket', () => {
  it('switches only for a signature of GET /trade-api/ws/v2 by a key it knows', async () => {
    const key = exchange.seedAccount('demo');
    const signed = (text: string, ts = String(Date.now())) => ({
      'KALSHI-ACCESS-KEY': key.keyId,
      'KALSHI-ACCESS-TIMESTAMP': ts,
      'KALSHI-ACCESS-SIGNATURE': signText(key.privateKeyPem, text),
    });
    const now = String(Date.now());
    expect(await upgrade(WEBSOCKET_PATH, signed(`${now}GET${WEBSOCKET_PATH}`, now))).toBe(101);
    expect(await upgrade(WEBSOCKET_PATH, {})).toBe(401);
    expect(await upgrade(WEBSOCKET_PATH, signed(`${now}GET/trade-api/v2/portfolio/balance`, now))).toBe(401);
    const stale = String(Date.now() - 120_000);
    expect(await upgrade(WEBSOCKET_PATH, signed(`${stale}GET${WEBSOCKET_PATH}`, stale))).toBe(401);
    expect(await upgrade('/trade-api/ws/v3', signed(`${now}GET/trade-api/ws/v3`, now))).toBe(404);
  });
});
