/**
 * Reading an EncryptedPrivateKeyInfo's PBES2 parameters (RFC 5958, RFC 8018): which key derivation,
 * which cipher, how many iterations. Schemes WebCrypto cannot do are named, never guessed at.
 */
import { DerError, TAG, decodeOid, expectTag, readChildren, readSingle, type Tlv } from './der';
import { AppError } from '../shared/errors';

/** Denial-of-service guard: PBKDF2 runs on the page's thread pool; 10M iterations is already seconds. */
export const MAX_PBKDF2_ITERATIONS = 10_000_000;

export type Hash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

export interface Pbes2 {
  salt: Uint8Array<ArrayBuffer>;
  iterations: number;
  hash: Hash;
  /** AES key length in bytes (16 or 32). */
  keyBytes: 16 | 32;
  iv: Uint8Array<ArrayBuffer>;
  encrypted: Uint8Array<ArrayBuffer>;
}

const OID_PBES2 = '1.2.840.113549.1.5.13';
const OID_PBKDF2 = '1.2.840.113549.1.5.12';

const PRFS: Record<string, Hash> = {
  '1.2.840.113549.2.7': 'SHA-1',
  '1.2.840.113549.2.9': 'SHA-256',
  '1.2.840.113549.2.10': 'SHA-384',
  '1.2.840.113549.2.11': 'SHA-512',
};
const OTHER_PRFS: Record<string, string> = {
  '1.2.840.113549.2.8': 'hmacWithSHA224',
  '1.2.840.113549.2.12': 'hmacWithSHA512-224',
  '1.2.840.113549.2.13': 'hmacWithSHA512-256',
  '1.2.156.10197.1.401.2': 'hmacWithSM3',
  '2.16.840.1.101.3.4.2.13': 'hmacWithSHA3-224',
  '2.16.840.1.101.3.4.2.14': 'hmacWithSHA3-256',
  '2.16.840.1.101.3.4.2.15': 'hmacWithSHA3-384',
  '2.16.840.1.101.3.4.2.16': 'hmacWithSHA3-512',
};

const AES_CBC: Record<string, 16 | 32> = {
  '2.16.840.1.101.3.4.1.2': 16, // aes128-CBC
  '2.16.840.1.101.3.4.1.42': 32, // aes256-CBC
};
const OTHER_CIPHERS: Record<string, string> = {
  '2.16.840.1.101.3.4.1.22': 'AES-192-CBC (browsers’ WebCrypto has no AES-192)',
  '2.16.840.1.101.3.4.1.1': 'AES-128-ECB',
  '2.16.840.1.101.3.4.1.21': 'AES-192-ECB',
  '2.16.840.1.101.3.4.1.41': 'AES-256-ECB',
  '2.16.840.1.101.3.4.1.3': 'AES-128-OFB',
  '2.16.840.1.101.3.4.1.4': 'AES-128-CFB',
  '2.16.840.1.101.3.4.1.43': 'AES-256-OFB',
  '2.16.840.1.101.3.4.1.44': 'AES-256-CFB',
  '2.16.840.1.101.3.4.1.6': 'AES-128-GCM',
  '2.16.840.1.101.3.4.1.26': 'AES-192-GCM',
  '2.16.840.1.101.3.4.1.46': 'AES-256-GCM',
  '1.2.840.113549.3.7': 'DES-EDE3-CBC (Triple DES)',
  '1.3.14.3.2.7': 'DES-CBC',
  '1.2.840.113549.3.2': 'RC2-CBC',
  '1.2.840.113549.3.9': 'RC5-CBC',
  '1.2.392.200011.61.1.1.1.2': 'Camellia-128-CBC',
  '1.2.392.200011.61.1.1.1.3': 'Camellia-192-CBC',
  '1.2.392.200011.61.1.1.1.4': 'Camellia-256-CBC',
  '1.2.410.200046.1.1.2': 'ARIA-128-CBC',
  '1.2.410.200046.1.1.12': 'ARIA-256-CBC',
  '1.2.156.10197.1.104.2': 'SM4-CBC',
};
const OTHER_KDFS: Record<string, string> = {
  '1.3.6.1.4.1.11591.4.11': 'scrypt key derivation',
  '1.2.840.113549.1.9.16.3.9': 'PWRI-KEK key derivation',
};
/** PBES1 (PKCS#5 v1.5) and PKCS#12 password-based schemes: old, weak, and not in WebCrypto. */
const PBES1: Record<string, string> = {
  '1.2.840.113549.1.5.1': 'pbeWithMD2AndDES-CBC',
  '1.2.840.113549.1.5.4': 'pbeWithMD2AndRC2-CBC',
  '1.2.840.113549.1.5.3': 'pbeWithMD5AndDES-CBC',
  '1.2.840.113549.1.5.6': 'pbeWithMD5AndRC2-CBC',
  '1.2.840.113549.1.5.10': 'pbeWithSHA1AndDES-CBC',
  '1.2.840.113549.1.5.11': 'pbeWithSHA1AndRC2-CBC',
  '1.2.840.113549.1.12.1.1': 'pbeWithSHAAnd128BitRC4',
  '1.2.840.113549.1.12.1.2': 'pbeWithSHAAnd40BitRC4',
  '1.2.840.113549.1.12.1.3': 'pbeWithSHAAnd3-KeyTripleDES-CBC',
  '1.2.840.113549.1.12.1.4': 'pbeWithSHAAnd2-KeyTripleDES-CBC',
  '1.2.840.113549.1.12.1.5': 'pbeWithSHAAnd128BitRC2-CBC',
  '1.2.840.113549.1.12.1.6': 'pbeWithSHAAnd40BitRC2-CBC',
};

// ---- EncryptedPrivateKeyInfo / PBES2 parameters (RFC 5958, RFC 8018) ------------------

/** Throws AppError (malformed_key, unsupported_encryption) or DerError. */
export function parseEncryptedPrivateKeyInfo(der: Uint8Array): Pbes2 {
  const [algId, data, ...extra] = readChildren(expectTag(readSingle(der), TAG.SEQUENCE).value);
  if (!algId || !data || extra.length > 0) throw new AppError('malformed_key', 'bad EncryptedPrivateKeyInfo');
  expectTag(data, TAG.OCTET_STRING);

  const [schemeOid, schemeParams] = algorithmIdentifier(algId, 'encryption scheme');
  if (schemeOid !== OID_PBES2) {
    const pbes1 = PBES1[schemeOid];
    throw new AppError('unsupported_encryption', pbes1 ? `PBES1 (${pbes1})` : `encryption scheme OID ${schemeOid}`);
  }
  const [kdf, cipher, ...more] = readChildren(expectTag(required(schemeParams), TAG.SEQUENCE).value);
  if (!kdf || !cipher || more.length > 0) throw new AppError('malformed_key', 'bad PBES2 parameters');

  // Key derivation: PBKDF2 only.
  const [kdfOid, kdfParams] = algorithmIdentifier(kdf, 'key derivation');
  if (kdfOid !== OID_PBKDF2) throw new AppError('unsupported_encryption', OTHER_KDFS[kdfOid] ?? `key derivation OID ${kdfOid}`);
  const [saltTlv, iterTlv, ...optional] = readChildren(expectTag(required(kdfParams), TAG.SEQUENCE).value);
  if (!saltTlv || !iterTlv) throw new AppError('malformed_key', 'bad PBKDF2 parameters');
  if (saltTlv.tag === TAG.SEQUENCE) throw new AppError('unsupported_encryption', 'PBKDF2 salt from another source');
  const salt = expectTag(saltTlv, TAG.OCTET_STRING).value;
  const iterations = readUnsigned(expectTag(iterTlv, TAG.INTEGER));
  if (iterations < 1) throw new AppError('malformed_key', 'PBKDF2 iteration count must be at least 1');
  if (iterations > MAX_PBKDF2_ITERATIONS) {
    const count = Number.isFinite(iterations) ? String(iterations) : 'an enormous number of';
    throw new AppError('unsupported_encryption', `PBKDF2 with ${count} iterations (at most ${MAX_PBKDF2_ITERATIONS} are accepted)`);
  }
  let keyLength: number | undefined;
  let hash: Hash = 'SHA-1'; // PBKDF2-params prf DEFAULT algid-hmacWithSHA1
  let next = optional.shift();
  if (next?.tag === TAG.INTEGER) {
    keyLength = readUnsigned(next);
    next = optional.shift();
  }
  if (next !== undefined) {
    const [prfOid, prfParams] = algorithmIdentifier(expectTag(next, TAG.SEQUENCE), 'PBKDF2 PRF');
    if (prfParams !== undefined && !(prfParams.tag === TAG.NULL && prfParams.value.length === 0)) {
      throw new AppError('malformed_key', 'bad PBKDF2 PRF parameters');
    }
    const known = PRFS[prfOid];
    if (!known) throw new AppError('unsupported_encryption', `PBKDF2 PRF ${OTHER_PRFS[prfOid] ?? `OID ${prfOid}`}`);
    hash = known;
  }
  if (optional.length > 0) throw new AppError('malformed_key', 'unexpected fields in the PBKDF2 parameters');

  // Cipher: AES-128-CBC or AES-256-CBC.
  const [cipherOid, cipherParams] = algorithmIdentifier(cipher, 'cipher');
  const keyBytes = AES_CBC[cipherOid];
  if (keyBytes === undefined) throw new AppError('unsupported_encryption', OTHER_CIPHERS[cipherOid] ?? `cipher OID ${cipherOid}`);
  const iv = expectTag(required(cipherParams), TAG.OCTET_STRING).value;
  if (iv.length !== 16) throw new AppError('malformed_key', 'the AES-CBC IV must be 16 bytes');
  if (keyLength !== undefined && keyLength !== keyBytes) {
    throw new AppError('malformed_key', 'the PBKDF2 key length does not match the cipher');
  }
  const encrypted = data.value;
  if (encrypted.length === 0 || encrypted.length % 16 !== 0) {
    throw new AppError('malformed_key', 'the encrypted key is not a whole number of AES blocks');
  }
  return { salt: copy(salt), iterations, hash, keyBytes, iv: copy(iv), encrypted: copy(encrypted) };
}

/** AlgorithmIdentifier { OID, parameters? } → [dotted OID, parameters]. */
function algorithmIdentifier(tlv: Tlv, what: string): [string, Tlv | undefined] {
  const [oid, params, ...extra] = readChildren(expectTag(tlv, TAG.SEQUENCE).value);
  if (!oid || oid.tag !== TAG.OID || extra.length > 0) throw new AppError('malformed_key', `bad ${what} identifier`);
  return [decodeOid(oid.value), params];
}

// ---- Small helpers ------------------------------------------------------------------

function required(tlv: Tlv | undefined): Tlv {
  if (!tlv) throw new DerError('missing algorithm parameters');
  return tlv;
}

/** A non-negative INTEGER; values past 2^48 come back as Infinity (they only ever fail a cap). */
function readUnsigned(tlv: Tlv): number {
  const v = tlv.value;
  if (v.length === 0) throw new DerError('empty INTEGER');
  if (v[0]! & 0x80) throw new AppError('malformed_key', 'negative number in the encryption parameters');
  let n = 0;
  for (const b of v) {
    n = n * 256 + b;
    if (n > 2 ** 48) return Infinity;
  }
  return n;
}

export function copy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}
