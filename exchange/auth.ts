/**
 * Kalshi request signing, checked with node:crypto only (independent of the extension's
 * own signing code, so the sandbox is a real second opinion).
 */
import { constants, verify } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Account, StoredKey } from './state';

export type AuthFailure = 'MISSING_HEADERS' | 'INVALID_TIMESTAMP' | 'STALE_TIMESTAMP' | 'NOT_FOUND' | 'BAD_SIGNATURE';

/** The signing key and the one account it acts on. */
export interface SignedBy {
  key: StoredKey;
  account: Account;
}

export type AuthResult = ({ ok: true } & SignedBy) | { ok: false; reason: AuthFailure };

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The key id a request claims, if any (for the request log; says nothing about validity). */
export function claimedKeyId(headers: IncomingHttpHeaders): string | undefined {
  return header(headers, 'kalshi-access-key') || undefined;
}

/**
 * @param findKey the key among all accounts of the request's environment, with its account.
 * @param path the request path WITHOUT the query string: that is what Kalshi signs, so
 *   a client that signed the query string fails here as it would on Kalshi.
 */
export function authenticate(
  findKey: (keyId: string) => SignedBy | undefined,
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  nowMs: number,
  maxSkewMs: number,
): AuthResult {
  const keyId = header(headers, 'kalshi-access-key');
  const timestamp = header(headers, 'kalshi-access-timestamp');
  const signature = header(headers, 'kalshi-access-signature');
  if (!keyId || !timestamp || !signature) return { ok: false, reason: 'MISSING_HEADERS' };

  // Guess: anything but 1–16 decimal digits is refused before the signature (the doc: ms as a decimal string).
  if (!/^\d{1,16}$/.test(timestamp)) return { ok: false, reason: 'INVALID_TIMESTAMP' };
  // A timestamp in seconds is ~55 years off a millisecond clock, so it lands here too.
  // Guess: one tolerance either way, checked before the key (REST's is undocumented; users report it lopsided).
  if (Math.abs(nowMs - Number(timestamp)) > maxSkewMs) return { ok: false, reason: 'STALE_TIMESTAMP' };

  const found = findKey(keyId);
  if (!found) return { ok: false, reason: 'NOT_FOUND' };
  const { key } = found;

  const data = Buffer.from(timestamp + method.toUpperCase() + path, 'utf8');
  const sig = Buffer.from(signature, 'base64');
  let good = false;
  try {
    good =
      key.record.key_type === 'ed25519'
        ? verify(null, data, key.publicKey, sig)
        : verify('sha256', data, { key: key.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig);
  } catch {
    good = false; // malformed signature bytes
  }
  return good ? { ok: true, ...found } : { ok: false, reason: 'BAD_SIGNATURE' };
}
