/**
 * Just enough DER to read and write private-key containers (PKCS#1, PKCS#8).
 * Strict on purpose: every length is bounds-checked and must be minimal, so a
 * damaged key fails here with a DerError instead of somewhere deep in WebCrypto.
 */

/** A structural problem in DER or base64. Messages describe the structure only, never its bytes. */
export class DerError extends Error {
  override readonly name = 'DerError';
}

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
} as const;

export interface Tlv {
  tag: number;
  /** The value bytes (a view into the input, not a copy). */
  value: Uint8Array;
  /** Offset just past this element in the input. */
  end: number;
}

/** Reads one TLV at `offset`. Only single-byte tags, definite lengths up to 2^32-1. */
export function readTlv(buf: Uint8Array, offset: number): Tlv {
  const byte = (i: number): number => {
    const b = buf[i];
    if (b === undefined) throw new DerError('DER ends in the middle of an element');
    return b;
  };
  const tag = byte(offset);
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte DER tags are not used in keys');
  let pos = offset + 1;
  let length = byte(pos++);
  if (length === 0x80) throw new DerError('indefinite length is not DER');
  if (length > 0x80) {
    const count = length & 0x7f;
    if (count > 4) throw new DerError('DER length too large');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + byte(pos++);
    // DER demands the shortest form: long form only for >= 128, no leading zero byte.
    if (length < 0x80 || byte(pos - count) === 0) throw new DerError('non-minimal DER length');
  }
  const end = pos + length;
  if (end > buf.length) throw new DerError('DER length runs past the end of the data');
  return { tag, value: buf.subarray(pos, end), end };
}

/** Reads exactly one TLV filling the whole buffer (trailing bytes are an error). */
export function readSingle(buf: Uint8Array): Tlv {
  const tlv = readTlv(buf, 0);
  if (tlv.end !== buf.length) throw new DerError('trailing bytes after the DER structure');
  return tlv;
}

/** The elements inside a constructed value (e.g. a SEQUENCE), which must fill it exactly. */
export function readChildren(value: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  for (let pos = 0; pos < value.length;) {
    const tlv = readTlv(value, pos);
    out.push(tlv);
    pos = tlv.end;
  }
  return out;
}

/** Dotted form of an OBJECT IDENTIFIER's value bytes, e.g. "1.2.840.113549.1.1.1". */
export function decodeOid(value: Uint8Array): string {
  if (value.length === 0) throw new DerError('empty OID');
  const arcs: number[] = [];
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const b = value[i]!;
    if (n === 0 && b === 0x80) throw new DerError('non-minimal OID arc');
    n = n * 128 + (b & 0x7f);
    if (n > Number.MAX_SAFE_INTEGER / 128) throw new DerError('OID arc too large');
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(n < 80 ? Math.floor(n / 40) : 2, n < 80 ? n % 40 : n - 80);
      else arcs.push(n);
      n = 0;
    } else if (i === value.length - 1) {
      throw new DerError('truncated OID');
    }
  }
  return arcs.join('.');
}

// ---- Encoder -------------------------------------------------------------

export function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

export function encodeTlv(tag: number, value: Uint8Array): Uint8Array<ArrayBuffer> {
  const len = value.length;
  let header: number[];
  if (len < 0x80) header = [tag, len];
  else {
    const bytes: number[] = [];
    for (let n = len; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
    header = [tag, 0x80 | bytes.length, ...bytes];
  }
  return concat(Uint8Array.from(header), value);
}

export const encodeSequence = (...items: Uint8Array[]): Uint8Array<ArrayBuffer> => encodeTlv(TAG.SEQUENCE, concat(...items));
export const encodeOctetString = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => encodeTlv(TAG.OCTET_STRING, bytes);
export const encodeNull = (): Uint8Array<ArrayBuffer> => Uint8Array.of(TAG.NULL, 0);

/** A small non-negative INTEGER (versions); keys' big integers are copied through, never re-encoded. */
export function encodeSmallInteger(n: number): Uint8Array<ArrayBuffer> {
  if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) throw new RangeError('encodeSmallInteger: 0..2^31-1');
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  if (bytes.length === 0 || bytes[0]! & 0x80) bytes.unshift(0); // keep it positive
  return encodeTlv(TAG.INTEGER, Uint8Array.from(bytes));
}

export function encodeOid(dotted: string): Uint8Array<ArrayBuffer> {
  const arcs = dotted.split('.').map(Number);
  const [a, b, ...rest] = arcs;
  if (a === undefined || b === undefined || arcs.some((x) => !Number.isSafeInteger(x) || x < 0)) {
    throw new RangeError(`encodeOid: bad OID ${dotted}`);
  }
  const bytes: number[] = [];
  for (const arc of [a * 40 + b, ...rest]) {
    const group = [arc % 128];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) group.unshift((v % 128) | 0x80);
    bytes.push(...group);
  }
  return encodeTlv(TAG.OID, Uint8Array.from(bytes));
}

// ---- Base64 (atob/btoa exist in browsers and Node >= 16) -------------------

export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  // Chunked so String.fromCharCode never gets too many arguments.
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Strict base64 (standard alphabet, optional padding, no whitespace: strip it first). */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.replace(/=+$/, '').length % 4 === 1) {
    throw new DerError('invalid base64');
  }
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new DerError('invalid base64'); // e.g. '=' in a place atob dislikes
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** The element itself when it has the expected tag; a DerError otherwise. */
export function expectTag(tlv: Tlv, tag: number): Tlv {
  if (tlv.tag !== tag) throw new DerError('unexpected DER element');
  return tlv;
}
