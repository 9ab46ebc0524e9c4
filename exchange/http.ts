/**
 * Kalshi-shaped replies and errors. Kalshi's spec describes `{code, message, details}`; real
 * answers arrive wrapped as `{"error": {...}}`, and a 429 as `{"error": "too many requests"}`.
 */

export interface Reply {
  status: number;
  /** Serialised as JSON, except a string, which is sent as-is (lets faults send non-JSON bodies). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Send no Date header (a fault); every other answer carries the exchange's clock in one. */
  omitDate?: boolean;
}

/** Thrown by a route: the reply to send instead of its normal answer. */
export class HttpError extends Error {
  readonly body: unknown;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Omitted from the body when undefined (some real answers carry no details). */
    readonly details?: string,
    /** A body to send verbatim instead of the wrapped {code, message, details}. */
    body?: unknown,
  ) {
    super(message);
    this.body = body !== undefined ? body : wrapped(code, message, details);
  }
}

function wrapped(code: string, message: string, details?: string): unknown {
  return { error: { code, message, ...(details !== undefined ? { details } : {}) } };
}

export function errorReply(status: number, code: string, message: string, details?: string): Reply {
  return { status, body: wrapped(code, message, details) };
}

/** Over budget on Kalshi: a string, not an object, and no Retry-After. */
export const TOO_MANY_REQUESTS_BODY = { error: 'too many requests' } as const;

// Guess: codes and words for bare statuses (Kalshi publishes no list of codes; 401's is as users recorded it).
const DEFAULT_ERRORS: Record<number, [code: string, message: string]> = {
  400: ['invalid_parameters', 'invalid parameters'],
  401: ['authentication_error', 'authentication_error'],
  403: ['forbidden', 'forbidden'],
  404: ['not_found', 'not found'],
  409: ['conflict', 'conflict'],
  500: ['internal_server_error', 'internal server error'],
  502: ['bad_gateway', 'bad gateway'],
  503: ['service_unavailable', 'service unavailable'],
};

/** The error body Kalshi would send for a bare status (used for injected faults). */
export function defaultErrorBody(status: number, details: string): unknown {
  if (status === 429) return TOO_MANY_REQUESTS_BODY;
  const [code, message] = DEFAULT_ERRORS[status] ?? ['error', `error ${status}`];
  return wrapped(code, message, details);
}

// Guess: the code and words of Kalshi's documented "400 invalid input".
export const invalid = (details: string): HttpError => new HttpError(400, 'invalid_parameters', 'invalid parameters', details);

/** A refusal after the signature check: `{"error":{"code":"forbidden","message":...}}`. */
// Guess: the code 'forbidden' (Kalshi documents no code for its 403s; clients must not rely on it).
export const forbidden = (message: string): HttpError => new HttpError(403, 'forbidden', message);

/**
 * 401 as seen in the wild. A bad signature gets Kalshi's words; a timestamp out of tolerance the code
 * users recorded, header_timestamp_expired. The other reasons keep the sandbox's own name where Kalshi
 * puts its reason, which helps a developer and changes no shape.
 */
export function authenticationError(reason: string): HttpError {
  // Guess: the message repeats the code, as authentication_error's does (users recorded the code only).
  if (reason === 'STALE_TIMESTAMP') return new HttpError(401, TIMESTAMP_EXPIRED, TIMESTAMP_EXPIRED);
  // Guess: a reason other than a bad signature (missing headers, an unknown key) gets the same body.
  const desc = reason === 'BAD_SIGNATURE' ? 'INCORRECT_API_KEY_SIGNATURE' : reason;
  return new HttpError(401, 'authentication_error', 'authentication_error', `rpc error: code = Unauthenticated desc = ${desc}`);
}

/** The 401 code users of the real exchange recorded for a stale or future timestamp. */
export const TIMESTAMP_EXPIRED = 'header_timestamp_expired';

/**
 * Bodies for the 403 on POST /api_keys below the upload tiers. Kalshi documents no code for it,
 * so none of these carries a code a client could key on (none mentions tier or usage level).
 */
export const UPLOAD_REFUSALS = {
  // Guess: the wrapped shape of the real exchange with the spec's reason as words (the default).
  forbidden: { error: { code: 'forbidden', message: 'insufficient API usage level' } },
  // Guess: the same without any code (the doc: "the body may carry any code or none").
  'no-code': { error: { message: 'insufficient API usage level' } },
  /** The spec's unwrapped {code?, message, details?} with its documented words alone. */
  spec: { message: 'Forbidden - insufficient API usage level, or fcm_subtrader_id from a non-FCM caller' },
} as const;
export type UploadRefusalShape = keyof typeof UPLOAD_REFUSALS;
export const UPLOAD_REFUSAL_SHAPES = Object.keys(UPLOAD_REFUSALS) as UploadRefusalShape[];

export function isUploadRefusalShape(value: unknown): value is UploadRefusalShape {
  return typeof value === 'string' && Object.hasOwn(UPLOAD_REFUSALS, value);
}

/**
 * Kalshi's words for a trading refusal without a valid location attestation, as users recorded them.
 * The sandbox serves no trading endpoint, so only tests inject them (as a fault).
 */
export const LOCATION_ATTESTATION_MESSAGE =
  'Your location attestation for API trading is missing or expired. Please verify your location in the Kalshi app or website, and then retry.';
