/** Shapes of Kalshi's API-key answers, checked on arrival (see shared/kalshi-api-keys.md). */
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

export interface GeneratedApiKey {
  api_key_id: string;
  private_key: string;
  key_type: 'rsa' | 'ed25519';
}

export interface AccountLimits {
  usage_tier: string;
}

export interface PortfolioBalance {
  /** cents */
  balance: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
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

export function parseCreated(v: unknown): { api_key_id: string } | undefined {
  return isObject(v) && isString(v.api_key_id) ? { api_key_id: v.api_key_id } : undefined;
}

export function parseGenerated(v: unknown): GeneratedApiKey | undefined {
  if (!isObject(v) || !isString(v.api_key_id) || !isString(v.private_key)) return undefined;
  return { api_key_id: v.api_key_id, private_key: v.private_key, key_type: v.key_type === 'ed25519' ? 'ed25519' : 'rsa' };
}

export function parseLimits(v: unknown): AccountLimits | undefined {
  return isObject(v) && isString(v.usage_tier) ? { usage_tier: v.usage_tier } : undefined;
}

export function parseBalance(v: unknown): PortfolioBalance | undefined {
  return isObject(v) && typeof v.balance === 'number' ? { balance: v.balance } : undefined;
}

export function parseExchangeStatus(v: unknown): { exchange_active: boolean } | undefined {
  return isObject(v) && typeof v.exchange_active === 'boolean' ? { exchange_active: v.exchange_active } : undefined;
}

/** Kalshi's error body: { "error": { "code", "message", "details" } }. */
export function parseKalshiError(v: unknown): { code: string; message: string; details: string } | undefined {
  if (!isObject(v) || !isObject(v.error)) return undefined;
  const { code, message, details } = v.error;
  return { code: isString(code) ? code : '', message: isString(message) ? message : '', details: isString(details) ? details : '' };
}
