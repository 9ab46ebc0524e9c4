/**
 * Every failure the user can meet is an AppError with a code from this list.
 * The words for each code live here, in one place; only plain ErrorInfo data
 * (never a stack, never key material) crosses the message boundary.
 */
export type ErrorCode =
  // What the user typed or pasted
  | 'empty_input'
  | 'not_pem'
  | 'malformed_key'
  | 'public_key_given'
  | 'certificate_given'
  | 'encrypted_key'
  | 'passphrase_required'
  | 'wrong_passphrase'
  | 'unsupported_encryption'
  | 'unsupported_key_type'
  | 'invalid_key_id'
  | 'invalid_name'
  | 'invalid_request'
  | 'invalid_scopes'
  | 'invalid_subaccount'
  | 'invalid_fcm_subtrader'
  // What the exchange answered
  | 'unauthorized'
  | 'wrong_environment'
  | 'usage_tier'
  | 'forbidden'
  | 'bad_request'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'exchange_error'
  | 'unexpected_response'
  | 'unreachable'
  | 'timeout'
  // Inside the extension
  | 'no_signing_key'
  | 'not_held'
  | 'signing_key_cannot_manage'
  | 'lockout_unconfirmed'
  | 'storage_failed'
  | 'sender_refused'
  | 'internal';

/** Plain data: safe to send between extension pages and to show. */
export interface ErrorInfo {
  code: ErrorCode;
  /** What happened, in a trader's words. */
  message: string;
  /** What to do next. */
  hint: string;
  /** Facts specific to this failure (host, key id, what was signed). Never key material. */
  detail?: string;
}

const WORDS: Record<ErrorCode, [message: string, hint: string]> = {
  empty_input: ['This field is empty.', 'Fill it in and try again.'],
  not_pem: [
    'This is not a PEM private key.',
    'Paste the whole key, from -----BEGIN ... PRIVATE KEY----- to the END line.',
  ],
  malformed_key: [
    'The private key is damaged: its contents do not parse.',
    'Paste it again in full, or pick the original .key or .pem file.',
  ],
  public_key_given: [
    'This is a public key, not a private key.',
    'Use the private key Kalshi gave you when the API key was created (it starts with BEGIN RSA PRIVATE KEY or BEGIN PRIVATE KEY).',
  ],
  certificate_given: [
    'This is a certificate, not a private key.',
    'Use the private key Kalshi gave you when the API key was created.',
  ],
  encrypted_key: [
    'This private key is protected by a passphrase.',
    'Enter its passphrase to import it. A key in the old “Proc-Type: 4,ENCRYPTED” format must be converted first: `openssl pkcs8 -topk8 -in key.pem -out new.pem` (it asks for the old and a new passphrase), then import new.pem.',
  ],
  passphrase_required: [
    'This private key is protected by a passphrase.',
    'Enter its passphrase below; it is used once and never stored.',
  ],
  wrong_passphrase: [
    'That passphrase does not unlock this private key.',
    'Check the passphrase (capital letters, keyboard layout) and enter it again.',
  ],
  unsupported_encryption: [
    'This private key is encrypted in a way the browser cannot undo.',
    'Re-encrypt it with AES-256, e.g. `openssl pkcs8 -topk8 -v2 aes-256-cbc -in key.pem -out new.pem`, then import new.pem.',
  ],
  unsupported_key_type: [
    'Kalshi keys are RSA or Ed25519; this key is of another type.',
    'Use the RSA or Ed25519 private key that belongs to your Kalshi API key.',
  ],
  invalid_key_id: [
    'That API key ID does not look like a Kalshi key ID.',
    'Copy the key ID from Kalshi’s API keys page; it looks like a952bcbe-ec3b-4b5b-b8f9-11dae589608c.',
  ],
  invalid_name: ['The key name must be 1 to 100 characters.', 'Type a short name such as “laptop”.'],
  invalid_scopes: ['These scopes cannot be granted together.', 'Pick a preset, or add “read” when you grant “write”.'],
  invalid_subaccount: ['The subaccount must be a whole number from 0 to 63.', 'Leave it empty to use the main account.'],
  invalid_fcm_subtrader: ['That FCM subtrader ID cannot be used.', 'Use the ID your FCM gave you, and leave the subaccount empty.'],
  invalid_request: ['The request was not understood.', 'Reload the extension page and try again.'],
  unauthorized: [
    'Kalshi refused the signature (401).',
    'Check that the key ID belongs to this private key, that the key is for this environment (demo keys fail on Production and the other way round), and that your computer’s clock is right.',
  ],
  wrong_environment: [
    'This key belongs to Kalshi’s other environment.',
    'Demo keys work only on Demo and production keys only on Production: switch the environment and try again.',
  ],
  usage_tier: [
    'Your Kalshi account’s API usage level may not upload its own public key (403).',
    'Only Premier and Market Maker levels may do that. Kalshi can generate the key for you instead.',
  ],
  forbidden: ['Kalshi refused this action for your account (403).', 'Check the key’s scopes and your account’s permissions.'],
  bad_request: ['Kalshi rejected the request as invalid (400).', 'Check what you entered and try again.'],
  not_found: ['Kalshi has no such key (404).', 'It may already be deleted. Refresh the list.'],
  conflict: ['Kalshi is not ready for this yet (409).', 'Wait a few seconds and try again.'],
  rate_limited: ['Too many requests to Kalshi right now (429).', 'Wait a few seconds and try again.'],
  exchange_error: ['Kalshi had a problem answering (5xx).', 'Try again in a minute; check Kalshi’s status if it persists.'],
  unexpected_response: ['Kalshi answered in a way this extension does not understand.', 'Try again; if it persists, report it.'],
  unreachable: ['Could not reach Kalshi.', 'Check your internet connection and try again.'],
  timeout: ['Kalshi did not answer in time.', 'Check your connection and try again.'],
  no_signing_key: [
    'No API key is set up in this browser for this environment.',
    'Open the extension’s options page and import your Kalshi API key.',
  ],
  not_held: ['This browser does not hold that key’s private half.', 'Import the key on the options page first.'],
  signing_key_cannot_manage: [
    'The key this extension signs with cannot manage API keys.',
    'Managing keys needs the “read” and “write” scopes: import or switch to a full-access key.',
  ],
  lockout_unconfirmed: [
    'This is the only key this browser signs with here: deleting it locks the extension out.',
    'Confirm that you understand, or import or create another key first.',
  ],
  storage_failed: ['The browser could not save or read the key store.', 'Make sure the browser is not in a mode that blocks storage, then try again.'],
  sender_refused: ['This request did not come from the extension’s own pages.', 'Use the extension’s popup or options page.'],
  internal: ['Something went wrong inside the extension.', 'Try again; if it persists, reload the extension.'],
};

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    options?: { cause?: unknown },
  ) {
    super(WORDS[code][0], options);
  }

  get hint(): string {
    return WORDS[this.code][1];
  }

  toInfo(): ErrorInfo {
    const [message, hint] = WORDS[this.code];
    return this.detail === undefined ? { code: this.code, message, hint } : { code: this.code, message, hint, detail: this.detail };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(WORDS, value);
}

/** Anything thrown becomes ErrorInfo; unknown throwables become 'internal' without leaking their text. */
export function toErrorInfo(error: unknown): ErrorInfo {
  return error instanceof AppError ? error.toInfo() : new AppError('internal').toInfo();
}
