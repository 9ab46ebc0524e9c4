import { API_PREFIX, HOSTS, type Environment } from '../shared/environments';
import { AppError, type ErrorCode } from '../shared/errors';
import {
  parseApiKeyList,
  parseBalance,
  parseCreated,
  parseExchangeStatus,
  parseGenerated,
  parseKalshiError,
  parseLimits,
  type CreateApiKeyRequest,
  type GenerateApiKeyRequest,
} from './wire-types';
import { DEFAULT_RETRY_POLICY, parseRetryAfter, realSleep, withRetries, type RetryPolicy } from './retry';
import { signRequest, type SigningKey } from './signer';

export interface KalshiClientDeps {
  environment: Environment;
  /** The key that signs; omit for public endpoints only. */
  signingKey?: SigningKey;
  fetch?: typeof fetch;
  timeoutMs?: number;
  now?: () => number;
  /** How GET and DELETE are retried; POSTs never are. */
  retry?: Partial<RetryPolicy>;
  /** Injected so tests wait for nothing. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export type KalshiClient = ReturnType<typeof createKalshiClient>;

const DEFAULT_TIMEOUT_MS = 15_000;
/** A 401 with the exchange's clock further than this from ours is blamed on the clock. */
export const CLOCK_SKEW_TOLERANCE_MS = 5_000;

/** Facts about one failed attempt that decide whether another is worth it. */
const transient = new WeakMap<AppError, { retryAfterMs?: number }>();
const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);

/** A small client for the Kalshi endpoints this extension needs; every answer is checked before use. */
export function createKalshiClient(deps: KalshiClientDeps) {
  const host = HOSTS[deps.environment].preferred;
  const doFetch = deps.fetch ?? ((input, init) => fetch(input, init));
  const now = deps.now ?? Date.now;

  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...deps.retry };
  const retryDeps = { sleep: deps.sleep ?? realSleep, random: deps.random ?? Math.random, now };

  /** GET and DELETE are idempotent here (a DELETE answered 404 is done), so they may be sent again. */
  function request<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    parse: (body: unknown) => T | undefined,
    options: { body?: unknown; signed?: boolean } = {},
  ): Promise<T> {
    const once = () => attempt(method, path, parse, options);
    if (method === 'POST') return once();
    return withRetries(
      once,
      (error) => {
        const info = error instanceof AppError ? transient.get(error) : undefined;
        return info ? { retry: true, ...info } : { retry: false };
      },
      policy,
      retryDeps,
    );
  }

  async function attempt<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    parse: (body: unknown) => T | undefined,
    options: { body?: unknown; signed?: boolean },
  ): Promise<T> {
    const fullPath = API_PREFIX + path;
    const headers: Record<string, string> = { accept: 'application/json' };
    const signed = options.signed ?? true;
    // Every attempt is signed afresh: a retried request carries a new timestamp.
    const timestamp = now();
    if (signed) {
      if (!deps.signingKey) throw new AppError('no_signing_key');
      Object.assign(headers, await signRequest(deps.signingKey, method, fullPath, timestamp));
    }
    if (options.body !== undefined) headers['content-type'] = 'application/json';

    let response: Response;
    try {
      response = await doFetch(`https://${host}${fullPath}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(deps.timeoutMs ?? DEFAULT_TIMEOUT_MS),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (cause) {
      const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
      const error = new AppError(timedOut ? 'timeout' : 'unreachable', `${method} https://${host}${fullPath}`, { cause });
      transient.set(error, {});
      throw error;
    }

    const text = await response.text().catch(() => '');
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const skew = response.status === 401 ? clockSkewMs(response.headers.get('date'), now()) : undefined;
      if (skew !== undefined) {
        const seconds = Math.round(Math.abs(skew) / 1000);
        throw new AppError(
          'clock_skew',
          `This computer’s clock is ${seconds} seconds ${skew > 0 ? 'ahead of' : 'behind'} Kalshi’s (${host}).`,
        );
      }
      const code = errorCodeFor(response.status, parseKalshiError(body)?.code ?? '');
      const detail =
        code === 'unauthorized'
          ? `Signed “${timestamp}${method}${fullPath}” with key ${deps.signingKey?.keyId ?? '(none)'} on ${host}.`
          : `${method} ${fullPath} on ${host} answered ${response.status}.`;
      const error = new AppError(code, detail);
      if (TRANSIENT_STATUS.has(response.status)) {
        const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now());
        transient.set(error, retryAfterMs === undefined ? {} : { retryAfterMs });
      }
      throw error;
    }
    const parsed = parse(body);
    if (parsed === undefined) throw new AppError('unexpected_response', `${method} ${fullPath} on ${host}`);
    return parsed;
  }

  return {
    environment: deps.environment,
    host,
    listApiKeys: () => request('GET', '/api_keys', parseApiKeyList),
    createApiKey: (body: CreateApiKeyRequest) => request('POST', '/api_keys', parseCreated, { body }),
    generateApiKey: (body: GenerateApiKeyRequest) => request('POST', '/api_keys/generate', parseGenerated, { body }),
    deleteApiKey: (apiKeyId: string) => request('DELETE', `/api_keys/${encodeURIComponent(apiKeyId)}`, () => true as const),
    getAccountLimits: () => request('GET', '/account/limits', parseLimits),
    getPortfolioBalance: () => request('GET', '/portfolio/balance', parseBalance),
    getExchangeStatus: () => request('GET', '/exchange/status', parseExchangeStatus, { signed: false }),
  };
}

function errorCodeFor(status: number, kalshiCode: string): ErrorCode {
  if (status === 400) return 'bad_request';
  if (status === 401) return 'unauthorized';
  if (status === 403) return /usage.level|usage_level|tier/i.test(kalshiCode) ? 'usage_tier' : 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'exchange_error';
  return 'unexpected_response';
}

/**
 * Our clock minus the exchange's, from its Date header, when they differ by more than the tolerance
 * (the header has whole seconds, so a second of difference is noise); otherwise undefined.
 */
export function clockSkewMs(dateHeader: string | null, localNowMs: number): number | undefined {
  if (!dateHeader) return undefined;
  const exchangeNow = Date.parse(dateHeader);
  if (Number.isNaN(exchangeNow)) return undefined;
  const skew = localNowMs - exchangeNow;
  return Math.abs(skew) > CLOCK_SKEW_TOLERANCE_MS ? skew : undefined;
}
