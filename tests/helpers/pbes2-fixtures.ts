/**
 * Shared by the pbes2-*.test.ts files: passphrase-protected PKCS#8 (PBES2 = PBKDF2 + AES-CBC).
 * Every key is generated at test time with node:crypto and encrypted by Node's export and by the
 * openssl CLI; none is committed. Decrypted keys are proven right by importing them into WebCrypto
 * (non-extractable), signing, and verifying with node:crypto against the ORIGINAL key's public half.
 */
import { constants, createCipheriv, generateKeyPairSync, pbkdf2Sync, randomBytes, verify, type KeyObject } from 'node:crypto';
import { expect } from 'vitest';
import { AppError, type ErrorCode } from '../../lib/shared/errors';
import { type ParsedPrivateKey } from '../../lib/key-formats/pem';
import { openssl } from './pem-fixtures';

// ---- Keys made now ---------------------------------------------------------------

export const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const ed = generateKeyPairSync('ed25519');
export const KEYS = { rsa, ed } as const;
export type KeyName = keyof typeof KEYS;

export const PASS = 'correct horse battery staple';
export const UNICODE_PASS = 'pässwörd🔑';

export const pkcs8Der = (key: KeyObject): Buffer => key.export({ type: 'pkcs8', format: 'der' });
export const pkcs8Pem = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }) as string;

/** Node's own encrypted export (OpenSSL underneath: PBES2, PBKDF2-HMAC-SHA256, 2048 iterations). */
export function nodeEncrypted(key: KeyObject, cipher: string, passphrase = PASS): string {
  return key.export({ type: 'pkcs8', format: 'pem', cipher, passphrase }) as string;
}

/** `openssl pkcs8 -topk8 <args> -passout pass:<passphrase>` on the key's plain PKCS#8 PEM. */
export function opensslEncrypted(key: KeyObject, args: string[], passphrase = PASS): string {
  return openssl(['pkcs8', '-topk8', ...args, '-passout', `pass:${passphrase}`], pkcs8Pem(key));
}

// ---- Test-side DER/PEM helpers (independent of lib/der.ts) -------------------------

export function tlv(tag: number, content: Uint8Array): Buffer {
  const n = content.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), content]);
}
export const seq = (...items: Uint8Array[]): Buffer => tlv(0x30, Buffer.concat(items));
export const octets = (b: Uint8Array): Buffer => tlv(0x04, b);
export const oid = (hex: string): Buffer => tlv(0x06, Buffer.from(hex, 'hex'));
export const NULL = Buffer.from('0500', 'hex');
export function int(n: number): Buffer {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  if (bytes.length === 0 || bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

export function pem(label: string, body: Uint8Array): string {
  const lines =
    Buffer.from(body)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
export const derOf = (text: string): Buffer => Buffer.from(text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');

export const OIDS = {
  pbes2: '2a864886f70d01050d',
  pbkdf2: '2a864886f70d01050c',
  hmacWithSHA1: '2a864886f70d0207',
  hmacWithSHA224: '2a864886f70d0208',
  hmacWithSHA256: '2a864886f70d0209',
  aes128cbc: '608648016503040102',
  aes192cbc: '608648016503040116',
  aes256cbc: '60864801650304012a',
};

export interface HandMade {
  plain?: Uint8Array; // what gets encrypted (default: the Ed25519 key's PKCS#8)
  passphrase?: string;
  iterations?: number;
  prf?: 'absent' | 'sha1' | 'sha256' | 'sha224';
  keyLength?: number; // written into PBKDF2-params when set
  cipher?: 'aes128cbc' | 'aes256cbc' | 'aes192cbc';
}

/** An EncryptedPrivateKeyInfo built by hand with node:crypto, for the corners the tools never write. */
export function handMade(o: HandMade = {}): string {
  const plain = o.plain ?? pkcs8Der(ed.privateKey);
  const iterations = o.iterations ?? 3;
  const prf = o.prf ?? 'sha256';
  const cipher = o.cipher ?? 'aes256cbc';
  const keyBytes = cipher === 'aes128cbc' ? 16 : cipher === 'aes192cbc' ? 24 : 32;
  const salt = randomBytes(8);
  const iv = randomBytes(16);
  let encrypted: Buffer = Buffer.alloc(32); // never decrypted when the cap or PRF is refused
  if (iterations >= 1 && iterations <= 100_000 && prf !== 'sha224') {
    const key = pbkdf2Sync(o.passphrase ?? PASS, salt, iterations, keyBytes, prf === 'sha256' ? 'sha256' : 'sha1');
    const c = createCipheriv(`aes-${keyBytes * 8}-cbc`, key, iv);
    encrypted = Buffer.concat([c.update(plain), c.final()]);
  }
  const prfField =
    prf === 'absent'
      ? []
      : [seq(oid(prf === 'sha1' ? OIDS.hmacWithSHA1 : prf === 'sha256' ? OIDS.hmacWithSHA256 : OIDS.hmacWithSHA224), NULL)];
  const kdfParams = seq(octets(salt), int(iterations), ...(o.keyLength === undefined ? [] : [int(o.keyLength)]), ...prfField);
  const epki = seq(seq(oid(OIDS.pbes2), seq(seq(oid(OIDS.pbkdf2), kdfParams), seq(oid(OIDS[cipher]), octets(iv)))), octets(encrypted));
  return pem('ENCRYPTED PRIVATE KEY', epki);
}

// ---- Helpers ---------------------------------------------------------------------------

export const MESSAGE = new TextEncoder().encode('1700000000000GET/trade-api/v2/portfolio/balance');

/** Import as the extension does (non-extractable), sign, verify with node against the original public key. */
export async function expectSigns(parsed: ParsedPrivateKey, publicKey: KeyObject): Promise<void> {
  const subtle = globalThis.crypto.subtle;
  if (parsed.algorithm === 'RSA-PSS') {
    const key = await subtle.importKey('pkcs8', parsed.pkcs8, { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['sign']);
    expect(key.extractable).toBe(false);
    const sig = new Uint8Array(await subtle.sign({ name: 'RSA-PSS', saltLength: 32 }, key, MESSAGE));
    const ok = verify('sha256', MESSAGE, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig);
    expect(ok).toBe(true);
  } else {
    const key = await subtle.importKey('pkcs8', parsed.pkcs8, { name: 'Ed25519' }, false, ['sign']);
    expect(key.extractable).toBe(false);
    const sig = new Uint8Array(await subtle.sign({ name: 'Ed25519' }, key, MESSAGE));
    expect(verify(null, MESSAGE, publicKey, sig)).toBe(true);
  }
}

export async function rejectionOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected an AppError, but the promise resolved');
}

export async function expectCode(promise: Promise<unknown>, code: ErrorCode, detail?: RegExp): Promise<AppError> {
  const error = await rejectionOf(promise);
  expect(error.code).toBe(code);
  if (detail) expect(error.detail).toMatch(detail);
  // Details name structures and algorithms, never key material or the passphrase.
  const info = JSON.stringify(error.toInfo());
  expect(info).not.toMatch(/[A-Za-z0-9+/]{24,}/);
  for (const secret of [PASS, UNICODE_PASS, 'wrong passphrase']) expect(info).not.toContain(secret);
  return error;
}
