/**
 * No redirects: a redirect would carry the KALSHI-ACCESS-* headers (and a POST's body) to wherever
 * it points. Two real local HTTP servers: one answers every request with a redirect to the other,
 * which records whatever reaches it. Node's own fetch (undici) does the fetching.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createKalshiClient } from '../../lib/kalshi/client';
import { generateKeyPair } from '../../lib/key-formats/crypto-keys';
import { HOSTS } from '../../lib/shared/environments';
import { AppError } from '../../lib/shared/errors';

let redirector: Server;
let target: Server;
let reached: { url: string; headers: IncomingHttpHeaders }[];
let redirected: { method: string; url: string }[];
let status = 302;

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};

let redirectorPort = 0;
let targetPort = 0;

beforeAll(async () => {
  target = createServer((req, res) => {
    reached.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"api_keys":[]}');
  });
  targetPort = await listen(target);
  redirector = createServer((req, res) => {
    redirected.push({ method: req.method ?? '', url: req.url ?? '' });
    req.resume();
    res.writeHead(status, { location: `http://127.0.0.1:${targetPort}/elsewhere${req.url ?? ''}` }).end();
  });
  redirectorPort = await listen(redirector);
});
afterAll(async () => {
  await Promise.all([redirector, target].map((s) => new Promise((resolve) => s.close(resolve))));
});
beforeEach(() => {
  reached = [];
  redirected = [];
  status = 302;
});

/** Node's fetch, sent to the redirecting server instead of Kalshi; `override` changes what the client asked for. */
function pointedAtRedirector(inits: RequestInit[], override: RequestInit = {}): typeof fetch {
  return (input, init = {}) => {
    inits.push(init);
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    return fetch(`http://127.0.0.1:${redirectorPort}${url.pathname}${url.search}`, { ...init, ...override });
  };
}

async function clientWith(fetchFn: typeof fetch) {
  const pair = await generateKeyPair('Ed25519');
  return createKalshiClient({
    environment: 'production',
    signingKey: { keyId: 'a952bcbe-ec3b-4b5b-b8f9-11dae589608c', algorithm: 'Ed25519', privateKey: pair.privateKey },
    fetch: fetchFn,
    sleep: async () => {},
  });
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as AppError,
  );

describe('a redirect is never followed', () => {
  it('every request asks fetch to refuse redirects', async () => {
    const inits: RequestInit[] = [];
    const client = await clientWith(pointedAtRedirector(inits));
    await failureOf(client.listApiKeys());
    await failureOf(client.generateApiKey({ name: 'bot' }));
    await failureOf(client.deleteApiKey('a952bcbe-ec3b-4b5b-b8f9-11dae589608c'));
    await failureOf(client.getExchangeStatus());
    expect(inits.length).toBeGreaterThanOrEqual(4);
    for (const init of inits) expect(init.redirect).toBe('error');
  });

  it.each([301, 302, 303, 307, 308])(
    '%i on a signed GET: unexpected_response naming the host; the Location is never asked',
    async (code) => {
      status = code;
      const client = await clientWith(pointedAtRedirector([]));
      const error = await failureOf(client.listApiKeys());
      expect(error).toBeInstanceOf(AppError);
      expect(error!.code).toBe('unexpected_response');
      expect(error!.detail).toContain(HOSTS.production.preferred);
      expect(error!.detail).toMatch(/redirect/);
      expect(redirected).toEqual([{ method: 'GET', url: '/trade-api/v2/api_keys' }]);
      expect(reached).toEqual([]);
    },
  );

  it('a POST redirected with 307 (which would resend its body) goes nowhere else, and is not retried', async () => {
    status = 307;
    const client = await clientWith(pointedAtRedirector([]));
    const error = await failureOf(client.generateApiKey({ name: 'bot' }));
    expect(error!.code).toBe('unexpected_response');
    expect(redirected).toHaveLength(1);
    expect(reached).toEqual([]);
  });

  it('a redirect is not retried like a lost answer', async () => {
    const client = await clientWith(pointedAtRedirector([]));
    await failureOf(client.getPortfolioBalance());
    expect(redirected).toHaveLength(1);
  });

  it('a fetch that hands the redirect back instead of refusing it: the same typed error, nothing followed', async () => {
    const client = await clientWith(pointedAtRedirector([], { redirect: 'manual' }));
    const error = await failureOf(client.listApiKeys());
    expect(error!.code).toBe('unexpected_response');
    expect(error!.detail).toContain(HOSTS.production.preferred);
    expect(reached).toEqual([]);
  });

  it('the servers work: a fetch that follows (as a client without redirect: error would) reaches the target, signed', async () => {
    const client = await clientWith(pointedAtRedirector([], { redirect: 'follow' }));
    await client.listApiKeys();
    expect(reached).toHaveLength(1);
    expect(reached[0]!.headers['kalshi-access-signature']).toBeTruthy();
  });
});
