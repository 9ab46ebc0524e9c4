/**
 * A bare Kalshi client for tests of the sandbox: one HTTPS request, signed here with node:crypto
 * (never by the extension's code), so the sandbox and the extension check each other.
 */
import { constants, createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { request } from 'node:https';
import { API_PREFIX } from './context';

export { API_PREFIX };

export const HOSTS = {
  production: 'external-api.kalshi.com',
  productionAlt: 'api.elections.kalshi.com',
  demo: 'demo-api.kalshi.co',
  demoPreferred: 'external-api.demo.kalshi.co',
} as const;

export interface Credentials {
  keyId: string;
  privateKeyPem: string;
}

/** Kalshi signing done independently: RSA-PSS SHA-256 salt 32, or plain Ed25519. */
export function signText(privateKeyPem: string, text: string): string {
  const key = createPrivateKey(privateKeyPem); // PKCS#1 and PKCS#8 both parse
  const data = Buffer.from(text, 'utf8');
  if (key.asymmetricKeyType === 'ed25519') return sign(null, data, key).toString('base64');
  return sign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }).toString('base64');
}

export interface CallOptions {
  method?: string;
  /** Host header (and TLS server name). Default: the demo host. */
  host?: string;
  key?: Credentials;
  body?: unknown;
  /** Override the timestamp header (default: `now()` in ms). */
  timestamp?: string;
  /** Override what gets signed as the path (default: the path without its query). */
  signedPath?: string;
  /** Override the signature entirely. */
  signature?: string;
  /** Drop these signing headers. */
  omit?: string[];
  timeoutMs?: number;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed body, undefined when empty or not JSON. Tests assert on it directly. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test assertions read arbitrary JSON
  json: any;
}

/** One HTTPS request to the sandbox; `path` is relative to /trade-api/v2 and may carry a query. */
export function callExchange(
  target: { port: number; ca: string },
  path: string,
  o: CallOptions = {},
  now: () => number = Date.now,
): Promise<Answer> {
  const method = o.method ?? 'GET';
  const fullPath = API_PREFIX + path;
  const headers: Record<string, string> = { host: o.host ?? HOSTS.demo };
  if (o.key) {
    const ts = o.timestamp ?? String(now());
    const signed = o.signedPath ?? fullPath.split('?')[0]!;
    headers['KALSHI-ACCESS-KEY'] = o.key.keyId;
    headers['KALSHI-ACCESS-TIMESTAMP'] = ts;
    headers['KALSHI-ACCESS-SIGNATURE'] = o.signature ?? signText(o.key.privateKeyPem, ts + method + signed);
    for (const h of o.omit ?? []) delete headers[h];
  }
  let payload: string | undefined;
  if (o.body !== undefined) {
    payload = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    headers['content-type'] = 'application/json';
  }
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: target.port,
        method,
        path: fullPath,
        headers,
        ca: target.ca, // trust the sandbox certificate; its SANs are verified against the Host
        agent: false,
        ...(o.timeoutMs ? { timeout: o.timeoutMs } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject); // an answer cut off in the middle
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = undefined;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

/** A fresh pair made at test time (never committed): SPKI public half, PKCS#8 private half. */
export function freshSpki(type: 'rsa' | 'ed25519' = 'rsa', bits = 2048): { publicKeyPem: string; privateKeyPem: string } {
  const pair = type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: bits }) : generateKeyPairSync('ed25519');
  return {
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/**
 * Kalshi's 401 body as seen in the wild: a bad signature gets Kalshi's words, a stale timestamp the
 * code users recorded (header_timestamp_expired); other reasons (MISSING_HEADERS, ...) the sandbox's
 * own name in the same place.
 */
export function authErrorBody(reason: string): unknown {
  if (reason === 'STALE_TIMESTAMP') return { error: { code: 'header_timestamp_expired', message: 'header_timestamp_expired' } };
  const desc = reason === 'BAD_SIGNATURE' ? 'INCORRECT_API_KEY_SIGNATURE' : reason;
  return {
    error: { code: 'authentication_error', message: 'authentication_error', details: `rpc error: code = Unauthenticated desc = ${desc}` },
  };
}
