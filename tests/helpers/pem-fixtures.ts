/**
 * Shared by the pem-*.test.ts files: PEM/DER import of users' private keys. Every key is
 * generated at test time with node:crypto (and the openssl CLI for certificates); none is
 * committed. Accepted keys are proven right by signing with WebCrypto and verifying with
 * node:crypto against the ORIGINAL key's public half.
 */
import { execFileSync } from 'node:child_process';
import { constants, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { expect } from 'vitest';
import { AppError, type ErrorCode } from '../../lib/shared/errors';
import { parsePrivateKeyPem, type ParsedPrivateKey } from '../../lib/key-formats/pem';

// ---- Keys made now ---------------------------------------------------------------

export const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const ed = generateKeyPairSync('ed25519');
export const pss = generateKeyPairSync('rsa-pss', {
  modulusLength: 2048,
  hashAlgorithm: 'sha256',
  mgf1HashAlgorithm: 'sha256',
  saltLength: 32 as unknown as string, // @types/node 20 types it as string; node wants a number
});
export const pssNoParams = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });

export const der = (key: KeyObject, type: 'pkcs1' | 'pkcs8' | 'sec1' | 'spki'): Buffer =>
  key.export({ type, format: 'der' } as never) as Buffer;
export const pemOf = (key: KeyObject, type: 'pkcs1' | 'pkcs8' | 'sec1' | 'spki'): string =>
  key.export({ type, format: 'pem' } as never) as string;

export const rsaPkcs1Der = der(rsa.privateKey, 'pkcs1');
export const rsaPkcs8Der = der(rsa.privateKey, 'pkcs8');
export const rsaPkcs1Pem = pemOf(rsa.privateKey, 'pkcs1');
export const rsaPkcs8Pem = pemOf(rsa.privateKey, 'pkcs8');
export const edPkcs8Der = der(ed.privateKey, 'pkcs8');
export const edPkcs8Pem = pemOf(ed.privateKey, 'pkcs8');

// ---- The openssl CLI: required, never skipped -------------------------------------------

export const OPENSSL_MISSING =
  'The openssl CLI is not installed (or not on PATH), and the certificate and openssl-made key tests need it: ' +
  'install it (Debian/Ubuntu: `apt-get install openssl`; macOS: `brew install openssl`) and run the tests again.';

/** Whether `openssl version` runs. */
export const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();

/** `openssl <args>` with input on stdin; a missing CLI fails with OPENSSL_MISSING, never a skip. */
export function openssl(args: string[], input?: string): string {
  try {
    return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], ...(input === undefined ? {} : { input }) });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(OPENSSL_MISSING, { cause: e });
    throw e;
  }
}

// ---- Test-side DER/PEM helpers (independent of lib/der.ts) -------------------------

export function tlv(tag: number, content: Uint8Array): Buffer {
  const n = content.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), content]);
}
export const seq = (...items: Uint8Array[]): Buffer => tlv(0x30, Buffer.concat(items));

export function pem(label: string, body: Uint8Array): string {
  const lines =
    Buffer.from(body)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The base64 body of a PEM block, as one string. */
export const bodyOf = (text: string): string => text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');

// Ed25519 OneAsymmetricKey version 1: { 1, {Ed25519}, OCTET{OCTET seed}, [1] publicKey }.
export const edJwk = ed.privateKey.export({ format: 'jwk' });
export const edSeed = Buffer.from(edJwk.d!, 'base64url');
export const edPub = Buffer.from(edJwk.x!, 'base64url');
export const edV1Der = seq(
  Buffer.from('020101', 'hex'),
  Buffer.from('300506032b6570', 'hex'),
  tlv(0x04, tlv(0x04, edSeed)),
  tlv(0x81, Buffer.concat([Buffer.from([0]), edPub])),
);

// RSA PKCS#8 with an (empty) [0] attributes field, as some tools emit.
export const rsaPkcs8WithAttrs = (() => {
  const inner = rsaPkcs8Der.subarray(4); // past 30 82 LL LL
  return tlv(0x30, Buffer.concat([inner, Buffer.from([0xa0, 0x00])]));
})();

// ---- Helpers ---------------------------------------------------------------------------

export const PARSE_CODES: ErrorCode[] = [
  'empty_input',
  'not_pem',
  'malformed_key',
  'public_key_given',
  'certificate_given',
  'encrypted_key',
  'unsupported_key_type',
];

export function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected an AppError, but nothing was thrown');
}

export function expectError(text: string, code: ErrorCode, detail?: RegExp): AppError {
  const error = errorOf(() => parsePrivateKeyPem(text));
  expect(error.code).toBe(code);
  if (detail) expect(error.detail).toMatch(detail);
  // Details name structures, never key material (no long base64 runs, bounded size).
  if (error.detail !== undefined) {
    expect(error.detail).not.toMatch(/[A-Za-z0-9+/]{24,}/);
    expect(error.detail.length).toBeLessThan(120);
  }
  return error;
}

export const MESSAGE = new TextEncoder().encode('1700000000000GET/trade-api/v2/portfolio/balance');

/** Import as WebCrypto would, sign, verify with node against the original public key. */
export async function expectSigns(parsed: ParsedPrivateKey, publicKey: KeyObject): Promise<void> {
  const subtle = globalThis.crypto.subtle;
  if (parsed.algorithm === 'RSA-PSS') {
    const key = await subtle.importKey('pkcs8', parsed.pkcs8, { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['sign']);
    const sig = new Uint8Array(await subtle.sign({ name: 'RSA-PSS', saltLength: 32 }, key, MESSAGE));
    const ok = verify('sha256', MESSAGE, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig);
    expect(ok).toBe(true);
  } else {
    const key = await subtle.importKey('pkcs8', parsed.pkcs8, { name: 'Ed25519' }, false, ['sign']);
    const sig = new Uint8Array(await subtle.sign({ name: 'Ed25519' }, key, MESSAGE));
    expect(verify(null, MESSAGE, publicKey, sig)).toBe(true);
  }
}

export function isKnownOutcome(run: () => ParsedPrivateKey): boolean {
  try {
    const parsed = run();
    return parsed.pkcs8 instanceof Uint8Array && (parsed.algorithm === 'RSA-PSS' || parsed.algorithm === 'Ed25519');
  } catch (e) {
    return e instanceof AppError && PARSE_CODES.includes(e.code);
  }
}
