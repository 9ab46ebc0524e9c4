/**
 * Passphrase-protected PKCS#8 private keys (BEGIN ENCRYPTED PRIVATE KEY):
 * EncryptedPrivateKeyInfo with PBES2 = PBKDF2 + AES-CBC, as written by
 * `openssl pkcs8 -topk8 -v2 aes-256-cbc` and Node's key.export({ cipher, passphrase }).
 *
 * WebCrypto only (crypto.subtle), so it runs the same in the extension and in Node.
 * Everything WebCrypto in Chromium cannot do (scrypt, PBES1, AES-192, DES…) is
 * refused up front with unsupported_encryption, before any passphrase is asked for.
 * Whatever the input, the functions here return or throw an AppError; details
 * name structures and algorithms, never key or passphrase bytes.
 */
import { DerError, TAG, base64ToBytes, decodeOid, expectTag, readChildren, readSingle, type Tlv } from './der';
import { toKeyError } from './pem';
import { AppError } from './errors';

/** Denial-of-service guard: PBKDF2 runs on the page's thread pool; 10M iterations is already seconds. */
export const MAX_PBKDF2_ITERATIONS = 10_000_000;

type Hash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

interface Pbes2 {
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

// ---- Public API --------------------------------------------------------------

/** True when the text holds an encrypted PKCS#8 key (by label or by DER structure). */
export function isEncryptedPrivateKeyPem(text: string): boolean {
  try {
    return typeof text === 'string' && locate(text, true) !== undefined;
  } catch {
    return false;
  }
}

/**
 * Decrypts to a PEM-free result: the PKCS#8 DER of the plain key. Throws AppError only:
 * malformed_key / unsupported_encryption for the container (checked before the passphrase),
 * passphrase_required for a missing or empty passphrase, wrong_passphrase when the
 * decryption fails or does not yield a PrivateKeyInfo.
 */
export async function decryptPrivateKeyPem(text: string, passphrase: string): Promise<Uint8Array<ArrayBuffer>> {
  let params: Pbes2;
  try {
    params = parseEncryptedPrivateKeyInfo(findEncryptedDer(text));
  } catch (e) {
    throw toKeyError(e, 'an encrypted key');
  }
  if (typeof passphrase !== 'string' || passphrase === '') throw new AppError('passphrase_required');
  return decrypt(params, passphrase);
}

// ---- Finding the EncryptedPrivateKeyInfo in pasted text ----------------------------

/** Whitespace a paste may carry, including zero-width characters from web pages (as in pem.ts). */
const SPACE = /[\s\u200b-\u200d\u2060\ufeff]+/g;
// Same marker grammar as pem.ts (linear-time: the whitespace runs cannot overlap).
const MARKER = /(?<!-)-{3,}[ \t]*(BEGIN|END)[ \t]+([^-\s](?:[^-\n]*[^-\s])?)[ \t]*-{3,}/gi;
const ENCRYPTED_LABEL = 'ENCRYPTED PRIVATE KEY';

/** Either the DER of an EncryptedPrivateKeyInfo, or an ENCRYPTED PRIVATE KEY block too damaged to read. */
type Found = { der: Uint8Array } | { damaged: string };

function findEncryptedDer(text: string): Uint8Array {
  if (typeof text !== 'string') throw new AppError('not_pem', 'not text');
  const found = locate(text, true);
  if (found === undefined) {
    if (normalise(text).replace(SPACE, '') === '') throw new AppError('empty_input');
    throw new AppError('malformed_key', 'no encrypted PKCS#8 private key found');
  }
  if ('damaged' in found) throw new AppError('malformed_key', found.damaged);
  return found.der;
}

function normalise(raw: string): string {
  return raw.replace(/\\r\\n|\\n|\\r/g, '\n').replace(/\r\n?/g, '\n');
}

/**
 * The first encrypted key in the text: a PEM block (any label) whose DER is an
 * EncryptedPrivateKeyInfo, a damaged block labelled ENCRYPTED PRIVATE KEY, or
 * bare base64 of either the DER or a whole PEM. Never throws.
 */
function locate(raw: string, allowNested: boolean): Found | undefined {
  const text = normalise(raw);
  let open: { label: string; bodyStart: number } | undefined;
  let sawBlock = false;
  for (const m of text.matchAll(MARKER)) {
    const label = m[2]!.replace(SPACE, ' ').toUpperCase();
    if (m[1]!.toUpperCase() === 'BEGIN') {
      open = { label, bodyStart: m.index + m[0].length };
      continue;
    }
    if (!open || open.label !== label) continue; // pem.ts reports broken framing
    sawBlock = true;
    const found = inspectBlock(label, text.slice(open.bodyStart, m.index));
    if (found) return found;
    open = undefined;
  }
  if (sawBlock || open) {
    // An unterminated ENCRYPTED PRIVATE KEY block still tells us what it is.
    return open?.label === ENCRYPTED_LABEL ? { damaged: `BEGIN ${ENCRYPTED_LABEL} has no END line` } : undefined;
  }

  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(text.replace(SPACE, ''));
  } catch {
    return undefined;
  }
  if (allowNested && startsWithAscii(bytes, '-----BEGIN')) return locate(latin1(bytes), false);
  return isEncryptedShape(bytes) ? { der: bytes } : undefined;
}

function inspectBlock(label: string, body: string): Found | undefined {
  const encryptedLabel = label === ENCRYPTED_LABEL;
  // RFC 1421 headers (Proc-Type, DEK-Info) contain ':', which base64 never does.
  const clean = body
    .split('\n')
    .filter((line) => !line.includes(':'))
    .join('')
    .replace(SPACE, '');
  if (clean === '') return encryptedLabel ? { damaged: `the ${ENCRYPTED_LABEL} block is empty` } : undefined;
  let der: Uint8Array;
  let first: number | undefined;
  try {
    der = base64ToBytes(clean);
    const top = readSingle(der);
    first = top.tag === TAG.SEQUENCE ? readChildren(top.value)[0]?.tag : undefined;
  } catch (e) {
    return encryptedLabel ? { damaged: e instanceof DerError ? e.message : 'unreadable base64' } : undefined;
  }
  if (isEncryptedShape(der)) return { der };
  // A plain key (PKCS#1, PKCS#8, SEC1 all start with an INTEGER) under any label: pem.ts decides.
  if (!encryptedLabel || first === TAG.INTEGER) return undefined;
  return { damaged: `the ${ENCRYPTED_LABEL} block holds no EncryptedPrivateKeyInfo` };
}

/** SEQUENCE { SEQUENCE (AlgorithmIdentifier), OCTET STRING }: the shape pem.ts calls EncryptedPrivateKeyInfo. */
function isEncryptedShape(der: Uint8Array): boolean {
  try {
    const top = readSingle(der);
    if (top.tag !== TAG.SEQUENCE) return false;
    const items = readChildren(top.value);
    return items.length === 2 && items[0]!.tag === TAG.SEQUENCE && items[1]!.tag === TAG.OCTET_STRING;
  } catch {
    return false;
  }
}

// ---- EncryptedPrivateKeyInfo / PBES2 parameters (RFC 5958, RFC 8018) ------------------

/** Throws AppError (malformed_key, unsupported_encryption) or DerError. */
function parseEncryptedPrivateKeyInfo(der: Uint8Array): Pbes2 {
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

// ---- Decryption --------------------------------------------------------------------

async function decrypt(p: Pbes2, passphrase: string): Promise<Uint8Array<ArrayBuffer>> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new AppError('internal', 'WebCrypto is not available');
  const password = new TextEncoder().encode(passphrase);
  let aesKey: CryptoKey;
  try {
    const base = await subtle.importKey('raw', password, 'PBKDF2', false, ['deriveKey']);
    aesKey = await subtle.deriveKey(
      { name: 'PBKDF2', salt: p.salt, iterations: p.iterations, hash: p.hash },
      base,
      { name: 'AES-CBC', length: p.keyBytes * 8 },
      false,
      ['decrypt'],
    );
  } catch (e) {
    throw new AppError('internal', 'the browser could not derive a key from the passphrase', { cause: e });
  } finally {
    password.fill(0);
  }

  let plain: Uint8Array<ArrayBuffer>;
  try {
    plain = new Uint8Array(await subtle.decrypt({ name: 'AES-CBC', iv: p.iv }, aesKey, p.encrypted));
  } catch {
    throw new AppError('wrong_passphrase'); // bad PKCS#7 padding: almost always the wrong passphrase
  }
  // Padding passes by chance about once in 256 wrong passphrases: the bytes must also be a PrivateKeyInfo.
  if (!isPrivateKeyInfoShape(plain)) {
    plain.fill(0);
    throw new AppError('wrong_passphrase');
  }
  return plain;
}

/** PrivateKeyInfo / OneAsymmetricKey: SEQUENCE { INTEGER version, SEQUENCE algorithm, OCTET STRING key, … }. */
function isPrivateKeyInfoShape(der: Uint8Array): boolean {
  try {
    const top = readSingle(der);
    if (top.tag !== TAG.SEQUENCE) return false;
    const [version, alg, key] = readChildren(top.value);
    return version?.tag === TAG.INTEGER && alg?.tag === TAG.SEQUENCE && key?.tag === TAG.OCTET_STRING;
  } catch {
    return false;
  }
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

function copy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

function startsWithAscii(bytes: Uint8Array, prefix: string): boolean {
  return bytes.length >= prefix.length && [...prefix].every((ch, i) => bytes[i] === ch.charCodeAt(0));
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return s;
}
