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
import { DerError, TAG, base64ToBytes, readChildren, readSingle } from './der';
import { latin1, MARKER, normalise, SPACE, startsWithAscii, toKeyError } from './pem-text';
import { AppError } from '../shared/errors';
import { parseEncryptedPrivateKeyInfo, type Pbes2 } from './pbes2-params';

export { MAX_PBKDF2_ITERATIONS } from './pbes2-params';

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
