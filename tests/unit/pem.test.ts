/**
 * PEM/DER import of users' private keys. Every key is generated at test time
 * with node:crypto (and the openssl CLI for certificates); none is committed.
 * Accepted keys are proven right by signing with WebCrypto and verifying with
 * node:crypto against the ORIGINAL key's public half.
 */
import { execFileSync } from 'node:child_process';
import { constants, createPrivateKey, createPublicKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError, type ErrorCode } from '../../lib/shared/errors';
import { parsePrivateKeyPem, wrapPkcs1InPkcs8, type ParsedPrivateKey } from '../../lib/key-formats/pem';
import { pkcs8RsaToPkcs1Pem, pkcs8ToPem, spkiToPem } from '../../lib/key-formats/pem-write';

// ---- Keys made now ---------------------------------------------------------------

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ed = generateKeyPairSync('ed25519');
const pss = generateKeyPairSync('rsa-pss', {
  modulusLength: 2048,
  hashAlgorithm: 'sha256',
  mgf1HashAlgorithm: 'sha256',
  saltLength: 32 as unknown as string, // @types/node 20 types it as string; node wants a number
});
const pssNoParams = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });

const der = (key: KeyObject, type: 'pkcs1' | 'pkcs8' | 'sec1' | 'spki'): Buffer => key.export({ type, format: 'der' } as never) as Buffer;
const pemOf = (key: KeyObject, type: 'pkcs1' | 'pkcs8' | 'sec1' | 'spki'): string => key.export({ type, format: 'pem' } as never) as string;

const rsaPkcs1Der = der(rsa.privateKey, 'pkcs1');
const rsaPkcs8Der = der(rsa.privateKey, 'pkcs8');
const rsaPkcs1Pem = pemOf(rsa.privateKey, 'pkcs1');
const rsaPkcs8Pem = pemOf(rsa.privateKey, 'pkcs8');
const edPkcs8Der = der(ed.privateKey, 'pkcs8');
const edPkcs8Pem = pemOf(ed.privateKey, 'pkcs8');

// ---- Test-side DER/PEM helpers (independent of lib/der.ts) -------------------------

function tlv(tag: number, content: Uint8Array): Buffer {
  const n = content.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), content]);
}
const seq = (...items: Uint8Array[]): Buffer => tlv(0x30, Buffer.concat(items));

function pem(label: string, body: Uint8Array): string {
  const lines =
    Buffer.from(body)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The base64 body of a PEM block, as one string. */
const bodyOf = (text: string): string => text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');

// Ed25519 OneAsymmetricKey version 1: { 1, {Ed25519}, OCTET{OCTET seed}, [1] publicKey }.
const edJwk = ed.privateKey.export({ format: 'jwk' });
const edSeed = Buffer.from(edJwk.d!, 'base64url');
const edPub = Buffer.from(edJwk.x!, 'base64url');
const edV1Der = seq(
  Buffer.from('020101', 'hex'),
  Buffer.from('300506032b6570', 'hex'),
  tlv(0x04, tlv(0x04, edSeed)),
  tlv(0x81, Buffer.concat([Buffer.from([0]), edPub])),
);

// RSA PKCS#8 with an (empty) [0] attributes field, as some tools emit.
const rsaPkcs8WithAttrs = (() => {
  const inner = rsaPkcs8Der.subarray(4); // past 30 82 LL LL
  return tlv(0x30, Buffer.concat([inner, Buffer.from([0xa0, 0x00])]));
})();

// ---- Helpers ---------------------------------------------------------------------------

const PARSE_CODES: ErrorCode[] = [
  'empty_input',
  'not_pem',
  'malformed_key',
  'public_key_given',
  'certificate_given',
  'encrypted_key',
  'unsupported_key_type',
];

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected an AppError, but nothing was thrown');
}

function expectError(text: string, code: ErrorCode, detail?: RegExp): AppError {
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

const MESSAGE = new TextEncoder().encode('1700000000000GET/trade-api/v2/portfolio/balance');

/** Import as WebCrypto would, sign, verify with node against the original public key. */
async function expectSigns(parsed: ParsedPrivateKey, publicKey: KeyObject): Promise<void> {
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

function isKnownOutcome(run: () => ParsedPrivateKey): boolean {
  try {
    const parsed = run();
    return parsed.pkcs8 instanceof Uint8Array && (parsed.algorithm === 'RSA-PSS' || parsed.algorithm === 'Ed25519');
  } catch (e) {
    return e instanceof AppError && PARSE_CODES.includes(e.code);
  }
}

// ---- Accepted keys ------------------------------------------------------------------------

describe('parsePrivateKeyPem: accepted keys sign correctly', () => {
  const cases: { name: string; text: string; publicKey: KeyObject; algorithm: string; format: string }[] = [
    { name: 'RSA PKCS#1 (what Kalshi hands out)', text: rsaPkcs1Pem, publicKey: rsa.publicKey, algorithm: 'RSA-PSS', format: 'pkcs1' },
    { name: 'RSA PKCS#8', text: rsaPkcs8Pem, publicKey: rsa.publicKey, algorithm: 'RSA-PSS', format: 'pkcs8' },
    {
      name: 'RSA PKCS#8 with [0] attributes',
      text: pem('PRIVATE KEY', rsaPkcs8WithAttrs),
      publicKey: rsa.publicKey,
      algorithm: 'RSA-PSS',
      format: 'pkcs8',
    },
    {
      name: 'RSA PKCS#8 under id-RSASSA-PSS with parameters',
      text: pemOf(pss.privateKey, 'pkcs8'),
      publicKey: pss.publicKey,
      algorithm: 'RSA-PSS',
      format: 'pkcs8',
    },
    {
      name: 'RSA PKCS#8 under id-RSASSA-PSS without parameters',
      text: pemOf(pssNoParams.privateKey, 'pkcs8'),
      publicKey: pssNoParams.publicKey,
      algorithm: 'RSA-PSS',
      format: 'pkcs8',
    },
    { name: 'Ed25519 PKCS#8 v0', text: edPkcs8Pem, publicKey: ed.publicKey, algorithm: 'Ed25519', format: 'pkcs8' },
    {
      name: 'Ed25519 PKCS#8 v1 with public key',
      text: pem('PRIVATE KEY', edV1Der),
      publicKey: ed.publicKey,
      algorithm: 'Ed25519',
      format: 'pkcs8',
    },
  ];

  it.each(cases)('$name', async ({ text, publicKey, algorithm, format }) => {
    const parsed = parsePrivateKeyPem(text);
    expect(parsed.algorithm).toBe(algorithm);
    expect(parsed.format).toBe(format);
    expect(parsed.modulusBits).toBe(algorithm === 'RSA-PSS' ? 2048 : undefined);
    // A plain, exactly-sized ArrayBuffer behind it (a BufferSource WebCrypto takes as is).
    expect(parsed.pkcs8.buffer).toBeInstanceOf(ArrayBuffer);
    expect(parsed.pkcs8.byteOffset).toBe(0);
    expect(parsed.pkcs8.buffer.byteLength).toBe(parsed.pkcs8.length);
    await expectSigns(parsed, publicKey);
  });

  it('emits the canonical PKCS#8 node itself writes (rsaEncryption v0, Ed25519 v0)', () => {
    expect(Buffer.from(parsePrivateKeyPem(rsaPkcs1Pem).pkcs8)).toEqual(rsaPkcs8Der);
    expect(Buffer.from(parsePrivateKeyPem(rsaPkcs8Pem).pkcs8)).toEqual(rsaPkcs8Der);
    expect(Buffer.from(parsePrivateKeyPem(pem('PRIVATE KEY', edV1Der)).pkcs8)).toEqual(edPkcs8Der);
    // The id-RSASSA-PSS key comes back under rsaEncryption (OID 06 09 2a864886f70d010101, NULL).
    const rewrapped = Buffer.from(parsePrivateKeyPem(pemOf(pss.privateKey, 'pkcs8')).pkcs8);
    expect(rewrapped.subarray(7, 22).toString('hex')).toBe('300d06092a864886f70d0101010500');
  });

  it('reads modulusBits for other sizes', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const big = generateKeyPairSync('rsa', { modulusLength: 3072 });
    expect(parsePrivateKeyPem(pemOf(small.privateKey, 'pkcs1')).modulusBits).toBe(1024);
    expect(parsePrivateKeyPem(pemOf(big.privateKey, 'pkcs8')).modulusBits).toBe(3072);
  });
});

// ---- Tolerance ------------------------------------------------------------------------------

describe('parsePrivateKeyPem: tolerates how keys get pasted', () => {
  const lines = rsaPkcs1Pem.trimEnd().split('\n');
  const body = bodyOf(rsaPkcs1Pem);
  const cases: { name: string; text: string; format: 'pkcs1' | 'pkcs8'; expected?: Buffer }[] = [
    { name: 'CRLF line endings', text: rsaPkcs1Pem.replace(/\n/g, '\r\n'), format: 'pkcs1' },
    { name: 'CR line endings', text: rsaPkcs1Pem.replace(/\n/g, '\r'), format: 'pkcs1' },
    { name: 'blank lines everywhere', text: lines.join('\n\n\n'), format: 'pkcs1' },
    { name: 'leading and trailing whitespace', text: `\n\n   \t${rsaPkcs1Pem}\n\n  `, format: 'pkcs1' },
    { name: 'no final newline', text: rsaPkcs1Pem.trimEnd(), format: 'pkcs1' },
    { name: 'a note above and below', text: `My Kalshi key, made 2026-01-02:\n${rsaPkcs1Pem}\nkeep it secret!\n`, format: 'pkcs1' },
    { name: 'indented lines', text: lines.map((l) => `    ${l}`).join('\n'), format: 'pkcs1' },
    {
      name: 'spaces and tabs inside base64 lines',
      text: lines.map((l) => (l.startsWith('-') ? l : `${l.slice(0, 10)} \t ${l.slice(10)}`)).join('\n'),
      format: 'pkcs1',
    },
    {
      name: 'non-breaking and zero-width spaces from a web page',
      text: lines.map((l, i) => (i % 3 === 1 ? `\u00a0${l}\u200b` : l)).join('\n'),
      format: 'pkcs1',
    },
    { name: 'whole block on one line', text: lines.join(' '), format: 'pkcs1' },
    { name: 'one unbroken base64 line', text: `-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----`, format: 'pkcs1' },
    {
      name: 'lower-case markers',
      text: rsaPkcs1Pem.replace(/BEGIN RSA PRIVATE KEY/, 'begin rsa private key').replace(/END RSA PRIVATE KEY/, 'end rsa private key'),
      format: 'pkcs1',
    },
    { name: 'PKCS#1 body under BEGIN PRIVATE KEY', text: pem('PRIVATE KEY', rsaPkcs1Der), format: 'pkcs1' },
    { name: 'PKCS#8 body under BEGIN RSA PRIVATE KEY', text: pem('RSA PRIVATE KEY', rsaPkcs8Der), format: 'pkcs8' },
    { name: 'PKCS#1 body under an odd label', text: pem('KALSHI KEY', rsaPkcs1Der), format: 'pkcs1' },
    { name: 'bare base64 of PKCS#1, no BEGIN/END', text: body, format: 'pkcs1' },
    { name: 'bare base64 of PKCS#1 in 64-char lines', text: lines.slice(1, -1).join('\r\n'), format: 'pkcs1' },
    { name: 'bare base64 of PKCS#8', text: rsaPkcs8Der.toString('base64'), format: 'pkcs8' },
    { name: 'base64 of the whole PEM (as kept in env variables)', text: Buffer.from(rsaPkcs1Pem).toString('base64'), format: 'pkcs1' },
    { name: 'copied out of JSON with \\n escapes', text: JSON.stringify({ private_key: rsaPkcs1Pem }), format: 'pkcs1' },
    { name: 'public key + private key in one file', text: pemOf(rsa.publicKey, 'spki') + rsaPkcs1Pem, format: 'pkcs1' },
    { name: 'private key + public key in one file', text: rsaPkcs8Pem + pemOf(rsa.publicKey, 'spki'), format: 'pkcs8' },
  ];

  it.each(cases)('$name', async ({ text, format }) => {
    const parsed = parsePrivateKeyPem(text);
    expect(parsed.format).toBe(format);
    expect(Buffer.from(parsed.pkcs8)).toEqual(rsaPkcs8Der);
    await expectSigns(parsed, rsa.publicKey);
  });

  it('bare base64 of an Ed25519 PKCS#8 key', async () => {
    const parsed = parsePrivateKeyPem(edPkcs8Der.toString('base64'));
    expect(parsed.algorithm).toBe('Ed25519');
    await expectSigns(parsed, ed.publicKey);
  });
});

// ---- Errors ---------------------------------------------------------------------------------

describe('parsePrivateKeyPem: errors', () => {
  const pkcs1Items = (() => {
    // The 9 INTEGER TLVs of the RSAPrivateKey (past 30 82 LL LL).
    const out: Buffer[] = [];
    for (let pos = 4; pos < rsaPkcs1Der.length;) {
      const first = rsaPkcs1Der[pos + 1]!;
      const [len, hdr] = first < 0x80 ? [first, 2] : first === 0x81 ? [rsaPkcs1Der[pos + 2]!, 3] : [rsaPkcs1Der.readUInt16BE(pos + 2), 4];
      out.push(rsaPkcs1Der.subarray(pos, pos + hdr + len));
      pos += hdr + len;
    }
    return out;
  })();
  const ec256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ec384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
  const x25519 = generateKeyPairSync('x25519');
  const x448 = generateKeyPairSync('x448');
  const ed448 = generateKeyPairSync('ed448');
  const dsa = generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 });
  const encryptedPkcs8 = rsa.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }) as string;

  const cases: { name: string; text: string; code: ErrorCode; detail?: RegExp }[] = [
    { name: 'empty', text: '', code: 'empty_input' },
    { name: 'whitespace only', text: ' \r\n\t \u00a0\u200b\n', code: 'empty_input' },
    { name: 'plain words', text: 'hello, this is my key', code: 'not_pem' },
    { name: 'an API key id instead of a key', text: 'a952bcbe-ec3b-4b5b-b8f9-11dae589608c', code: 'not_pem' },
    { name: 'an OpenSSH public key line', text: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG0 user@host', code: 'not_pem' },
    { name: 'base64 that is not DER', text: Buffer.from('just some text, not a key at all').toString('base64'), code: 'not_pem' },
    { name: 'BEGIN without END', text: rsaPkcs1Pem.replace(/-----END[^\n]*\n/, ''), code: 'malformed_key', detail: /no END/ },
    { name: 'END without BEGIN', text: rsaPkcs1Pem.replace(/-----BEGIN[^\n]*\n/, ''), code: 'malformed_key', detail: /no BEGIN/ },
    {
      name: 'mismatched BEGIN/END labels',
      text: rsaPkcs1Pem.replace('END RSA PRIVATE KEY', 'END PRIVATE KEY'),
      code: 'malformed_key',
      detail: /does not match/,
    },
    { name: 'empty block', text: '-----BEGIN RSA PRIVATE KEY-----\n-----END RSA PRIVATE KEY-----\n', code: 'malformed_key' },
    { name: 'invalid base64 character', text: rsaPkcs1Pem.replace(/\n(.{10})./, '\n$1!'), code: 'malformed_key' },
    {
      name: 'base64 with bad padding',
      text: pem('RSA PRIVATE KEY', rsaPkcs1Der).replace(/\n-----END/, '===\n-----END'),
      code: 'malformed_key',
    },
    {
      name: 'truncated key (half the lines lost)',
      text: rsaPkcs1Pem
        .split('\n')
        .filter((_, i, a) => i < a.length / 2 || i >= a.length - 2)
        .join('\n'),
      code: 'malformed_key',
    },
    { name: 'truncated DER', text: pem('RSA PRIVATE KEY', rsaPkcs1Der.subarray(0, rsaPkcs1Der.length - 1)), code: 'malformed_key' },
    {
      name: 'trailing bytes after the SEQUENCE',
      text: pem('RSA PRIVATE KEY', Buffer.concat([rsaPkcs1Der, Buffer.from([0])])),
      code: 'malformed_key',
      detail: /trailing/,
    },
    {
      name: 'indefinite length',
      text: pem('RSA PRIVATE KEY', Buffer.from('3080020100 0000'.replace(' ', ''), 'hex')),
      code: 'malformed_key',
      detail: /indefinite/,
    },
    {
      name: 'non-minimal length (BER, not DER)',
      text: pem('RSA PRIVATE KEY', seq(Buffer.from('02810100', 'hex'), ...pkcs1Items.slice(1))),
      code: 'malformed_key',
      detail: /non-minimal/,
    },
    { name: 'RSA key missing an integer', text: pem('RSA PRIVATE KEY', seq(...pkcs1Items.slice(0, 8))), code: 'malformed_key' },
    {
      name: 'RSA key with a negative modulus',
      text: pem('RSA PRIVATE KEY', seq(pkcs1Items[0]!, Buffer.from([2, 1, 0x80]), ...pkcs1Items.slice(2))),
      code: 'malformed_key',
    },
    {
      name: 'RSA key of version 2',
      text: pem('RSA PRIVATE KEY', seq(Buffer.from([2, 1, 2]), ...pkcs1Items.slice(1))),
      code: 'malformed_key',
    },
    {
      name: 'Ed25519 seed of 31 bytes',
      text: pem('PRIVATE KEY', seq(Buffer.from('020100300506032b6570', 'hex'), tlv(4, tlv(4, edSeed.subarray(1))))),
      code: 'malformed_key',
      detail: /32 bytes/,
    },
    {
      name: 'PKCS#8 holding garbage',
      text: pem('PRIVATE KEY', seq(Buffer.from('020100300d06092a864886f70d0101010500', 'hex'), tlv(4, Buffer.from('hello')))),
      code: 'malformed_key',
    },
    { name: 'a lone INTEGER', text: pem('PRIVATE KEY', Buffer.from('020101', 'hex')), code: 'malformed_key' },
    { name: 'SPKI PUBLIC KEY (RSA)', text: pemOf(rsa.publicKey, 'spki'), code: 'public_key_given' },
    { name: 'SPKI PUBLIC KEY (Ed25519)', text: pemOf(ed.publicKey, 'spki'), code: 'public_key_given' },
    { name: 'RSA PUBLIC KEY (PKCS#1)', text: pemOf(rsa.publicKey, 'pkcs1'), code: 'public_key_given' },
    { name: 'SPKI under BEGIN PRIVATE KEY', text: pem('PRIVATE KEY', der(rsa.publicKey, 'spki')), code: 'public_key_given' },
    { name: 'bare base64 SPKI', text: der(ed.publicKey, 'spki').toString('base64'), code: 'public_key_given' },
    { name: 'ENCRYPTED PRIVATE KEY', text: encryptedPkcs8, code: 'encrypted_key' },
    { name: 'encrypted PKCS#8 mislabelled as PRIVATE KEY', text: encryptedPkcs8.replace(/ENCRYPTED /g, ''), code: 'encrypted_key' },
    {
      name: 'encrypted Ed25519 PKCS#8',
      text: ed.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'x' }) as string,
      code: 'encrypted_key',
    },
    {
      name: 'legacy Proc-Type: 4,ENCRYPTED RSA key',
      text: rsa.privateKey.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }) as string,
      code: 'encrypted_key',
      detail: /Proc-Type/,
    },
    {
      name: 'legacy Proc-Type: 4,ENCRYPTED EC key',
      text: ec256.privateKey.export({ type: 'sec1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }) as string,
      code: 'encrypted_key',
    },
    {
      name: 'EC key + encrypted key (encryption is reported first)',
      text: pemOf(ec256.privateKey, 'sec1') + encryptedPkcs8,
      code: 'encrypted_key',
    },
    { name: 'encrypted key + public key', text: pemOf(rsa.publicKey, 'spki') + encryptedPkcs8, code: 'encrypted_key' },
    { name: 'EC PRIVATE KEY (SEC1, P-256)', text: pemOf(ec256.privateKey, 'sec1'), code: 'unsupported_key_type', detail: /^EC P-256$/ },
    {
      name: 'SEC1 P-384 mislabelled',
      text: pem('PRIVATE KEY', der(ec384.privateKey, 'sec1')),
      code: 'unsupported_key_type',
      detail: /^EC P-384$/,
    },
    { name: 'PKCS#8 EC P-256', text: pemOf(ec256.privateKey, 'pkcs8'), code: 'unsupported_key_type', detail: /^EC P-256$/ },
    { name: 'PKCS#8 EC secp256k1', text: pemOf(k1.privateKey, 'pkcs8'), code: 'unsupported_key_type', detail: /^EC secp256k1$/ },
    { name: 'PKCS#8 X25519', text: pemOf(x25519.privateKey, 'pkcs8'), code: 'unsupported_key_type', detail: /^X25519$/ },
    { name: 'PKCS#8 X448', text: pemOf(x448.privateKey, 'pkcs8'), code: 'unsupported_key_type', detail: /^X448$/ },
    { name: 'PKCS#8 Ed448', text: pemOf(ed448.privateKey, 'pkcs8'), code: 'unsupported_key_type', detail: /^Ed448$/ },
    { name: 'PKCS#8 DSA', text: pemOf(dsa.privateKey, 'pkcs8'), code: 'unsupported_key_type', detail: /^DSA$/ },
    {
      name: 'PKCS#8 of an unknown algorithm',
      text: pem('PRIVATE KEY', seq(Buffer.from('020100300806062b0601040104', 'hex'), tlv(4, Buffer.from([5])))),
      code: 'unsupported_key_type',
      detail: /OID 1\.3\.6\.1\.4\.1\.4$/,
    },
    {
      name: 'RSA multi-prime (version 1)',
      text: pem('RSA PRIVATE KEY', seq(Buffer.from([2, 1, 1]), ...pkcs1Items.slice(1), seq())),
      code: 'unsupported_key_type',
      detail: /multi-prime/,
    },
    {
      name: 'OPENSSH PRIVATE KEY',
      text: pem('OPENSSH PRIVATE KEY', Buffer.from('openssh-key-v1\0\0\0\0\x04none')),
      code: 'unsupported_key_type',
      detail: /OpenSSH/,
    },
    {
      name: 'OpenSSH body mislabelled',
      text: pem('PRIVATE KEY', Buffer.from('openssh-key-v1\0\0\0\0\x04none')),
      code: 'unsupported_key_type',
      detail: /OpenSSH/,
    },
  ];

  it.each(cases)('$name → $code', ({ text, code, detail }) => {
    expectError(text, code, detail);
  });

  it('errors become plain ErrorInfo: a code and a detail, no words, no key material', () => {
    const error = expectError(pemOf(rsa.publicKey, 'spki'), 'public_key_given');
    expect(Object.keys(error.toInfo()).sort()).toEqual(['code', 'detail']);
    expect(error.toInfo().detail).not.toMatch(/MII/);
  });

  it('hostile long inputs finish quickly (no regex backtracking blow-up)', () => {
    const hostile = [
      '-----BEGIN ' + ' '.repeat(100_000) + 'x',
      '-'.repeat(200_000),
      ('-'.repeat(50_000) + 'BEGIN x').repeat(2),
      '-----BEGIN x'.repeat(20_000),
      'A'.repeat(2_000_000),
    ];
    for (const text of hostile) {
      const started = performance.now();
      expect(PARSE_CODES).toContain(errorOf(() => parsePrivateKeyPem(text)).code);
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });

  it('non-string input is refused with an AppError', () => {
    expect(errorOf(() => parsePrivateKeyPem(undefined as unknown as string)).code).toBe('not_pem');
  });
});

// ---- Certificates (openssl CLI) ----------------------------------------------------------------

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();

describe('certificates and openssl-made keys', () => {
  if (!hasOpenssl) {
    it.skip('SKIPPED: the openssl CLI is not installed, so certificate cases cannot run', () => {});
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'pem-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const keyFile = join(dir, 'key.pem');
  writeFileSync(keyFile, rsaPkcs8Pem, { mode: 0o600 });
  const openssl = (...args: string[]): string => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  const cert = openssl('req', '-x509', '-new', '-key', keyFile, '-subj', '/CN=pem-test', '-days', '1');
  const csr = openssl('req', '-new', '-key', keyFile, '-subj', '/CN=pem-test');
  const encrypted = rsa.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }) as string;

  it('made a real certificate', () => {
    expect(cert).toMatch(/BEGIN CERTIFICATE/);
  });

  it.each([
    { name: 'certificate alone', text: cert, code: 'certificate_given' as const },
    { name: 'certificate request', text: csr, code: 'certificate_given' as const },
    {
      name: 'certificate mislabelled as PRIVATE KEY',
      text: cert.replace(/CERTIFICATE/g, 'PRIVATE KEY'),
      code: 'certificate_given' as const,
    },
    { name: 'bare base64 certificate', text: bodyOf(cert), code: 'certificate_given' as const },
    { name: 'certificate + encrypted key', text: cert + encrypted, code: 'encrypted_key' as const },
    { name: 'encrypted key + certificate', text: encrypted + cert, code: 'encrypted_key' as const },
    {
      name: 'certificate + EC key',
      text: cert + pemOf(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, 'sec1'),
      code: 'unsupported_key_type' as const,
    },
    {
      name: 'certificate + truncated key',
      text: cert + pem('RSA PRIVATE KEY', rsaPkcs1Der.subarray(0, 500)),
      code: 'malformed_key' as const,
    },
  ])('$name → $code', ({ text, code }) => {
    expectError(text, code);
  });

  it.each([
    { name: 'certificate then key', text: `${cert}\n${rsaPkcs1Pem}` },
    { name: 'key then certificate', text: `${rsaPkcs1Pem}${cert}` },
    {
      name: 'chain with a note, CRLF',
      text: `Bag Attributes\r\n${cert.replace(/\n/g, '\r\n')}${cert.replace(/\n/g, '\r\n')}${rsaPkcs8Pem.replace(/\n/g, '\r\n')}`,
    },
  ])('bundle: $name → the private key', async ({ text }) => {
    const parsed = parsePrivateKeyPem(text);
    expect(Buffer.from(parsed.pkcs8)).toEqual(rsaPkcs8Der);
    await expectSigns(parsed, rsa.publicKey);
  });

  it('multi-prime RSA made by openssl is refused as unsupported', () => {
    const pkcs8 = openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-pkeyopt', 'rsa_keygen_primes:3');
    writeFileSync(join(dir, 'mp.pem'), pkcs8, { mode: 0o600 });
    const traditional = openssl('pkey', '-in', join(dir, 'mp.pem'), '-traditional');
    expectError(pkcs8, 'unsupported_key_type', /multi-prime/);
    expectError(traditional, 'unsupported_key_type', /multi-prime/);
  });

  it('traditional DSA PRIVATE KEY is refused as unsupported', () => {
    const dsa = generateKeyPairSync('dsa', { modulusLength: 1024, divisorLength: 160 });
    writeFileSync(join(dir, 'dsa.pem'), pemOf(dsa.privateKey, 'pkcs8'), { mode: 0o600 });
    const traditional = openssl('pkey', '-in', join(dir, 'dsa.pem'), '-traditional');
    expect(traditional).toMatch(/BEGIN DSA PRIVATE KEY/);
    expectError(traditional, 'unsupported_key_type', /^DSA$/);
  });

  it('openssl legacy-encrypted RSA key (Proc-Type header)', () => {
    const legacy = openssl('rsa', '-in', keyFile, '-traditional', '-aes256', '-passout', 'pass:x');
    expect(legacy).toMatch(/Proc-Type: 4,ENCRYPTED/);
    expectError(legacy, 'encrypted_key');
  });
});

// ---- Writers -----------------------------------------------------------------------------------

describe('PEM writers and PKCS#1/PKCS#8 conversion', () => {
  it('wrapPkcs1InPkcs8 equals node’s own PKCS#8 export byte for byte', () => {
    const wrapped = wrapPkcs1InPkcs8(new Uint8Array(rsaPkcs1Der));
    expect(Buffer.from(wrapped)).toEqual(rsaPkcs8Der);
    expect(wrapped.buffer).toBeInstanceOf(ArrayBuffer);
  });

  it('pkcs8RsaToPkcs1Pem equals node’s PKCS#1 export (from Uint8Array and ArrayBuffer)', () => {
    expect(pkcs8RsaToPkcs1Pem(new Uint8Array(rsaPkcs8Der))).toBe(rsaPkcs1Pem);
    const ab = new Uint8Array(rsaPkcs8Der).buffer;
    expect(pkcs8RsaToPkcs1Pem(ab)).toBe(rsaPkcs1Pem);
  });

  it('pkcs8RsaToPkcs1Pem unwraps an id-RSASSA-PSS key too, and refuses the rest with AppError', () => {
    const out = pkcs8RsaToPkcs1Pem(der(pss.privateKey, 'pkcs8'));
    expect(createPrivateKey(out).asymmetricKeyType).toBe('rsa');
    expect(errorOf(() => pkcs8RsaToPkcs1Pem(edPkcs8Der)).code).toBe('unsupported_key_type');
    expect(errorOf(() => pkcs8RsaToPkcs1Pem(rsaPkcs8Der.subarray(0, 100))).code).toBe('malformed_key');
    expect(errorOf(() => pkcs8RsaToPkcs1Pem(new Uint8Array(0))).code).toBe('malformed_key');
  });

  it('pkcs8ToPem matches node’s PKCS#8 PEM and round-trips through the parser', () => {
    expect(pkcs8ToPem(rsaPkcs8Der)).toBe(rsaPkcs8Pem);
    expect(pkcs8ToPem(edPkcs8Der)).toBe(edPkcs8Pem);
    expect(Buffer.from(parsePrivateKeyPem(pkcs8ToPem(parsePrivateKeyPem(rsaPkcs1Pem).pkcs8)).pkcs8)).toEqual(rsaPkcs8Der);
  });

  it('spkiToPem round-trips through createPublicKey (node DER and WebCrypto ArrayBuffer)', async () => {
    for (const pub of [rsa.publicKey, ed.publicKey]) {
      const spki = der(pub, 'spki');
      const text = spkiToPem(new Uint8Array(spki));
      expect(text).toBe(pemOf(pub, 'spki'));
      expect(text).toMatch(/^-----BEGIN PUBLIC KEY-----\n([A-Za-z0-9+/=]{64}\n)*[A-Za-z0-9+/=]{1,64}\n-----END PUBLIC KEY-----\n$/);
      expect(createPublicKey(text).export({ type: 'spki', format: 'der' })).toEqual(spki);
    }
    const pair = (await globalThis.crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const spki = await globalThis.crypto.subtle.exportKey('spki', pair.publicKey);
    expect(createPublicKey(spkiToPem(spki)).export({ type: 'spki', format: 'der' })).toEqual(Buffer.from(spki));
  });
});

// ---- Properties -----------------------------------------------------------------------------------

describe('properties: only a key or an AppError ever comes out', () => {
  const LABELS = [
    'PRIVATE KEY',
    'RSA PRIVATE KEY',
    'ENCRYPTED PRIVATE KEY',
    'EC PRIVATE KEY',
    'PUBLIC KEY',
    'RSA PUBLIC KEY',
    'CERTIFICATE',
    'CERTIFICATE REQUEST',
    'OPENSSH PRIVATE KEY',
    'X509 CRL',
  ];
  const label = fc.oneof(fc.constantFrom(...LABELS), fc.stringMatching(/^[A-Z0-9][A-Z0-9 ]{0,20}[A-Z0-9]$/));
  /** Characters that steer random text into the parser's interesting paths. */
  const pemish = fc.string({
    unit: fc.constantFrom(...'-----BEGIN END PRIVATE KEY RSA\n\r\t :,Proc-Type4ENCRYPTEDMIIBAa+/=\\n'.split('')),
    maxLength: 300,
  });

  it('arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 400 }), pemish), (text) =>
        isKnownOutcome(() => parsePrivateKeyPem(text)),
      ),
      { numRuns: 3000 },
    );
  });

  it('arbitrary bytes in a valid PEM frame with random labels', () => {
    fc.assert(
      fc.property(label, fc.uint8Array({ maxLength: 600 }), (l, bytes) => isKnownOutcome(() => parsePrivateKeyPem(pem(l, bytes)))),
      { numRuns: 2000 },
    );
  });

  it('random well-formed DER trees in a PEM frame (reaches the structure checks)', () => {
    const { node } = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.tuple(fc.constantFrom(0x02, 0x03, 0x04, 0x05, 0x06, 0x81), fc.uint8Array({ maxLength: 40 })).map(([t, v]) => tlv(t, v)),
        fc.constantFrom(
          Buffer.from('020100', 'hex'),
          Buffer.from('020101', 'hex'),
          Buffer.from('06032b6570', 'hex'),
          Buffer.from('06092a864886f70d010101', 'hex'),
          Buffer.from('06072a8648ce3d0201', 'hex'),
        ),
        fc
          .tuple(fc.constantFrom(0x30, 0xa0, 0xa1), fc.array(tie('node'), { maxLength: 5 }))
          .map(([t, kids]) => tlv(t, Buffer.concat(kids as Buffer[]))),
      ),
    }));
    fc.assert(
      fc.property(label, node, (l, tree) => isKnownOutcome(() => parsePrivateKeyPem(pem(l, tree as Buffer)))),
      { numRuns: 2000 },
    );
  });

  const validDers = [rsaPkcs1Der, rsaPkcs8Der, edPkcs8Der, edV1Der, der(pss.privateKey, 'pkcs8')];

  it('single-byte mutations of valid keys', () => {
    fc.assert(
      fc.property(fc.constantFrom(...validDers), fc.nat(), fc.integer({ min: 0, max: 255 }), label, (base, at, value, l) => {
        const mutated = Buffer.from(base);
        mutated[at % mutated.length] = value;
        return isKnownOutcome(() => parsePrivateKeyPem(pem(l, mutated)));
      }),
      { numRuns: 3000 },
    );
  });

  it('truncations of valid keys (as PEM and as bare base64)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...validDers), fc.nat(), fc.boolean(), (base, cut, bare) => {
        const truncated = base.subarray(0, cut % base.length);
        const text = bare ? truncated.toString('base64') : pem('PRIVATE KEY', truncated);
        return isKnownOutcome(() => parsePrivateKeyPem(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('whatever parses re-parses to the same key (idempotent canonical PKCS#8)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...validDers), fc.nat(), fc.integer({ min: 0, max: 255 }), (base, at, value) => {
        const mutated = Buffer.from(base);
        mutated[at % mutated.length] = value;
        let parsed: ParsedPrivateKey;
        try {
          parsed = parsePrivateKeyPem(pem('PRIVATE KEY', mutated));
        } catch {
          return true;
        }
        const again = parsePrivateKeyPem(pkcs8ToPem(parsed.pkcs8));
        return Buffer.from(again.pkcs8).equals(Buffer.from(parsed.pkcs8)) && again.algorithm === parsed.algorithm;
      }),
      { numRuns: 2000 },
    );
  });
});

describe('property: reformatting the base64 body changes nothing', () => {
  const reformat = fc.record({
    width: fc.integer({ min: 1, max: 120 }),
    eol: fc.constantFrom('\n', '\r\n', '\r'),
    indent: fc.constantFrom('', ' ', '\t', '  \t'),
    blankEvery: fc.integer({ min: 0, max: 5 }),
    spaces: fc.array(fc.nat(), { maxLength: 8 }),
    lead: fc.constantFrom('', '\n', '  \r\n', 'note:\n'),
    trail: fc.constantFrom('', '\n', '\r\n\r\n', '  '),
  });

  it.each([
    { name: 'RSA PKCS#1', text: rsaPkcs1Pem, label: 'RSA PRIVATE KEY' },
    { name: 'Ed25519 PKCS#8', text: edPkcs8Pem, label: 'PRIVATE KEY' },
  ])('$name', ({ text, label }) => {
    const baseline = parsePrivateKeyPem(text);
    const body = bodyOf(text);
    fc.assert(
      fc.property(reformat, ({ width, eol, indent, blankEvery, spaces, lead, trail }) => {
        let b = body;
        for (const s of spaces) {
          const at = s % (b.length + 1);
          b = `${b.slice(0, at)} ${b.slice(at)}`;
        }
        const lines = b.match(new RegExp(`.{1,${width}}`, 'g')) ?? [];
        const spaced = lines.flatMap((line, i) => (blankEvery && i % blankEvery === 0 ? ['', indent + line] : [indent + line]));
        const out = `${lead}-----BEGIN ${label}-----${eol}${spaced.join(eol)}${eol}-----END ${label}-----${trail}`;
        const parsed = parsePrivateKeyPem(out);
        return Buffer.from(parsed.pkcs8).equals(Buffer.from(baseline.pkcs8)) && parsed.format === baseline.format;
      }),
      { numRuns: 1000 },
    );
  });
});
