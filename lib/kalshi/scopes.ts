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

/** `scopes` grant `scope`: listed itself, or its parent is (`write` covers every `write::…`, `read` every `read::…`). */
export function grants(scopes: readonly string[], scope: string): boolean {
  if (scopes.includes(scope)) return true;
  const cut = scope.indexOf('::');
  return cut > 0 && scopes.includes(scope.slice(0, cut));
}

/** The key can transfer funds: it has `write::transfer`, or `write`, which covers it. */
export function canMoveMoney(scopes: readonly string[]): boolean {
  return grants(scopes, 'write::transfer');
}

/** `next` grants nothing that `old` does not: a replacement with `next` keeps or narrows what the key may do. */
export function isWithin(next: readonly string[], old: readonly string[]): boolean {
  return next.every((scope) => grants(old, scope));
}

export function isScopePreset(value: unknown): value is ScopePreset {
  return typeof value === 'string' && Object.hasOwn(PRESETS, value);
}

/** The presets that grant strictly less than `scopes`: what a rotation may narrow a key to. */
export function narrowerPresets(scopes: readonly string[]): ScopePreset[] {
  return (Object.keys(PRESETS) as ScopePreset[]).filter((p) => isWithin(PRESETS[p], scopes) && !isWithin(scopes, PRESETS[p]));
}
