import { request } from 'node:https';
import type { Exchange } from '../../exchange/server';

/**
 * A fetch for Node tests that reaches Kalshi's hostnames at the local exchange,
 * as Chromium's --host-resolver-rules does in the e2e tests: the URL, Host header
 * and TLS server name stay Kalshi's; only the TCP connection goes to 127.0.0.1.
 */
export function exchangeFetch(exchange: Pick<Exchange, 'port' | 'ca'>): typeof fetch {
  return (input, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      const headers = new Headers(init.headers);
      const body = typeof init.body === 'string' ? init.body : undefined;
      const signal = init.signal ?? undefined;
      if (signal?.aborted) return reject(signal.reason);
      const req = request(
        {
          host: '127.0.0.1',
          port: exchange.port,
          servername: url.hostname,
          ca: exchange.ca,
          method: init.method ?? 'GET',
          path: url.pathname + url.search,
          headers: { ...Object.fromEntries(headers), host: url.hostname },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const responseHeaders = new Headers();
            for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') responseHeaders.set(k, v);
            const nullBody = status === 204 || status === 304;
            resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, headers: responseHeaders }));
          });
          res.on('error', reject);
        },
      );
      signal?.addEventListener('abort', () => req.destroy(signal.reason), { once: true });
      req.on('error', (e) => reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: e })));
      if (body !== undefined) req.write(body);
      req.end();
    });
}
