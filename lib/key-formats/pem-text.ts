/**
 * PEM text as users paste it: whitespace (zero-width characters included), BEGIN/END markers,
 * writing PEM, and the one mapping of parsing failures to key errors. Shared by pem.ts and pbes2.ts.
 */
import { bytesToBase64, DerError } from './der';
import { AppError } from '../shared/errors';

/** Whitespace a paste may carry, including zero-width characters from web pages. */
export const SPACE = /[\s\u200b-\u200d\u2060\ufeff]+/g;
// The label starts and ends with a non-space so the whitespace runs cannot overlap
// (overlapping quantifiers made this regex quadratic on long runs of spaces or dashes).
export const MARKER = /(?<!-)-{3,}[ \t]*(BEGIN|END)[ \t]+([^-\s](?:[^-\n]*[^-\s])?)[ \t]*-{3,}/gi;

/** Runs fn so that only AppError escapes: DER damage becomes malformed_key, anything else internal. */
export function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw toKeyError(e);
  }
}

/** Broken DER means a damaged key; anything else unexpected stays 'internal', never hidden. */
export function toKeyError(e: unknown, what = 'a key'): AppError {
  if (e instanceof AppError) return e;
  if (e instanceof DerError) return new AppError('malformed_key', e.message, { cause: e });
  return new AppError('internal', `unexpected failure while reading ${what}`, { cause: e });
}

export function asBytes(data: ArrayBuffer | Uint8Array): Uint8Array {
  return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
}

export function startsWithAscii(bytes: Uint8Array, prefix: string): boolean {
  return bytes.length >= prefix.length && [...prefix].every((ch, i) => bytes[i] === ch.charCodeAt(0));
}

export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return s;
}

export function toPem(label: string, der: Uint8Array): string {
  const lines = bytesToBase64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * PEM labels by what they hold, in a few words of our own: an error detail names the label this
 * way and never repeats the label text, which may be anything (a BEGIN line that lost its closing
 * dashes runs on into the key's base64 body). Each name is shorter than ECHO_RUN.
 */
const LABEL_NAMES: Record<string, string> = {
  'RSA PRIVATE KEY': 'PKCS#1 RSA key',
  'PRIVATE KEY': 'PKCS#8 key',
  'ENCRYPTED PRIVATE KEY': 'encrypted key',
  'PUBLIC KEY': 'public key',
  'RSA PUBLIC KEY': 'RSA public key',
  'EC PRIVATE KEY': 'EC key',
  'DSA PRIVATE KEY': 'DSA key',
  'OPENSSH PRIVATE KEY': 'OpenSSH key',
  CERTIFICATE: 'certificate',
  'TRUSTED CERTIFICATE': 'certificate',
  'X509 CERTIFICATE': 'certificate',
  'CERTIFICATE REQUEST': 'CSR',
  'NEW CERTIFICATE REQUEST': 'CSR',
  'X509 CRL': 'CRL',
  PKCS7: 'PKCS#7',
  CMS: 'CMS',
  'EC PARAMETERS': 'EC parameters',
  'DH PARAMETERS': 'DH parameters',
};

/** A PEM label (upper case, single spaces) as an error detail may name it. */
export function labelName(label: string): string {
  return Object.hasOwn(LABEL_NAMES, label) ? LABEL_NAMES[label]! : 'unknown label';
}

/** Runs of this many characters of the input never appear in an error detail (checkEcho). */
export const ECHO_RUN = 12;

/**
 * The error, or the same error without its detail when the detail repeats any ECHO_RUN characters
 * of the input (spaces and case ignored), and without its cause when anything down the cause chain
 * does. The last line of defence: details are written to name structures, never input, and this
 * makes sure no path forgets it.
 */
export function withoutEcho(error: AppError, input: unknown): AppError {
  if (typeof input !== 'string') return error;
  const fold = (text: string) => normalise(text).replace(SPACE, '').toLowerCase();
  const haystack = fold(input);
  const echoes = (text: string | undefined) => {
    const folded = text === undefined ? '' : fold(text);
    for (let i = 0; i + ECHO_RUN <= folded.length; i++) if (haystack.includes(folded.slice(i, i + ECHO_RUN))) return true;
    return false;
  };
  // The cause is dropped, not kept: the error it wraps would carry the echo on (console, stack, logs).
  if (echoes(error.detail)) return new AppError(error.code);
  if (causesEcho(error.cause, echoes)) return new AppError(error.code, error.detail);
  return error;
}

/** Whether any error down a cause chain (its message, detail or Kalshi's words), or a thrown string, passes `echoes`. */
function causesEcho(cause: unknown, echoes: (text: string | undefined) => boolean): boolean {
  for (let c = cause, depth = 0; c !== undefined && c !== null; depth++) {
    if (depth > 8) return true; // a chain this deep (or a loop) is not worth reading: drop it
    if (typeof c === 'string') return echoes(c);
    if (!(c instanceof Error)) return echoes(String(c));
    if (echoes(c.message) || (c instanceof AppError && (echoes(c.detail) || echoes(c.said)))) return true;
    c = c.cause;
  }
  return false;
}

/** A line break as pasted (CRLF, CR) or escaped (a key copied out of JSON keeps its "\\n"). */
export function normalise(raw: string): string {
  return raw.replace(/\\r\\n|\\n|\\r/g, '\n').replace(/\r\n?/g, '\n');
}
