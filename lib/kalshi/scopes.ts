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

/** Key management (list, create, delete) needs read + write: the extension's signing key must have both. */
export function canManageKeys(scopes: readonly string[]): boolean {
  return scopes.includes('read') && scopes.includes('write');
}
