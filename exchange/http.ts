/** Kalshi-shaped replies and errors: `{"error":{"code","message","details"}}` everywhere. */

export interface Reply {
  status: number;
  /** Serialised as JSON, except a string, which is sent as-is (lets faults send non-JSON bodies). */
  body?: unknown;
  headers?: Record<string, string>;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: string,
  ) {
    super(message);
  }
}

export function errorReply(status: number, code: string, message: string, details: string): Reply {
  return { status, body: { error: { code, message, details } } };
}

const DEFAULT_ERRORS: Record<number, [code: string, message: string]> = {
  400: ['invalid_parameters', 'invalid parameters'],
  401: ['authentication_error', 'authentication error'],
  403: ['forbidden', 'forbidden'],
  404: ['not_found', 'not found'],
  409: ['conflict', 'conflict'],
  429: ['too_many_requests', 'too many requests'],
  500: ['internal_server_error', 'internal server error'],
  502: ['bad_gateway', 'bad gateway'],
  503: ['service_unavailable', 'service unavailable'],
};

/** The error body Kalshi would send for a bare status (used for injected faults). */
export function defaultErrorBody(status: number, details: string): unknown {
  const [code, message] = DEFAULT_ERRORS[status] ?? ['error', `error ${status}`];
  return { error: { code, message, details } };
}

export const invalid = (details: string): HttpError => new HttpError(400, 'invalid_parameters', 'invalid parameters', details);
