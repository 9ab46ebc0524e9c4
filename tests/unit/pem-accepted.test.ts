/** PEM/DER import: the keys that are accepted, and the ways of pasting them that are tolerated. */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parsePrivateKeyPem } from '../../lib/key-formats/pem';
import {
  bodyOf,
  ed,
  edPkcs8Der,
  edPkcs8Pem,
  edV1Der,
  expectSigns,
  pem,
  pemOf,
  pss,
  pssNoParams,
  rsa,
  rsaPkcs1Der,
  rsaPkcs1Pem,
  rsaPkcs8Der,
  rsaPkcs8Pem,
  rsaPkcs8WithAttrs,
} from '../helpers/pem-fixtures';

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
