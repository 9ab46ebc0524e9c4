import type { KeyAlgorithm } from '../key-formats/pem';

/** A key the extension can sign Kalshi requests with. The private half never leaves WebCrypto. */
export interface SigningKey {
  keyId: string;
  algorithm: KeyAlgorithm;
  privateKey: CryptoKey;
}

/** A type, not an interface: a map of header names to values wherever one is asked for. */
export type SignedHeaders = {
  'KALSHI-ACCESS-KEY': string;
  'KALSHI-ACCESS-TIMESTAMP': string;
  'KALSHI-ACCESS-SIGNATURE': string;
};

/** Kalshi signs timestamp(ms) + METHOD + path; the query string is never part of it. */
export function presignText(timestampMs: number, method: string, pathWithQuery: string): string {
  const queryStart = pathWithQuery.indexOf('?');
  const path = queryStart === -1 ? pathWithQuery : pathWithQuery.slice(0, queryStart);
  return `${Math.trunc(timestampMs)}${method.toUpperCase()}${path}`;
}

const SIGN_PARAMS: Record<KeyAlgorithm, AlgorithmIdentifier | RsaPssParams> = {
  'RSA-PSS': { name: 'RSA-PSS', saltLength: 32 },
  Ed25519: { name: 'Ed25519' },
};

const encoder = new TextEncoder();

/** The three KALSHI-ACCESS-* headers for one request. */
export async function signRequest(
  key: SigningKey,
  method: string,
  pathWithQuery: string,
  timestampMs: number = Date.now(),
): Promise<SignedHeaders> {
  const text = presignText(timestampMs, method, pathWithQuery);
  const signature = await crypto.subtle.sign(SIGN_PARAMS[key.algorithm], key.privateKey, encoder.encode(text));
  return {
    'KALSHI-ACCESS-KEY': key.keyId,
    'KALSHI-ACCESS-TIMESTAMP': String(Math.trunc(timestampMs)),
    'KALSHI-ACCESS-SIGNATURE': bytesToBase64(new Uint8Array(signature)),
  };
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
