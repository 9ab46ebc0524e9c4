/**
 * Reading the private keys users paste, and writing PEM.
 *
 * Keys are recognised by their DER structure, never by the PEM label: pasted
 * keys are often mislabelled. Whatever the input, parsePrivateKeyPem returns a
 * key or throws an AppError; error details name structures, never key bytes, and
 * never repeat the input (labels are named by what they hold: labelName).
 */
import {
  TAG,
  base64ToBytes,
  decodeOid,
  encodeNull,
  encodeOctetString,
  encodeOid,
  encodeSequence,
  encodeSmallInteger,
  expectTag,
  readChildren,
  readSingle,
  type Tlv,
} from './der';
import { AppError, type ErrorCode } from '../shared/errors';
import { guard, labelName, latin1, normalise, MARKER, SPACE, startsWithAscii, toKeyError, withoutEcho } from './pem-text';

export type KeyAlgorithm = 'RSA-PSS' | 'Ed25519';

export interface ParsedPrivateKey {
  algorithm: KeyAlgorithm;
  /** PKCS#8 PrivateKeyInfo DER, ready for crypto.subtle.importKey('pkcs8', …). Always freshly encoded, version 0. */
  pkcs8: Uint8Array<ArrayBuffer>;
  /** What the user supplied, recognised from the DER structure. */
  format: 'pkcs1' | 'pkcs8';
  /** RSA modulus size in bits; undefined for Ed25519. */
  modulusBits?: number;
}

const OID_RSA = '1.2.840.113549.1.1.1';
const OID_RSA_PSS = '1.2.840.113549.1.1.10';
const OID_ED25519 = '1.3.101.112';
const OID_EC = '1.2.840.10045.2.1';

/** Names for key types we recognise but cannot use (shown in the error detail). */
const OTHER_KEY_TYPES: Record<string, string> = {
  '1.2.840.10040.4.1': 'DSA',
  '1.3.101.110': 'X25519',
  '1.3.101.111': 'X448',
  '1.3.101.113': 'Ed448',
  '1.2.840.113549.1.3.1': 'DH',
  '1.2.840.10046.2.1': 'DH (X9.42)',
  '1.2.840.113549.1.1.7': 'RSA-OAEP',
  '1.2.156.10197.1.301': 'SM2',
};
const CURVES: Record<string, string> = {
  '1.2.840.10045.3.1.7': 'P-256',
  '1.3.132.0.34': 'P-384',
  '1.3.132.0.35': 'P-521',
  '1.3.132.0.10': 'secp256k1',
};

// ---- Public API --------------------------------------------------------------

/**
 * A pasted private key → PKCS#8 for WebCrypto. Accepts PEM (any label, text around it,
 * any line endings/whitespace, bundles: the first private key wins), bare base64 DER,
 * base64 of a whole PEM, and PEM with JSON "\n" escapes. Throws AppError only.
 */
export function parsePrivateKeyPem(text: string): ParsedPrivateKey {
  try {
    return guard(() => {
      if (typeof text !== 'string') throw new AppError('not_pem', 'not text');
      return parseText(text, true);
    });
  } catch (e) {
    throw withoutEcho(toKeyError(e), text);
  }
}

/** PKCS#1 RSAPrivateKey DER → PKCS#8 PrivateKeyInfo (version 0, rsaEncryption, NULL params). No validation. */
export function wrapPkcs1InPkcs8(pkcs1: Uint8Array): Uint8Array<ArrayBuffer> {
  return encodeSequence(encodeSmallInteger(0), encodeSequence(encodeOid(OID_RSA), encodeNull()), encodeOctetString(pkcs1));
}

// ---- PEM text ------------------------------------------------------------------

interface Block {
  label: string;
  body: string;
}

function parseText(raw: string, allowNested: boolean): ParsedPrivateKey {
  const text = normalise(raw);
  if (text.replace(SPACE, '') === '') throw new AppError('empty_input');

  const blocks = findBlocks(text);
  if (blocks.length === 0) return parseBare(text, allowNested);

  // A bundle (certificate + key, chain files): the first private key wins; if there
  // is none, report the failure that says most about a private key.
  let best: AppError | undefined;
  for (const block of blocks) {
    try {
      return parseBlock(block);
    } catch (e) {
      const error = toKeyError(e);
      if (best === undefined || RANK.indexOf(error.code) > RANK.indexOf(best.code)) best = error;
    }
  }
  throw best!;
}

const RANK: ErrorCode[] = ['certificate_given', 'public_key_given', 'malformed_key', 'unsupported_key_type', 'encrypted_key'];

function findBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  let open: { label: string; bodyStart: number } | undefined;
  for (const m of text.matchAll(MARKER)) {
    const label = m[2]!.replace(SPACE, ' ').toUpperCase();
    if (m[1]!.toUpperCase() === 'BEGIN') {
      if (open) throw noEnd(open.label);
      open = { label, bodyStart: m.index + m[0].length };
    } else {
      if (!open) throw new AppError('malformed_key', `an END line (${labelName(label)}) has no BEGIN line`);
      if (label !== open.label) {
        throw new AppError('malformed_key', `the BEGIN line (${labelName(open.label)}) does not match the END line (${labelName(label)})`);
      }
      blocks.push({ label, body: text.slice(open.bodyStart, m.index) });
      open = undefined;
    }
  }
  if (open) throw noEnd(open.label);
  return blocks;
}

/** A BEGIN line whose END line is missing, or whose closing dashes are (the label then runs on into the body). */
function noEnd(label: string): AppError {
  return new AppError('malformed_key', `a BEGIN line (${labelName(label)}) has no END line`);
}

function parseBlock({ label, body }: Block): ParsedPrivateKey {
  if (label === 'OPENSSH PRIVATE KEY') throw openSshError();
  const base64: string[] = [];
  for (const line of body.split('\n')) {
    // RFC 1421 headers (Proc-Type, DEK-Info) contain ':', which base64 never does.
    if (!line.includes(':')) base64.push(line);
    else if (/^\s*Proc-Type\s*:\s*4\s*,\s*ENCRYPTED/i.test(line)) {
      throw new AppError('encrypted_key', 'legacy OpenSSL encryption (a Proc-Type header)');
    }
  }
  const clean = base64.join('').replace(SPACE, '');
  if (clean === '') throw new AppError('malformed_key', `the block (${labelName(label)}) is empty`);
  const der = base64ToBytes(clean);
  if (startsWithAscii(der, 'openssh-key-v1')) throw openSshError();
  const key = parseDer(der);
  if (key) return key;
  // Well-formed DER of a shape we do not know: let the label say what it is.
  if (/CERTIFICATE|PKCS7|CRL/.test(label)) throw new AppError('certificate_given', labelName(label));
  if (label.includes('PUBLIC KEY')) throw new AppError('public_key_given', labelName(label));
  if (label.includes('ENCRYPTED')) throw new AppError('encrypted_key', labelName(label));
  throw new AppError('malformed_key', `the block (${labelName(label)}) holds no known key structure`);
}

/** No BEGIN/END lines: accept bare base64 of the DER (or of a whole PEM, as kept in env variables). */
function parseBare(text: string, allowNested: boolean): ParsedPrivateKey {
  const clean = text.replace(SPACE, '');
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(clean);
  } catch {
    throw new AppError('not_pem');
  }
  if (allowNested && startsWithAscii(bytes, '-----BEGIN')) return parseText(latin1(bytes), false);
  if (bytes[0] !== TAG.SEQUENCE) throw new AppError('not_pem');
  const key = parseDer(bytes);
  if (key) return key;
  throw new AppError('malformed_key', 'the base64 holds no known key structure');
}

function openSshError(): AppError {
  return new AppError('unsupported_key_type', 'OpenSSH key format; convert it with `ssh-keygen -p -m PKCS8 -f <file>`');
}

// ---- DER structures --------------------------------------------------------------

/**
 * A private key, or undefined for well-formed DER of an unknown shape.
 * Throws AppError for shapes we recognise but refuse, DerError for broken DER.
 */
function parseDer(der: Uint8Array): ParsedPrivateKey | undefined {
  const top = readSingle(der);
  if (top.tag !== TAG.SEQUENCE) return undefined;
  const items = readChildren(top.value);
  const [a, b, c] = items.map((t) => t.tag);
  const { INTEGER, SEQUENCE, OCTET_STRING, BIT_STRING } = TAG;

  if (a === INTEGER && b === INTEGER) {
    // RSAPublicKey { n, e }, DSA "traditional" { 0, p, q, g, y, x }, else RSAPrivateKey.
    if (items.length === 2) throw new AppError('public_key_given', 'PKCS#1 RSA public key');
    if (items.length === 6) throw new AppError('unsupported_key_type', 'DSA');
    return { algorithm: 'RSA-PSS', format: 'pkcs1', ...fromRsaPrivateKey(der) };
  }
  if (a === INTEGER && b === SEQUENCE && c === OCTET_STRING) return fromPkcs8(items);
  if (a === INTEGER && b === OCTET_STRING) throw new AppError('unsupported_key_type', `EC ${sec1Curve(items)}`);
  if (items.length === 2 && a === SEQUENCE && b === OCTET_STRING) {
    throw new AppError('encrypted_key', 'PKCS#8 EncryptedPrivateKeyInfo');
  }
  if (items.length === 2 && a === SEQUENCE && b === BIT_STRING) throw new AppError('public_key_given', 'SubjectPublicKeyInfo');
  // Certificate, certificate request and CRL: { to-be-signed, algorithm, signature }.
  if (items.length === 3 && a === SEQUENCE && b === SEQUENCE && c === BIT_STRING) {
    throw new AppError('certificate_given');
  }
  return undefined;
}

/** PrivateKeyInfo / OneAsymmetricKey { version 0|1, AlgorithmIdentifier, OCTET STRING, [0] attrs?, [1] publicKey? }. */
export function fromPkcs8(items: Tlv[]): ParsedPrivateKey {
  const [version, algId, privateKey, ...rest] = items;
  if (!version || !algId || !privateKey || !(isSmallInt(version, 0) || isSmallInt(version, 1))) {
    throw new AppError('malformed_key', 'unknown PKCS#8 version');
  }
  if (rest.length > 2 || rest.some((t) => ![0xa0, 0x81, 0xa1].includes(t.tag))) {
    throw new AppError('malformed_key', 'unexpected fields after the PKCS#8 private key');
  }
  const alg = readChildren(algId.value);
  const oidTlv = alg[0];
  if (!oidTlv || oidTlv.tag !== TAG.OID || alg.length > 2) throw new AppError('malformed_key', 'bad PKCS#8 AlgorithmIdentifier');
  const oid = decodeOid(oidTlv.value);

  if (oid === OID_RSA || oid === OID_RSA_PSS) {
    // WebCrypto's RSA-PSS import wants rsaEncryption: re-wrap the inner key (drops PSS parameters).
    return { algorithm: 'RSA-PSS', format: 'pkcs8', ...fromRsaPrivateKey(privateKey.value) };
  }
  if (oid === OID_ED25519) {
    const seed = expectTag(readSingle(privateKey.value), TAG.OCTET_STRING).value;
    if (seed.length !== 32) throw new AppError('malformed_key', 'an Ed25519 private key must be 32 bytes');
    // Re-emit as plain version 0: WebCrypto may refuse v1 with an embedded public key.
    const pkcs8 = encodeSequence(encodeSmallInteger(0), encodeSequence(encodeOid(OID_ED25519)), encodeOctetString(encodeOctetString(seed)));
    return { algorithm: 'Ed25519', format: 'pkcs8', pkcs8 };
  }
  if (oid === OID_EC) {
    const params = alg[1];
    const curve = params?.tag === TAG.OID ? curveName(params.value) : 'with explicit or missing curve parameters';
    throw new AppError('unsupported_key_type', `EC ${curve}`);
  }
  throw new AppError('unsupported_key_type', OTHER_KEY_TYPES[oid] ?? `algorithm OID ${oid}`);
}

/**
 * RSAPrivateKey { version 0, n, e, d, p, q, dp, dq, qinv }. Multi-prime keys
 * (version 1, otherPrimeInfos) are refused: WebCrypto cannot import them.
 */
function fromRsaPrivateKey(der: Uint8Array): { pkcs8: Uint8Array<ArrayBuffer>; modulusBits: number } {
  const ints = readChildren(expectTag(readSingle(der), TAG.SEQUENCE).value);
  const [version, n] = ints;
  if (version && isSmallInt(version, 1)) throw new AppError('unsupported_key_type', 'multi-prime RSA');
  if (!version || !n || !isSmallInt(version, 0) || ints.length !== 9) {
    throw new AppError('malformed_key', 'an RSA private key must hold version 0 and eight integers');
  }
  for (const t of ints.slice(1)) {
    if (t.tag !== TAG.INTEGER || !isPositiveInteger(t.value)) throw new AppError('malformed_key', 'bad integer in the RSA private key');
  }
  const first = n.value[0] === 0 ? 1 : 0; // a leading zero byte only keeps the sign positive
  const modulusBits = (n.value.length - first - 1) * 8 + (32 - Math.clz32(n.value[first]!));
  return { pkcs8: wrapPkcs1InPkcs8(der), modulusBits };
}

/** SEC1 ECPrivateKey { 1, OCTET STRING, [0] curve OID?, [1] publicKey? }: name the curve. */
function sec1Curve(items: Tlv[]): string {
  const params = items.find((t) => t.tag === 0xa0);
  if (!params) return 'key';
  const oid = readSingle(params.value);
  return oid.tag === TAG.OID ? curveName(oid.value) : 'with explicit curve parameters';
}

function curveName(oidValue: Uint8Array): string {
  const oid = decodeOid(oidValue);
  return CURVES[oid] ?? `curve OID ${oid}`;
}

// ---- Small helpers ------------------------------------------------------------------

function isSmallInt(tlv: Tlv, n: number): boolean {
  return tlv.tag === TAG.INTEGER && tlv.value.length === 1 && tlv.value[0] === n;
}

/** DER INTEGER > 0 in minimal encoding (BoringSSL, behind Chrome's WebCrypto, insists on it). */
function isPositiveInteger(v: Uint8Array): boolean {
  const [b0, b1] = v;
  if (b0 === undefined || b0 & 0x80) return false;
  if (b0 === 0) return b1 !== undefined && (b1 & 0x80) !== 0;
  return true;
}
