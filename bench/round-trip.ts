/**
 * Signed requests end to end. Through the extension: a page sends a message, the worker signs
 * with its non-extractable key, fetches, stores what it learned and replies (Test key: GET
 * /portfolio/balance). Under Node: the same request signed with a KeyObject parsed once and sent
 * on a keep-alive connection — the least a client can do. Both hit the same local exchange.
 */
import { constants, createPrivateKey, sign } from 'node:crypto';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { Agent, request, type RequestOptions } from 'node:https';
import { performance } from 'node:perf_hooks';
import type { Extension } from './browser';
import { BLANK_PAGE } from './popup-paint';

const API = '/trade-api/v2';
const DEMO_HOST = 'external-api.demo.kalshi.co';

/** Milliseconds of each of n sequential messages `type` sent from an extension page to the worker. */
export async function messageTimes(ext: Extension, type: string, data: unknown, n: number): Promise<number[]> {
  const page = await ext.context.newPage();
  try {
    await page.goto(`${ext.origin}/${BLANK_PAGE}`);
    return await page.evaluate(
      async ({ type, data, n }) => {
        const times: number[] = [];
        for (let i = 0; i < n; i++) {
          const start = performance.now();
          const { runtime } = (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }).chrome;
          const reply = (await runtime.sendMessage({ type, data })) as { ok: boolean; error?: unknown };
          if (!reply.ok) throw new Error(`${type} failed: ${JSON.stringify(reply.error)}`);
          times.push(performance.now() - start);
        }
        return times;
      },
      { type, data, n },
    );
  } finally {
    await page.close();
  }
}

/** The worker's listApiKeys (Kalshi's list, then settling it against what this browser holds): median of 5, after one. */
export async function workerListMs(ext: Extension): Promise<number> {
  const times = await messageTimes(ext, 'listApiKeys', { environment: 'demo' }, 6);
  const sorted = times.slice(1).sort((a, b) => a - b);
  return sorted[2]!;
}

/** A signed GET of `endpoint` (the balance unless told) from Node on one keep-alive connection; `time()` gives ms per request. */
export function nodeRequester(exchange: { port: number; ca: string }, keyId: string, pem: string, endpoint = '/portfolio/balance') {
  const key = createPrivateKey(pem);
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: exchange.ca });
  const path = `${API}${endpoint}`;
  const once = () => {
    const ts = String(Date.now());
    const signature = sign('sha256', Buffer.from(ts + 'GET' + path), {
      key,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    }).toString('base64');
    return getOk(request, {
      host: '127.0.0.1',
      port: exchange.port,
      path,
      servername: DEMO_HOST,
      agent,
      headers: { host: DEMO_HOST, 'KALSHI-ACCESS-KEY': keyId, 'KALSHI-ACCESS-TIMESTAMP': ts, 'KALSHI-ACCESS-SIGNATURE': signature },
    });
  };
  return {
    async time(): Promise<number> {
      const start = performance.now();
      await once();
      return performance.now() - start;
    },
    close: () => agent.destroy(),
  };
}

/** Milliseconds of each of n sequential signed GET /portfolio/balance from Node, on one connection. */
export async function nodeRequestTimes(exchange: { port: number; ca: string }, keyId: string, pem: string, n: number): Promise<number[]> {
  const requester = nodeRequester(exchange, keyId, pem);
  try {
    const times: number[] = [];
    for (let i = 0; i < n; i++) times.push(await requester.time());
    return times;
  } finally {
    requester.close();
  }
}

/** A GET with node:http's or node:https's `request`: resolves with the body of a 200, rejects with any other answer. */
export const getOk = (send: (options: RequestOptions, onReply: (res: IncomingMessage) => void) => ClientRequest, options: RequestOptions) =>
  new Promise<string>((resolve, reject) => {
    const req = send(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        if (res.statusCode === 200) resolve(body);
        else reject(new Error(`GET ${options.path}: ${res.statusCode} ${body}`));
      });
    });
    req.on('error', reject);
    req.end();
  });
