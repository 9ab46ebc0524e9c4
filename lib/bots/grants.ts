/**
 * Grants: what a program on this computer may have signed with a key held here, without ever
 * holding it (a bot trading through the local agent). The extension decides, never the agent: the
 * agent forwards a request's method, path and the grant's token; the worker checks them here and
 * signs only a request inside a live grant, on one of Kalshi's API paths.
 *
 * May import: lib/shared and lib/kalshi (the signer). This file is pure: the clock is passed in.
 * A grant's fields are lib/shared/grant.ts.
 */
import type { Grant, Power } from '../shared/grant';

export { POWERS, PRESETS, type Grant, type Power } from '../shared/grant';

export const API_PREFIX = '/trade-api/v2';
export const WEBSOCKET_PATH = '/trade-api/ws/v2';
const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE']);
/** A path segment as Kalshi's ids and tickers are written: no encoding, no dot segment, nothing empty. */
const SEGMENT = /^(?!\.{1,2}$)[A-Za-z0-9_.~-]+$/;

/**
 * The power a request needs, or undefined when it is not one of Kalshi's API paths as signed: the
 * path without its query, under /trade-api/v2 (or the WebSocket's), in plain segments. Anything the
 * rules below do not name as a read, an order or a transfer is a `write`, granted only by name.
 */
export function powerOf(method: string, path: string): Power | undefined {
  if (!METHODS.has(method)) return undefined;
  if (path === WEBSOCKET_PATH) return method === 'GET' ? 'read' : undefined;
  if (!path.startsWith(`${API_PREFIX}/`)) return undefined;
  const segments = path.slice(API_PREFIX.length + 1).split('/');
  if (!segments.every((s) => SEGMENT.test(s))) return undefined;
  const [first, second] = segments;
  // Reading is reading, the key list too (ids, names and scopes: never a key); a change to keys or money is named.
  if (method === 'GET') return 'read';
  if (segments.includes('api_keys')) return 'keys';
  if (segments.includes('transfer')) return 'transfer';
  // Orders, order groups, and the events' orders Kalshi's newer endpoints (and SDKs) place and cancel.
  if (first === 'portfolio' && (second === 'orders' || second === 'order_groups' || (second === 'events' && segments[2] === 'orders')))
    return 'trade';
  return 'write';
}

/** Why a request is not signed, in words a bot's log can show. */
export type Refusal =
  | { code: 'unknown_grant'; message: string }
  | { code: 'grant_revoked'; message: string }
  | { code: 'grant_expired'; message: string }
  | { code: 'not_kalshi_api'; message: string }
  | { code: 'outside_grant'; message: string; needs: Power };

export type Decision = { ok: true; power: Power } | { ok: false; refusal: Refusal };

const refused = (refusal: Refusal): Decision => ({ ok: false, refusal });

/** Whether `grant` lets `method path` be signed at `now`. */
export function decide(grant: Grant | undefined, method: string, path: string, now: number): Decision {
  if (!grant) return refused({ code: 'unknown_grant', message: 'No grant has this token: admit the bot in the extension’s options.' });
  if (grant.revokedAt !== undefined && grant.revokedAt <= now)
    return refused({ code: 'grant_revoked', message: `The grant “${grant.name}” was revoked.` });
  if (now >= grant.expiresAt) return refused({ code: 'grant_expired', message: `The grant “${grant.name}” has expired.` });
  const power = powerOf(method, path);
  if (!power)
    return refused({ code: 'not_kalshi_api', message: `${method} ${path} is not one of Kalshi’s API paths: nothing was signed.` });
  if (!grant.powers.includes(power))
    return refused({
      code: 'outside_grant',
      needs: power,
      message: `The grant “${grant.name}” does not allow ${POWER_WORDS[power]}: ${method} ${path} was not signed.`,
    });
  return { ok: true, power };
}

const POWER_WORDS: Record<Power, string> = {
  read: 'reading',
  trade: 'placing or cancelling orders',
  transfer: 'moving money',
  keys: 'managing API keys',
  write: 'this change to the account',
};
