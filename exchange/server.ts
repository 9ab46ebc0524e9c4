/**
 * The local sandbox exchange: one HTTPS server answering for all four Kalshi hosts, with
 * the environment chosen by the Host header. Used by `npm start`, unit and e2e tests.
 * Independent of the extension's code on purpose: it checks signatures with node:crypto.
 * This file is the server and socket plumbing; routes, faults and test controls live beside it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { ownerOf } from './accounts';
import { claimedKeyId } from './auth';
import type { ExchangeState } from './context';
import { createControls } from './control';
import { FaultQueue, replacementReply } from './faults';
import { defaultErrorBody, HttpError, type Reply } from './http';
import { route } from './routes';
import type { Env } from './state';
import { DEFAULT_TLS_DIR, ensureTls } from './tls';
import { acceptWebSocket } from './websocket';
import type { Exchange, ExchangeOptions, RequestLogEntry } from './types';

export type { ApiKeyRecord, Attestation, Env, Grant, KeyType, Tier, UploadAllowed, VolumeProgress } from './state';
export { TIERS } from './state';
export type { Fault, FaultMatch } from './faults';
export type { UploadRefusalShape } from './http';
export { UPLOAD_REFUSAL_SHAPES, UPLOAD_REFUSALS } from './http';
export type { AccountRef, Exchange, ExchangeOptions, RequestLogEntry, SeededKey, SeedOptions } from './types';
export { DEFAULT_ACCOUNT } from './accounts';

const PRODUCTION_HOSTS = new Set(['external-api.kalshi.com', 'api.elections.kalshi.com']);

/** Environment from the Host header; anything not a production host (e.g. 127.0.0.1:PORT) is demo. */
export function envForHost(hostHeader: string | undefined): Env {
  let host = (hostHeader ?? '').trim().toLowerCase();
  host = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : (host.split(':')[0] ?? '');
  if (host.endsWith('.')) host = host.slice(0, -1);
  return PRODUCTION_HOSTS.has(host) ? 'production' : 'demo';
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Guess: how a body over the bound is refused.
        reject(new HttpError(413, 'payload_too_large', 'payload too large', `request body over ${limit} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: Reply, nowMs: number): void {
  // The exchange's own clock, as Kalshi's Date header shows it: clients compare it with theirs.
  const headers: Record<string, string> = {
    'cache-control': 'no-store',
    ...(reply.omitDate ? {} : { date: new Date(nowMs).toUTCString() }),
    ...reply.headers,
  };
  // Node adds a Date of its own unless told not to.
  if (reply.omitDate) res.sendDate = false;
  let payload: string | undefined;
  if (reply.status !== 204 && reply.status !== 304 && reply.body !== undefined) {
    if (typeof reply.body === 'string') {
      payload = reply.body;
      headers['content-type'] ??= 'text/plain; charset=utf-8';
    } else {
      payload = JSON.stringify(reply.body);
      headers['content-type'] ??= 'application/json; charset=utf-8';
    }
  }
  if (res.destroyed || res.headersSent) return; // the client gave up (e.g. timed out)
  res.writeHead(reply.status, headers);
  res.end(payload);
}

export async function startExchange(options: ExchangeOptions = {}): Promise<Exchange> {
  const host = options.host ?? '127.0.0.1';
  const tls = await ensureTls(options.tlsDir ?? DEFAULT_TLS_DIR);
  const baseNow = options.now ?? Date.now;
  let clockOffsetMs = options.clockOffsetMs ?? 0;
  // Kalshi's own answer unless the options say otherwise; reset() comes back to it.
  const uploadRefusal = options.uploadRefusal ?? 'forbidden';
  const state: ExchangeState = {
    accounts: new Map(),
    now: () => baseNow() + clockOffsetMs,
    maxSkewMs: options.maxSkewMs ?? 30_000,
    uploadRefusal,
  };
  const controls = createControls(state);
  if (options.uploadRefusal !== undefined) controls.setUploadRefusal(options.uploadRefusal); // validates
  const requests: RequestLogEntry[] = [];
  const signatures: string[] = [];
  const faults = new FaultQueue();
  // Pending fault delays, so close() does not wait for (or leave behind) long timers.
  const delays = new Set<{ timer: NodeJS.Timeout; done: () => void }>();
  const sockets = new Set<Socket>();

  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          delays.delete(entry);
          resolve();
        }, ms),
        done: resolve,
      };
      delays.add(entry);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const query = q === -1 ? '' : rawUrl.slice(q + 1);
    const hostHeader = req.headers.host ?? '';
    const env = envForHost(hostHeader);

    const sig = req.headers['kalshi-access-signature'];
    const signature = Array.isArray(sig) ? sig[0] : sig;
    if (signature) signatures.push(signature);
    const keyId = claimedKeyId(req.headers);
    // Looked up on arrival: a key that deletes itself still shows which account it acted on.
    const account = keyId === undefined ? undefined : ownerOf(state.accounts, env, keyId)?.account.label;
    const log = (status: number) => {
      // Logged when answered (not on 'finish'), so a test sees the entry as soon as it has the response.
      requests.push({ method, path, query, host: hostHeader, env, ...(keyId ? { keyId } : {}), ...(account ? { account } : {}), status });
    };
    const finish = (reply: Reply) => {
      log(reply.status);
      send(res, reply, state.now());
    };
    const drop = () => {
      log(0);
      res.socket?.destroy();
      req.socket.destroy();
    };

    const fault = faults.take(method, path);
    if (fault) {
      if (fault.delayMs) await delay(fault.delayMs);
      if (fault.reset === 'before') return drop();
      const replacement = replacementReply(fault);
      if (replacement) return finish(replacement);
    }

    const reply = await route({
      state,
      env,
      method,
      path,
      query: new URLSearchParams(query),
      headers: req.headers,
      readBody: (limit) => readBody(req, limit),
    });
    if (fault?.delayAfterMs) await delay(fault.delayAfterMs);
    if (fault?.reset === 'after') return drop();
    if (fault?.reset === 'mid-answer') {
      log(0);
      const payload = Buffer.from(reply.body === undefined ? '{"cut":"short"}' : JSON.stringify(reply.body));
      res.writeHead(reply.status === 204 ? 200 : reply.status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(payload.length),
        date: new Date(state.now()).toUTCString(),
      });
      res.write(payload.subarray(0, payload.length >> 1), () => {
        res.socket?.destroy();
      });
      return;
    }
    if (fault?.garble) return finish({ status: reply.status, body: '<html>upstream hiccup</html>' });
    const withFault = fault?.headers ? { ...reply, headers: { ...reply.headers, ...fault.headers } } : reply;
    finish(fault?.omitDate ? { ...withFault, omitDate: true } : withFault);
  }

  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error('[sandbox] request failed:', err instanceof Error ? err.message : err);
      send(res, { status: 500, body: defaultErrorBody(500, 'unexpected sandbox error') }, state.now());
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // Kalshi's WebSocket: its upgrade signed like a GET (websocket.ts); any other upgrade is refused.
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    if (!acceptWebSocket(state, envForHost(req.headers.host), req, socket))
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
  });
  // TLS handshakes that fail (e.g. a browser rejecting the self-signed cert) are not our errors.
  server.on('tlsClientError', () => {});

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    port,
    url: `https://${urlHost}:${port}`,
    ca: tls.cert,
    requests,
    signatures,
    ...controls,

    async close() {
      for (const d of delays) {
        clearTimeout(d.timer);
        d.done();
      }
      delays.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy(); // keep-alive connections would hold close() open
      });
    },

    failNext: (match, fault) => faults.failNext(match, fault),
    faultMode: (match, fault) => faults.faultMode(match, fault),

    setClockOffset(ms) {
      clockOffsetMs = ms;
    },

    reset() {
      state.accounts.clear();
      state.uploadRefusal = uploadRefusal;
      faults.clear();
      requests.length = 0;
      signatures.length = 0;
      clockOffsetMs = options.clockOffsetMs ?? 0;
    },
  };
}
