/** Shapes of Kalshi's API-key answers, checked on arrival (see shared/kalshi-api-keys.md). */
import { SAID_MAX_LENGTH } from '../shared/errors';

export interface ApiKey {
  api_key_id: string;
  name: string;
  scopes: string[];
  subaccount: number | null;
  fcm_subtrader_id: string | null;
}

export interface CreateApiKeyRequest {
  name: string;
  public_key: string;
  scopes?: string[];
  subaccount?: number;
  fcm_subtrader_id?: string;
}

export interface GenerateApiKeyRequest {
  name: string;
  scopes?: string[];
  subaccount?: number;
  fcm_subtrader_id?: string;
  /** Newer servers only: sent only for Ed25519. */
  key_type?: 'rsa' | 'ed25519';
}

export interface CreatedApiKey {
  api_key_id: string;
  /** Kalshi's warning about the new key (e.g. an FCM subtrader without risk caps), as plain text; null when none. */
  warning: string | null;
}

export interface GeneratedApiKey {
  api_key_id: string;
  private_key: string;
  key_type: 'rsa' | 'ed25519';
  /** As in CreatedApiKey. */
  warning: string | null;
}

export interface PortfolioBalance {
  /** cents */
  balance: number;
  /** The same in dollars as Kalshi writes it (e.g. "1000.00"); null when the answer has none. */
  balance_dollars: string | null;
}

/** Kalshi's error body, whichever of its three shapes it came in; absent fields are ''. */
export interface KalshiError {
  code: string;
  message: string;
  details: string;
  service: string;
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isString = (v: unknown): v is string => typeof v === 'string';
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

export function parseApiKey(v: unknown): ApiKey | undefined {
  if (!isObject(v) || !isString(v.api_key_id)) return undefined;
  return {
    api_key_id: v.api_key_id,
    name: isString(v.name) ? v.name : '',
    scopes: isStringArray(v.scopes) ? v.scopes : [],
    subaccount: typeof v.subaccount === 'number' ? v.subaccount : null,
    fcm_subtrader_id: isString(v.fcm_subtrader_id) ? v.fcm_subtrader_id : null,
  };
}

export function parseApiKeyList(v: unknown): ApiKey[] | undefined {
  if (!isObject(v) || !Array.isArray(v.api_keys)) return undefined;
  const keys = v.api_keys.map(parseApiKey);
  return keys.every((k): k is ApiKey => k !== undefined) ? keys : undefined;
}

export function parseCreated(v: unknown): CreatedApiKey | undefined {
  return isObject(v) && isString(v.api_key_id) ? { api_key_id: v.api_key_id, warning: warningOf(v.warning) } : undefined;
}

export function parseGenerated(v: unknown): GeneratedApiKey | undefined {
  if (!isObject(v) || !isString(v.api_key_id) || !isString(v.private_key)) return undefined;
  return {
    api_key_id: v.api_key_id,
    private_key: v.private_key,
    key_type: v.key_type === 'ed25519' ? 'ed25519' : 'rsa',
    warning: warningOf(v.warning),
  };
}

/** `warning` is `string | null` in Kalshi's answers: kept as plain text, an empty one is none. */
function warningOf(v: unknown): string | null {
  if (!isString(v)) return null;
  const text = plainText(v);
  return text === '' ? null : clip(text, SAID_MAX_LENGTH);
}

export function parseBalance(v: unknown): PortfolioBalance | undefined {
  if (!isObject(v) || typeof v.balance !== 'number' || !Number.isFinite(v.balance)) return undefined;
  const dollars = isString(v.balance_dollars) && /^-?\d{1,15}(\.\d{1,6})?$/.test(v.balance_dollars) ? v.balance_dollars : null;
  return { balance: v.balance, balance_dollars: dollars };
}

export function parseExchangeStatus(v: unknown): { exchange_active: boolean } | undefined {
  return isObject(v) && typeof v.exchange_active === 'boolean' ? { exchange_active: v.exchange_active } : undefined;
}

/**
 * Kalshi's error body in any of the three shapes it uses (shared/kalshi-api-keys.md):
 * `{"error": {"code", "message", "details"?, "service"?}}` as the real exchange sends it, the spec's
 * unwrapped `{"code", "message", "details"}`, and `{"error": "too many requests"}` (a string, on 429).
 * undefined for anything else (no body, not JSON, another shape).
 */
export function parseKalshiError(v: unknown): KalshiError | undefined {
  if (!isObject(v)) return undefined;
  if (isString(v.error)) return { code: '', message: v.error, details: '', service: '' };
  const fields = isObject(v.error) ? v.error : v;
  const { code, message, details, service } = fields;
  if (![code, message, details].some(isString)) return undefined;
  const text = (x: unknown) => (isString(x) ? x : '');
  return { code: text(code), message: text(message), details: text(details), service: text(service) };
}

/**
 * Kalshi's own words from an error body, to show beside ours: `message` and `details` joined
 * (once when they say the same), control characters removed, at most 300 characters. Never JSON:
 * a part that is itself a JSON object or array is left out. undefined when there are no words.
 */
export function kalshiSaid(error: KalshiError | undefined): string | undefined {
  if (!error) return undefined;
  const parts: string[] = [];
  for (const part of [error.message, error.details].map(plainText)) {
    if (part === '' || looksLikeJson(part)) continue;
    if (parts.some((p) => p.toLowerCase() === part.toLowerCase())) continue;
    parts.push(part);
  }
  if (parts.length === 0) return undefined;
  return clip(parts.join(' — '), SAID_MAX_LENGTH);
}

/** Text from the network made safe to show on one line: no control or invisible formatting characters, spaces collapsed. */
export function plainText(text: string): string {
  return text
    .replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cs}\u2028\u2029]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function looksLikeJson(text: string): boolean {
  if (!/^[[{]/.test(text)) return false;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null;
  } catch {
    return false;
  }
}

/** At most `max` characters (code points, so no half of a pair is left), with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max
    ? text
    : `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}
