/**
 * The local sandbox exchange: one HTTPS server answering for all four Kalshi hosts, with
 * the environment chosen by the Host header. Used by `npm start`, unit and e2e tests.
 * Independent of the extension's code on purpose: it checks signatures with node:crypto.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { claimedKeyId } from './auth';
import { defaultErrorBody, HttpError, type Reply } from './http';
import { route, type ExchangeState } from './routes';
import {
  addKey,
  copyRecord,
  DEFAULT_SCOPES,
  isTier,
  makeKeyPairSync,
  newAccount,
  VALID_SCOPES,
  type Account,
  type ApiKeyRecord,
  type Env,
  type KeyType,
  type Tier,
} from './state';
import { DEFAULT_TLS_DIR, ensureTls } from './tls';

export type { ApiKeyRecord, Env, KeyType, Tier } from './state';
export { TIERS } from './state';

export interface ExchangeOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Where the cached certificate lives. Default <repo>/.sandbox/tls. */
  tlsDir?: string;
  /** Millisecond clock used for the timestamp check and balance updated_ts. */
  now?: () => number;
  /** Largest accepted |now - KALSHI-ACCESS-TIMESTAMP|. Default 30 000 ms. */
  maxSkewMs?: number;
  /** Added to the exchange's clock (timestamp check, Date header): a client clock off by -offset. */
  clockOffsetMs?: number;
}

export interface SeedOptions {
  usageTier?: Tier;
  keyType?: KeyType;
  name?: string;
  scopes?: string[];
}

export interface SeededKey {
  keyId: string;
  /** RSA: PKCS#1 ("RSA PRIVATE KEY" label), as Kalshi hands out; Ed25519: PKCS#8. */
  privateKeyPem: string;
}

export interface RequestLogEntry {
  method: string;
  /** Without the query string. */
  path: string;
  /** The query string without '?', '' when none. */
  query: string;
  /** The Host header as sent. */
  host: string;
  env: Env;
  /** The KALSHI-ACCESS-KEY header, whether or not it turned out valid. */
  keyId?: string;
  /** 0 when the connection was dropped without an answer (a `reset` fault). */
  status: number;
}

export interface FaultMatch {
  method: string;
  /** Full path without query, e.g. /trade-api/v2/api_keys; a trailing * matches any path with that prefix. */
  path: string;
}

export interface Fault {
  /** With status or body set, the request gets this answer instead of the real one. */
  status?: number;
  /** JSON-serialised; a string is sent verbatim. Default: a Kalshi error body for `status`. */
  body?: unknown;
  /** Wait before answering (lets tests provoke client timeouts). Alone, it delays the real answer. */
  delayMs?: number;
  /** Extra response headers (e.g. Retry-After). */
  headers?: Record<string, string>;
  /** How many matching requests in a row get this fault. Default 1. */
  times?: number;
  /**
   * Drop the connection: 'before' the exchange acts on the request, or 'after' it committed the
   * change (a create made, a delete done), in both cases without a byte of answer, so the client
   * cannot know which (and a browser may resend the request on its own when the connection was a
   * reused one); or 'mid-answer': commit, send the status line, headers and half the body, then drop.
   */
  reset?: 'before' | 'after' | 'mid-answer';
  /** Act on the request for real, then wait this long before answering (or, with reset 'after', dropping). */
  delayAfterMs?: number;
  /** Act on the request for real, then answer with its status but a body that is not JSON. */
  garble?: boolean;
}

export interface Exchange {
  readonly port: number;
  /** e.g. https://127.0.0.1:8443 */
  readonly url: string;
  /** PEM of the self-signed certificate, for Node clients to trust. */
  readonly ca: string;
  close(): Promise<void>;
  seedAccount(env: Env, opts?: SeedOptions): SeededKey;
  setUsageTier(env: Env, tier: Tier): void;
  /** Exchange-side copies of the environment's keys. */
  keys(env: Env): ApiKeyRecord[];
  /** Every answered request, oldest first. Cleared (in place) by reset(). Holds no secrets. */
  readonly requests: RequestLogEntry[];
  /**
   * Every KALSHI-ACCESS-SIGNATURE received, oldest first, kept apart from the request log so tests
   * can look for them where they must never appear (console, storage, pages). Cleared by reset().
   */
  readonly signatures: string[];
  /** The next matching request(s) (fault.times, default 1) get this fault. */
  failNext(match: FaultMatch, fault: Fault): void;
  /** Every matching request gets this fault until it is cleared with null (or reset()). */
  faultMode(match: FaultMatch, fault: Fault | null): void;
  /** Moves the exchange's clock (timestamp check and Date header) by this many ms from now on. */
  setClockOffset(ms: number): void;
  reset(): void;
}

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
  const headers: Record<string, string> = { 'cache-control': 'no-store', date: new Date(nowMs).toUTCString(), ...reply.headers };
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

function validateSeedScopes(scopes: string[]): string[] {
  const bad = scopes.filter((s) => !VALID_SCOPES.has(s));
  if (bad.length > 0) throw new Error(`seedAccount: unknown scope(s) ${bad.join(', ')}`);
  if (scopes.includes('write') && !scopes.includes('read')) throw new Error("seedAccount: 'write' requires 'read'");
  return [...new Set(scopes)];
}

export async function startExchange(options: ExchangeOptions = {}): Promise<Exchange> {
  const host = options.host ?? '127.0.0.1';
  const tls = await ensureTls(options.tlsDir ?? DEFAULT_TLS_DIR);
  const baseNow = options.now ?? Date.now;
  let clockOffsetMs = options.clockOffsetMs ?? 0;
  const state: ExchangeState = {
    accounts: new Map(),
    now: () => baseNow() + clockOffsetMs,
    maxSkewMs: options.maxSkewMs ?? 30_000,
  };
  const requests: RequestLogEntry[] = [];
  const signatures: string[] = [];
  /** `left` counts down; Infinity for a fault mode. */
  let faults: Array<{ match: FaultMatch; fault: Fault; left: number }> = [];
  const matches = (m: FaultMatch, method: string, path: string) =>
    m.method === method && (m.path.endsWith('*') ? path.startsWith(m.path.slice(0, -1)) : m.path === path);
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

  const accountFor = (env: Env): Account => {
    let acc = state.accounts.get(env);
    if (!acc) {
      acc = newAccount();
      state.accounts.set(env, acc);
    }
    return acc;
  };

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
    const log = (status: number) => {
      // Logged when answered (not on 'finish'), so a test sees the entry as soon as it has the response.
      const keyId = claimedKeyId(req.headers);
      requests.push({ method, path, query, host: hostHeader, env, ...(keyId ? { keyId } : {}), status });
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

    // A one-off fault goes before a standing fault mode.
    let i = faults.findIndex((f) => f.left !== Infinity && matches(f.match, method, path));
    if (i === -1) i = faults.findIndex((f) => matches(f.match, method, path));
    const entry = i === -1 ? undefined : faults[i];
    const fault = entry?.fault;
    if (entry && --entry.left <= 0) faults.splice(i, 1);
    if (fault) {
      if (fault.delayMs) await delay(fault.delayMs);
      if (fault.reset === 'before') return drop();
      if (fault.status !== undefined || fault.body !== undefined) {
        const status = fault.status ?? 500;
        const body = fault.body !== undefined ? fault.body : status === 204 ? undefined : defaultErrorBody(status, 'injected fault');
        finish({ status, body, ...(fault.headers ? { headers: fault.headers } : {}) });
        return;
      }
    }

    const reply = await route({
      state,
      env,
      method,
      path,
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
    finish(fault?.headers ? { ...reply, headers: { ...reply.headers, ...fault.headers } } : reply);
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

  const exchange: Exchange = {
    port,
    url: `https://${urlHost}:${port}`,
    ca: tls.cert,
    requests,
    signatures,

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

    seedAccount(env, opts = {}) {
      if (opts.usageTier !== undefined && !isTier(opts.usageTier)) {
        throw new Error(`seedAccount: unknown usage tier ${String(opts.usageTier)}`);
      }
      const scopes = validateSeedScopes(opts.scopes ?? [...DEFAULT_SCOPES]);
      const acc = accountFor(env);
      if (opts.usageTier !== undefined) acc.usageTier = opts.usageTier;
      const { publicKey, privateKeyPem } = makeKeyPairSync(opts.keyType ?? 'rsa');
      const record = addKey(
        acc,
        {
          name: opts.name ?? 'sandbox',
          scopes,
          subaccount: null,
          fcm_subtrader_id: null,
        },
        publicKey,
      );
      return { keyId: record.api_key_id, privateKeyPem };
    },

    setUsageTier(env, tier) {
      if (!isTier(tier)) throw new Error(`setUsageTier: unknown usage tier ${String(tier)}`);
      accountFor(env).usageTier = tier;
    },

    keys(env) {
      return [...(state.accounts.get(env)?.keys.values() ?? [])].map((k) => copyRecord(k.record));
    },

    failNext(match, fault) {
      faults.push({ match: { method: match.method.toUpperCase(), path: match.path }, fault, left: fault.times ?? 1 });
    },

    faultMode(match, fault) {
      const m = { method: match.method.toUpperCase(), path: match.path };
      faults = faults.filter((f) => !(f.left === Infinity && f.match.method === m.method && f.match.path === m.path));
      if (fault) faults.push({ match: m, fault, left: Infinity });
    },

    setClockOffset(ms) {
      clockOffsetMs = ms;
    },

    reset() {
      state.accounts.clear();
      faults = [];
      requests.length = 0;
      signatures.length = 0;
      clockOffsetMs = options.clockOffsetMs ?? 0;
    },
  };
  return exchange;
}
