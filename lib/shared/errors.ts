/**
 * Every failure the user can meet is an AppError with a code from this list.
 * Only plain ErrorInfo data (a code and facts, never a stack, never key material) crosses the message
 * boundary; the pages choose the words by code, in the user's language, from
 * public/_locales/<locale>/messages.json (`error_<code>` and `error_<code>_hint`).
 */
export const ERROR_CODES = [
  // What the user typed or pasted
  'empty_input',
  'not_pem',
  'malformed_key',
  'public_key_given',
  'certificate_given',
  'encrypted_key',
  'passphrase_required',
  'wrong_passphrase',
  'unsupported_encryption',
  'unsupported_key_type',
  'invalid_key_id',
  'invalid_name',
  'invalid_account_name',
  'invalid_request',
  'invalid_scopes',
  'invalid_subaccount',
  'invalid_fcm_subtrader',
  // What the exchange answered
  'unauthorized',
  'wrong_environment',
  'usage_tier',
  'upgrade_not_eligible',
  'location_attestation',
  'forbidden',
  'bad_request',
  'not_found',
  'conflict',
  'rate_limited',
  'exchange_error',
  'unexpected_response',
  'unreachable',
  'timeout',
  'clock_skew',
  'outcome_unknown',
  'key_lost',
  // Inside the extension
  'no_signing_key',
  'not_held',
  'unknown_account',
  'account_unknown',
  'key_other_account',
  'key_not_listed',
  'signing_key_cannot_manage',
  'lockout_unconfirmed',
  'rotation_widens_scopes',
  'rotation_locks_out',
  'rotation_scopes_unknown',
  'storage_failed',
  'storage_blocked',
  'storage_full',
  'corrupt_record',
  'private_browsing',
  'sender_refused',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Plain data: safe to send between extension pages. */
export interface ErrorInfo {
  code: ErrorCode;
  /** Facts specific to this failure (host, key id, what was signed). Never key material. */
  detail?: string;
  /**
   * Kalshi's own words when the failure is Kalshi's answer: its `message` and `details`, as plain
   * text (never raw JSON), control characters removed, at most SAID_MAX_LENGTH characters.
   */
  said?: string;
}

/** The longest `said` kept from an answer of Kalshi's. */
export const SAID_MAX_LENGTH = 300;

// Does not compile, naming the key, while a code lacks its words in the English messages.
type MissingWords = Exclude<
  `error_${ErrorCode}` | `error_${ErrorCode}_hint`,
  keyof typeof import('../../public/_locales/en/messages.json')
>;
const everyCodeHasWords: [MissingWords] extends [never] ? true : MissingWords = true;
void everyCodeHasWords;

// Pure: a page that never checks a code (the popup) leaves the Set, and the list, out of its bundle.
const KNOWN = /* @__PURE__ */ new Set<string>(ERROR_CODES);

export class AppError extends Error {
  override readonly name = 'AppError';
  /** Kalshi's own words, when this failure is an answer of Kalshi's (see ErrorInfo.said). */
  readonly said?: string;

  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    options?: { cause?: unknown; said?: string },
  ) {
    super(detail === undefined ? code : `${code}: ${detail}`, options && 'cause' in options ? { cause: options.cause } : undefined);
    if (options?.said !== undefined && options.said !== '') this.said = options.said;
  }

  toInfo(): ErrorInfo {
    return {
      code: this.code,
      ...(this.detail === undefined ? {} : { detail: this.detail }),
      ...(this.said === undefined ? {} : { said: this.said }),
    };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && KNOWN.has(value);
}

/** Anything thrown becomes ErrorInfo; unknown throwables become 'internal' without leaking their text. */
export function toErrorInfo(error: unknown): ErrorInfo {
  return error instanceof AppError ? error.toInfo() : { code: 'internal' };
}
