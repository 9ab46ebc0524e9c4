import { AppError } from '../shared/errors';
import type { KeyAlgorithm, ParsedPrivateKey } from './pem';

const IMPORT_PARAMS: Record<KeyAlgorithm, RsaHashedImportParams | Algorithm> = {
  'RSA-PSS': { name: 'RSA-PSS', hash: 'SHA-256' },
  Ed25519: { name: 'Ed25519' },
};

/** Imports a parsed private key as a non-extractable signing key: it can never be read back. */
export async function importPrivateKey(parsed: ParsedPrivateKey): Promise<CryptoKey> {
  try {
    return await crypto.subtle.importKey('pkcs8', parsed.pkcs8, IMPORT_PARAMS[parsed.algorithm], false, ['sign']);
  } catch (cause) {
    throw new AppError('malformed_key', 'The browser could not import this key.', { cause });
  }
}

export interface GeneratedKeyPair {
  /** Non-extractable: usable for signing only. */
  privateKey: CryptoKey;
  /** SubjectPublicKeyInfo DER of the public half, the only part that leaves the browser. */
  spki: ArrayBuffer;
}

const GENERATE_PARAMS: Record<KeyAlgorithm, RsaHashedKeyGenParams | Algorithm> = {
  'RSA-PSS': { name: 'RSA-PSS', hash: 'SHA-256', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
  Ed25519: { name: 'Ed25519' },
};

/**
 * Makes a key pair whose private half is born non-extractable, unless the caller must hand it
 * to the user (a key for a bot), in which case the caller exports it once and drops it.
 */
export async function generateKeyPair(algorithm: KeyAlgorithm, { extractable = false } = {}): Promise<GeneratedKeyPair> {
  const pair = (await crypto.subtle.generateKey(GENERATE_PARAMS[algorithm], extractable, ['sign', 'verify'])) as CryptoKeyPair;
  const spki = await crypto.subtle.exportKey('spki', pair.publicKey);
  return { privateKey: pair.privateKey, spki };
}
