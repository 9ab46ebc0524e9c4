/**
 * A bot as the e2e tests run one (Chromium: tests/e2e/bots.spec.ts; Firefox: tests/firefox/run.ts):
 * the built agent, its settings for one test (its own port, control socket and the local exchange),
 * and Kalshi's TypeScript SDK configured with nothing but the agent's address and a grant's token.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApiKeysApi, Configuration, OrdersApi, PortfolioApi } from 'kalshi-typescript';
import type { Exchange } from '../../exchange/server';

export const AGENT = resolve('agent/dist/kalshi-keys-agent.mjs');
export const P = '/trade-api/v2';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/** The SDK as a bot sets it up: the agent's address and the token, no private key. */
export function sdk(port: number, token: string) {
  const config = new Configuration({ basePath: `http://127.0.0.1:${port}${P}`, baseOptions: { headers: { 'KALSHI-ACCESS-KEY': token } } });
  return { portfolio: new PortfolioApi(config), keys: new ApiKeysApi(config), orders: new OrdersApi(config) };
}

/** An SDK call's refusal: its status and Kalshi-shaped error. */
export async function refusal(call: Promise<unknown>): Promise<{ status: number; code: string; message: string }> {
  const error = (await call.then(
    () => {
      throw new Error('it was not refused');
    },
    (e: unknown) => e,
  )) as { response?: { status: number; data: { error: { code: string; message: string } } } };
  if (!error.response) throw error;
  return { status: error.response.status, ...error.response.data.error };
}

/** A raw request to the agent, with headers a bot's SDK would never send. */
export const raw = (port: number, headers: Record<string, string>) =>
  new Promise<{ status: number; body: string }>((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path: `${P}/portfolio/balance`, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });

/** Admits a bot through the options page, as a person would; returns its token, shown once. */

export const ORDER = {
  ticker: 'KXBOT-26DEC31',
  side: 'bid',
  count: '2.00',
  price: '0.41',
  time_in_force: 'good_till_canceled',
  self_trade_prevention_type: 'taker_at_cross',
} as const;

/** The agent's settings for one test, in a folder of its own; `stop()` ends its daemon, whatever happened. */
export async function agentFor(exchange: Pick<Exchange, 'port' | 'ca'>, extra: NodeJS.ProcessEnv = {}) {
  const work = mkdtempSync(join(tmpdir(), 'kkm-bots-'));
  const ca = join(work, 'sandbox.pem');
  writeFileSync(ca, exchange.ca);
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KALSHI_KEYS_AGENT_PORT: String(port),
    KALSHI_KEYS_AGENT_SOCKET: join(work, 'agent.sock'),
    KALSHI_KEYS_AGENT_CONNECT_TO: `127.0.0.1:${exchange.port}`,
    NODE_EXTRA_CA_CERTS: ca,
    ...extra,
  };
  return {
    work,
    port,
    env,
    /** The agent's own command line, as a user runs it. */
    run: (...args: string[]) => execFileSync(process.execPath, [AGENT, ...args], { env }).toString(),
    stop: () => void execFileSync(process.execPath, [AGENT, 'stop'], { env }),
  };
}
