/** PEM/DER import: every refusal is an AppError with a code and a detail that holds no key material. */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type ErrorCode } from '../../lib/shared/errors';
import { parsePrivateKeyPem } from '../../lib/key-formats/pem';
import { MARKER } from '../../lib/key-formats/pem-text';
import { HOSTILE_PEM_TEXTS } from '../../bench/hostile-text';
import {
  PARSE_CODES,
  der,
  ed,
  edSeed,
  errorOf,
  expectError,
  pem,
  pemOf,
  rsa,
  rsaPkcs1Der,
  rsaPkcs1Pem,
  seq,
  tlv,
} from '../helpers/pem-fixtures';

// ---- Errors ---------------------------------------------------------------------------------

/** Linear scanning: the BEGIN/END regex needs about 2 backtracks per character on the worst input below. */
const BACKTRACKS_PER_CHAR = 4;

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

  it('hostile long inputs are refused with a parse code (how fast: npm run bench, row 7)', () => {
    // No time is asserted here (README: no test asserts a time); bench/hostile-text.ts times these inputs.
    expect(HOSTILE_PEM_TEXTS.map(({ text }) => text.length)).toEqual([100_012, 200_000, 100_014, 240_000, 2_000_000]);
    for (const { text } of HOSTILE_PEM_TEXTS) {
      expect(PARSE_CODES).toContain(errorOf(() => parsePrivateKeyPem(text)).code);
    }
  });

  it(`the BEGIN/END regex backtracks at most ${BACKTRACKS_PER_CHAR} times per character on hostile input (V8 backtrack limit)`, () => {
    // A work bound, not a time: in a child Node with --allow-natives-syntax, MARKER is rebuilt with
    // V8's backtrack limit set to BACKTRACKS_PER_CHAR × the input length. Past the limit exec()
    // gives up and finds nothing, so a marker placed after each hostile run is found only if the
    // scan stayed linear. (The regex of the first release, /-{3,}\s*(BEGIN|END)\s+([^-\n]+?)\s*-{3,}/gi,
    // needs about n²/2 backtracks on 200 000 dashes and misses the marker.)
    const sentinel = '\n-----END SENTINEL-----';
    const texts = HOSTILE_PEM_TEXTS.map(({ text }) => text + sentinel);
    const child = `
      const { source, flags, perChar, texts } = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
      const limited = new Function('s', 'f', 'l', 'return %NewRegExpWithBacktrackLimit(s, f, l)');
      const out = texts.map((text) => {
        const re = limited(source, flags, perChar * text.length);
        const found = [];
        for (let m; (m = re.exec(text)); ) found.push([m.index, m[1], m[2]]);
        return found.at(-1) ?? null;
      });
      process.stdout.write(JSON.stringify(out));
    `;
    const lastMatches = JSON.parse(
      execFileSync(process.execPath, ['--allow-natives-syntax', '-e', child], {
        input: JSON.stringify({ source: MARKER.source, flags: MARKER.flags, perChar: BACKTRACKS_PER_CHAR, texts }),
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      }),
    ) as Array<[number, string, string] | null>;
    expect(lastMatches).toEqual(HOSTILE_PEM_TEXTS.map(({ text }) => [text.length + 1, 'END', 'SENTINEL']));
  });

  it('non-string input is refused with an AppError', () => {
    expect(errorOf(() => parsePrivateKeyPem(undefined as unknown as string)).code).toBe('not_pem');
  });
});
