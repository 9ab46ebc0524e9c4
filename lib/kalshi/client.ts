import { API_PREFIX, HOSTS, type Environment } from '../shared/environments';
import { AppError, type ErrorCode } from '../shared/errors';
import {
  kalshiSaid,
  parseApiKeyList,
  parseBalance,
  parseCreated,
  parseExchangeStatus,
  parseGenerated,
  parseKalshiError,
  type CreateApiKeyRequest,
  type GenerateApiKeyRequest,
  type KalshiError,
} from './wire-types';
import { parseApiKeyListing, parseCommunicationsId, parseLimits, parseVolumeProgress } from './account-wire-types';
import { DEFAULT_RETRY_POLICY, parseRetryAfter, realSleep, withRetries, type RetryPolicy } from './retry';
import { signRequest, type SigningKey } from './signer';

export interface KalshiClientDeps {
  environment: Environment;
  /** The key that signs; omit for public endpoints only. */
  signingKey?: SigningKey;
  fetch?: typeof fetch;
  /** One per-attempt timeout for every method, instead of REQUEST_TIMEOUT_MS. */
  timeoutMs?: number;
  now?: () => number;
  /** How GET and DELETE are retried, and a create or generate refused with 409; other POSTs never are. */
  retry?: Partial<RetryPolicy>;
  /** Injected so tests wait for nothing. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** The signal that ends an attempt after `ms`; AbortSignal.timeout unless a test plays the clock. */
  timeoutSignal?: (ms: number) => AbortSignal;
}

export type KalshiClient = ReturnType<typeof createKalshiClient>;

type Method = 'GET' | 'POST' | 'DELETE';

/**
 * How long one attempt may take. GET and DELETE are retried, so theirs is short enough that a
 * retry after a full timeout still fits DEFAULT_RETRY_POLICY.maxTotalMs (6 s + backoff < 15 s);
 * a POST is sent once (a create again only after its quick 409) and may take longer.
 */
export const REQUEST_TIMEOUT_MS: Readonly<Record<Method, number>> = { GET: 6_000, DELETE: 6_000, POST: 15_000 };
/** A 401 with the exchange's clock further than this from ours is blamed on the clock. */
export const CLOCK_SKEW_TOLERANCE_MS = 5_000;

/** Facts about one failed attempt that decide whether another is worth it. */
const transient = new WeakMap<AppError, { retryAfterMs?: number }>();
const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);
/**
 * Kalshi documents 409 on these two POSTs as "not visible yet, retry" (e.g. an FCM subtrader it has
 * not seen yet): a refusal, so nothing was made and sending the create again cannot make two keys.
 */
const CREATE_PATHS: ReadonlySet<string> = new Set(['/api_keys', '/api_keys/generate']);
/** A create's 409, worth another attempt within the same budget as a GET's transient failure. */
const notVisibleYet = new WeakMap<AppError, { retryAfterMs?: number }>();

/** Failures that leave the outcome unknown: no answer, a server error, an answer that cannot be read. */
const LOST_ANSWERS: ReadonlySet<string> = new Set(['timeout', 'unreachable', 'exchange_error', 'unexpected_response']);

/** A small client for the Kalshi endpoints this extension needs; every answer is checked before use. */
export function createKalshiClient(deps: KalshiClientDeps) {
  const host = HOSTS[deps.environment].preferred;
  const doFetch = deps.fetch ?? ((input, init) => fetch(input, init));
  const now = deps.now ?? Date.now;
  const timeoutSignal = deps.timeoutSignal ?? ((ms: number) => AbortSignal.timeout(ms));

  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...deps.retry };
  const retryDeps = { sleep: deps.sleep ?? realSleep, random: deps.random ?? Math.random, now };

  /**
   * GET and DELETE are idempotent here (a DELETE answered 404 is done), so they may be sent again. A
   * POST is not: a lost answer may hide a key made. Only a create's 409, a refusal, is sent again.
   */
  function request<T>(
    method: Method,
    path: string,
    parse: (body: unknown) => T | undefined,
    options: { body?: unknown; signed?: boolean } = {},
  ): Promise<T> {
    // An attempt of a DELETE whose answer was lost may have deleted the key: a later refusal does not undo it.
    let lost: AppError | undefined;
    const once = () =>
      attempt(method, path, parse, options).catch((error: unknown) => {
        if (method === 'DELETE' && error instanceof AppError && LOST_ANSWERS.has(error.code)) lost ??= error;
        throw error;
      });
    if (method === 'POST' && !CREATE_PATHS.has(path)) return once();
    const retryable = method === 'POST' ? notVisibleYet : transient;
    return withRetries(
      once,
      (error) => {
        const info = error instanceof AppError ? retryable.get(error) : undefined;
        return info ? { retry: true, ...info } : { retry: false };
      },
      policy,
      retryDeps,
    ).catch((error: unknown) => {
      // Only 404 (gone) and 401 (its own key gone, proved by the caller) still speak after a lost attempt.
      const settles = error instanceof AppError && (error.code === 'not_found' || error.code === 'unauthorized');
      throw lost && !settles ? lost : error;
    });
  }

  async function attempt<T>(
    method: Method,
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
        signal: timeoutSignal(deps.timeoutMs ?? REQUEST_TIMEOUT_MS[method]),
        credentials: 'omit',
        cache: 'no-store',
        // A redirect would carry the KALSHI-ACCESS-* headers to wherever it points: never follow one.
        redirect: 'error',
      });
    } catch (cause) {
      if (isRedirectRefusal(cause)) throw redirectError(method, fullPath, { cause });
      const name = (cause as { name?: unknown } | null)?.name;
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      const error = new AppError(timedOut ? 'timeout' : 'unreachable', `${method} https://${host}${fullPath}`, { cause });
      transient.set(error, {});
      throw error;
    }
    // A fetch that hands redirects back instead of refusing them (redirect: 'manual' semantics).
    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
      await response.body?.cancel().catch(() => {});
      throw redirectError(method, fullPath);
    }

    const text = await response.text().catch(() => '');
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const kalshiError = parseKalshiError(body);
      const said = kalshiSaid(kalshiError);
      const saidOption = said === undefined ? {} : { said };
      const clock = response.status === 401 ? clockDetail(kalshiError, response.headers.get('date'), timestamp, now(), host) : undefined;
      if (clock !== undefined) throw new AppError('clock_skew', clock, saidOption);
      const code = errorCodeFor(response.status, { method, path, body: options.body }, kalshiError);
      const detail =
        code === 'unauthorized'
          ? `Signed “${timestamp}${method}${fullPath}” with key ${deps.signingKey?.keyId ?? '(none)'} on ${host}.`
          : `${method} ${fullPath} on ${host} answered ${response.status}.`;
      const error = new AppError(code, detail, saidOption);
      const notVisible = response.status === 409 && method === 'POST' && CREATE_PATHS.has(path);
      if (TRANSIENT_STATUS.has(response.status) || notVisible) {
        const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now());
        (notVisible ? notVisibleYet : transient).set(error, retryAfterMs === undefined ? {} : { retryAfterMs });
      }
      throw error;
    }
    const parsed = parse(body);
    if (parsed === undefined) throw new AppError('unexpected_response', `${method} ${fullPath} on ${host}`);
    return parsed;
  }

  function redirectError(method: Method, fullPath: string, options?: { cause?: unknown }): AppError {
    return new AppError(
      'unexpected_response',
      `${method} ${fullPath} on ${host} answered with a redirect; it was not followed, so the signed request went nowhere else.`,
      options,
    );
  }

  return {
    environment: deps.environment,
    host,
    listApiKeys: () => request('GET', '/api_keys', parseApiKeyList),
    /** The same list with the account's location attestation expiry (seconds; null when never attested). */
    listApiKeysWithAttestation: () => request('GET', '/api_keys', parseApiKeyListing),
    /** `warning` is Kalshi's, to be shown (e.g. an FCM subtrader without risk caps). */
    createApiKey: (body: CreateApiKeyRequest) => request('POST', '/api_keys', parseCreated, { body }),
    /** `warning` as for createApiKey. */
    generateApiKey: (body: GenerateApiKeyRequest) => request('POST', '/api_keys/generate', parseGenerated, { body }),
    deleteApiKey: (apiKeyId: string) => request('DELETE', `/api_keys/${encodeURIComponent(apiKeyId)}`, () => true as const),
    /** The effective level of the predictions lane, the read/write budgets, and every lane's grants. */
    getAccountLimits: () => request('GET', '/account/limits', parseLimits),
    /** Progress toward the volume levels (predictions lane). */
    getVolumeProgress: () => request('GET', '/account/api_usage_level/volume_progress', parseVolumeProgress),
    /**
     * Asks for the permanent Advanced grant: an empty 2xx (the spec says 201). The body is `{}` as JSON:
     * Kalshi has refused body-less POSTs with invalid_content_type. Sent once (a POST). Kalshi's 403
     * here becomes `upgrade_not_eligible` (see errorCodeFor).
     */
    upgradeUsageLevel: async (): Promise<void> => {
      await request('POST', UPGRADE_PATH, () => true as const, { body: {} });
    },
    /** The public id of the user behind the key: the only documented way to tell two accounts apart. */
    getCommunicationsId: () => request('GET', '/communications/id', parseCommunicationsId),
    /**
     * The balance that proves a key works. A key restricted to a subaccount must ask for its own:
     * `?subaccount=N` is sent when given (it is not part of what is signed).
     */
    getPortfolioBalance: async (subaccount?: number) => request('GET', `/portfolio/balance${subaccountQuery(subaccount)}`, parseBalance),
    getExchangeStatus: () => request('GET', '/exchange/status', parseExchangeStatus, { signed: false }),
  };
}

function subaccountQuery(subaccount: number | undefined): string {
  if (subaccount === undefined) return '';
  if (!Number.isInteger(subaccount) || subaccount < 0 || subaccount > 63) throw new AppError('invalid_subaccount');
  return `?subaccount=${subaccount}`;
}

/** The request a failure answered: what decides a 403's meaning, with the status (never a code string). */
export interface AnsweredRequest {
  method: Method;
  /** Without the /trade-api/v2 prefix and without the query. */
  path: string;
  /** The JSON body sent, if any. */
  body?: unknown;
}

const UPGRADE_PATH = '/account/api_usage_level/upgrade';

/** Kalshi's documented words for a missing or expired location attestation (shared/kalshi-api-keys.md). */
const LOCATION_ATTESTATION = /location attestation/i;

/**
 * The error code for a failed answer, from what Kalshi documents: its status and the endpoint.
 * Kalshi documents no code string for its refusals, so none is looked at. A 403 is:
 * - `location_attestation` when its words speak of the location attestation (any endpoint);
 * - `usage_tier` on POST /api_keys without an fcm_subtrader_id: the only 403 Kalshi documents
 *   there is "insufficient API usage level", whatever the body says;
 * - `upgrade_not_eligible` on POST /account/api_usage_level/upgrade: its only documented 403 is
 *   "no API-created order in the user's latest 100 orders";
 * - `forbidden` otherwise (POST /api_keys/generate, an FCM binding, scopes, …).
 */
export function errorCodeFor(status: number, request: AnsweredRequest, kalshiError?: KalshiError): ErrorCode {
  if (status === 400) return 'bad_request';
  if (status === 401) return 'unauthorized';
  if (status === 403) {
    if (kalshiError && (LOCATION_ATTESTATION.test(kalshiError.message) || LOCATION_ATTESTATION.test(kalshiError.details))) {
      return 'location_attestation';
    }
    if (request.method === 'POST' && request.path === '/api_keys' && !carriesFcmSubtrader(request.body)) return 'usage_tier';
    if (request.method === 'POST' && request.path === UPGRADE_PATH) return 'upgrade_not_eligible';
    return 'forbidden';
  }
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'exchange_error';
  return 'unexpected_response';
}

function carriesFcmSubtrader(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const id = (body as { fcm_subtrader_id?: unknown }).fcm_subtrader_id;
  return id !== undefined && id !== null && id !== '';
}

/** fetch's refusal of a redirect under `redirect: 'error'` (Node names it; browsers say only "failed to fetch"). */
function isRedirectRefusal(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (/redirect/i.test(e.message)) return true;
  }
  return false;
}

/**
 * Our clock minus the exchange's, from its Date header, when they differ by more than the tolerance
 * (the header has whole seconds, so a second of difference is noise); otherwise undefined.
 */
export function clockSkewMs(dateHeader: string | null, localNowMs: number): number | undefined {
  const skew = offsetFromDate(dateHeader, localNowMs);
  return skew !== undefined && Math.abs(skew) > CLOCK_SKEW_TOLERANCE_MS ? skew : undefined;
}

/** `localMs` minus the exchange's time in its Date header; undefined without a readable one. */
function offsetFromDate(dateHeader: string | null, localMs: number): number | undefined {
  if (!dateHeader) return undefined;
  const exchangeMs = Date.parse(dateHeader);
  return Number.isNaN(exchangeMs) ? undefined : localMs - exchangeMs;
}

/**
 * Kalshi's code for a signature whose timestamp it no longer accepts. Recorded by users of the real
 * exchange (not in the spec); only a hint beside the 401, as Kalshi advises for every code.
 */
const TIMESTAMP_EXPIRED = 'header_timestamp_expired';

/**
 * Why a 401 may be the clock's fault, in words, or undefined when nothing points at the clock.
 * Kalshi's `header_timestamp_expired` says so itself: how far off, from the Date header against the
 * timestamp the request was signed with (none without a Date header). Without that code, a Date
 * header further than CLOCK_SKEW_TOLERANCE_MS from our clock now still blames the clock.
 */
export function clockDetail(
  kalshiError: KalshiError | undefined,
  dateHeader: string | null,
  signedAtMs: number,
  localNowMs: number,
  host: string,
): string | undefined {
  if (kalshiError && saysTimestampExpired(kalshiError)) {
    const offset = offsetFromDate(dateHeader, signedAtMs);
    if (offset === undefined) return `Kalshi (${host}) found the request’s time out of date, and did not say what time it has.`;
    // The header has whole seconds: under one either way says nothing of the clock.
    if (Math.abs(offset) < 1_000)
      return `Kalshi (${host}) found the request’s time out of date, though its clock agrees with this one to the second.`;
    return clockWords(offset, host);
  }
  const skew = clockSkewMs(dateHeader, localNowMs);
  return skew === undefined ? undefined : clockWords(skew, host);
}

/** The code in any of the three shapes; in `{"error": "…"}` the string is all there is, so it is the code. */
function saysTimestampExpired({ code, message }: KalshiError): boolean {
  const said = (code === '' ? message : code).trim().toLowerCase();
  return said === TIMESTAMP_EXPIRED;
}

/** "Your clock is about 2 min 5 s behind Kalshi’s (host)." for our clock minus Kalshi's. */
function clockWords(offsetMs: number, host: string): string {
  return `Your clock is about ${formatDuration(Math.abs(offsetMs))} ${offsetMs > 0 ? 'ahead of' : 'behind'} Kalshi’s (${host}).`;
}

/** "45 s", "2 min 5 s", "3 h 12 min", "2 d 5 h": the two largest units, rounded to the second. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const [d, h, m] = [Math.floor(s / 86_400), Math.floor((s % 86_400) / 3_600), Math.floor((s % 3_600) / 60)];
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${s % 60} s`;
  return `${s} s`;
}
