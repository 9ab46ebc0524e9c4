/**
 * A grant's token: what a bot sends instead of a key (as its KALSHI-ACCESS-KEY, or as a bearer
 * token). Shown once; only its SHA-256 is kept, and tokens are compared in constant time.
 */

/** Tokens start so, to be told apart from a Kalshi key id (a UUID) in a bot's settings. */
export const TOKEN_PREFIX = 'kkb_';
const TOKEN = /^kkb_[A-Za-z0-9_-]{43}$/;

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/** A new token: 256 random bits. */
export function newToken(): string {
  return TOKEN_PREFIX + base64url(crypto.getRandomValues(new Uint8Array(32)));
}

export const isToken = (value: unknown): value is string => typeof value === 'string' && TOKEN.test(value);

/** The token's SHA-256, hex: what a grant keeps. */
export async function hashToken(token: string): Promise<string> {
  return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))));
}

/** Equal hashes, in a time that does not depend on where they differ. */
export function sameHash(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Hashes of the tokens seen, for the life of the worker: a bot sends its token with every request,
 * and a SHA-256 each time cost more than the rest of the decision. Safe to keep: what a hash may do
 * is looked up among the grants at every request. At most HASHES_KEPT tokens, then it starts again.
 */
const HASHES_KEPT = 1_000;
const hashes = new Map<string, Promise<string>>();

function hashOf(token: string): Promise<string> {
  let hash = hashes.get(token);
  if (!hash) {
    if (hashes.size >= HASHES_KEPT) hashes.clear();
    hash = hashToken(token);
    hashes.set(token, hash);
    hash.catch(() => hashes.delete(token));
  }
  return hash;
}

/** The grant whose hash is the token's, every grant compared in full; undefined for no token or none. */
export async function grantOf<G extends { tokenHash: string }>(grants: readonly G[], token: unknown): Promise<G | undefined> {
  if (!isToken(token)) return undefined;
  const hash = await hashOf(token);
  let found: G | undefined;
  for (const grant of grants) if (sameHash(grant.tokenHash, hash)) found = grant;
  return found;
}
