import { AppError } from '../shared/errors';

/** Kalshi's API-key scopes (shared/kalshi-api-keys.md). Child scopes may be granted without their parent. */
export const SCOPES = [
  'read',
  'write',
  'read::block_trade_accept',
  'read::portfolio_balance',
  'write::trade',
  'write::transfer',
  'write::fcm_risk',
  'write::block_trade_accept',
] as const;
export type Scope = (typeof SCOPES)[number];

export type ScopePreset = 'read-only' | 'trade' | 'full';

/** Scope presets; their names and notes for people are in messages.json (popup_preset_*). */
export const PRESETS: Record<ScopePreset, Scope[]> = {
  'read-only': ['read'],
  trade: ['read', 'write::trade'],
  full: ['read', 'write'],
};

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}

/** Checks a scope list before any request: known scopes, no duplicates, and `write` only with `read`. */
export function validScopes(value: unknown): Scope[] {
  if (!Array.isArray(value) || value.length === 0) throw new AppError('invalid_scopes', 'Choose at least one scope.');
  const unknown = value.filter((s) => !isScope(s));
  if (unknown.length > 0) throw new AppError('invalid_scopes', `Unknown scope: ${unknown.map(String).join(', ').slice(0, 80)}.`);
  const scopes = [...new Set(value as Scope[])];
  if (scopes.includes('write') && !scopes.includes('read')) {
    throw new AppError('invalid_scopes', 'The “write” scope needs “read” as well.');
  }
  return SCOPES.filter((s) => scopes.includes(s));
}

/** Key management (list, create, delete) needs read + write: the extension's signing key must have both. */
export function canManageKeys(scopes: readonly string[]): boolean {
  return scopes.includes('read') && scopes.includes('write');
}

/** Subaccount: absent, or an integer 0–63. */
export function validSubaccount(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' ? Number(value.trim()) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 63) {
    throw new AppError('invalid_subaccount');
  }
  return n;
}

/** FCM subtrader id: absent, or 1–64 printable characters; never together with a subaccount. */
export function validFcmSubtrader(value: unknown, subaccount: number | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new AppError('invalid_request');
  const id = value.trim();
  if (id === '') return undefined;
  if (id.length > 64 || !/^[\x21-\x7e]+$/.test(id)) throw new AppError('invalid_fcm_subtrader');
  if (subaccount !== undefined) throw new AppError('invalid_fcm_subtrader', 'An FCM subtrader ID cannot be combined with a subaccount.');
  return id;
}
