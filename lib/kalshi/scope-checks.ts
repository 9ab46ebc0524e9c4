/** Checks of what a new key asks for, before any request: its scopes, subaccount and FCM subtrader id. */
import { AppError } from '../shared/errors';
import { isScope, SCOPES, type Scope } from './scopes';

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

/** Subaccount: absent, or an integer 0–63. */
export function validSubaccount(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' ? Number(value.trim()) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 63) {
    throw new AppError('invalid_subaccount');
  }
  return n;
}

/** Kalshi's FCM subtrader id: `{user_id}_{suffix}`, split at the last underscore. */
export const FCM_SUBTRADER_FORM = 'user-ID_suffix: the Kalshi user ID, an underscore, then 1–16 letters or digits';
const SUFFIX = /^[A-Za-z0-9]{1,16}$/;
/** Printable ASCII without spaces. Kalshi's user ids are UUIDs; 64 leaves room to spare. */
const USER_ID = /^[\x21-\x7e]{1,64}$/;

/**
 * FCM subtrader id: absent, or Kalshi's form `{user_id}_{suffix}` (suffix 1–16 ASCII letters or
 * digits, case kept; user_id non-empty printable ASCII without spaces); never together with a subaccount.
 */
export function validFcmSubtrader(value: unknown, subaccount: number | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new AppError('invalid_request');
  const id = value.trim();
  if (id === '') return undefined;
  const cut = id.lastIndexOf('_');
  const userId = cut === -1 ? '' : id.slice(0, cut);
  const suffix = cut === -1 ? '' : id.slice(cut + 1);
  // The detail describes the form, never repeats what was typed.
  if (cut === -1) throw new AppError('invalid_fcm_subtrader', `It has no underscore; the form is ${FCM_SUBTRADER_FORM}.`);
  if (!USER_ID.test(userId)) {
    throw new AppError('invalid_fcm_subtrader', `The part before the last underscore must be the Kalshi user ID (${FCM_SUBTRADER_FORM}).`);
  }
  if (!SUFFIX.test(suffix)) {
    throw new AppError(
      'invalid_fcm_subtrader',
      `The part after the last underscore must be 1–16 letters or digits (${FCM_SUBTRADER_FORM}).`,
    );
  }
  if (subaccount !== undefined) throw new AppError('invalid_fcm_subtrader', 'An FCM subtrader ID cannot be combined with a subaccount.');
  return id;
}
