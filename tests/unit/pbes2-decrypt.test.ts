/** Encrypted PKCS#8: keys made by Node and openssl decrypt to the right key, however the text is pasted. */
import { describe, expect, it } from 'vitest';
import { decryptPrivateKeyPem, isEncryptedPrivateKeyPem } from '../../lib/key-formats/pbes2';
import { readPrivateKey } from '../../lib/key-formats/private-key-input';
import {
  KEYS,
  OIDS,
  PASS,
  UNICODE_PASS,
  derOf,
  ed,
  expectCode,
  expectSigns,
  handMade,
  nodeEncrypted,
  opensslEncrypted,
  pkcs8Der,
  rsa,
  type HandMade,
  type KeyName,
} from '../helpers/pbes2-fixtures';

// ---- Decryptable keys ------------------------------------------------------------------

interface Case {
  name: string;
  key: KeyName;
  make: () => string;
  passphrase?: string;
}

const cases: Case[] = [];
for (const key of ['rsa', 'ed'] as const) {
  cases.push(
    { name: `${key}: Node export aes-256-cbc`, key, make: () => nodeEncrypted(KEYS[key].privateKey, 'aes-256-cbc') },
    { name: `${key}: Node export aes-128-cbc`, key, make: () => nodeEncrypted(KEYS[key].privateKey, 'aes-128-cbc') },
    {
      name: `${key}: openssl -v2 aes-256-cbc -v2prf hmacWithSHA256`,
      key,
      make: () => opensslEncrypted(KEYS[key].privateKey, ['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA256']),
    },
    {
      name: `${key}: openssl -v2 aes-256-cbc -v2prf hmacWithSHA1 (PRF field absent)`,
      key,
      make: () => opensslEncrypted(KEYS[key].privateKey, ['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA1']),
    },
    {
      name: `${key}: openssl -v2 aes-128-cbc -iter 1000`,
      key,
      make: () => opensslEncrypted(KEYS[key].privateKey, ['-v2', 'aes-128-cbc', '-iter', '1000']),
    },
    {
      name: `${key}: openssl -v2prf hmacWithSHA384 -iter 5`,
      key,
      make: () => opensslEncrypted(KEYS[key].privateKey, ['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA384', '-iter', '5']),
    },
    {
      name: `${key}: openssl -v2prf hmacWithSHA512 -iter 5`,
      key,
      make: () => opensslEncrypted(KEYS[key].privateKey, ['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA512', '-iter', '5']),
    },
    {
      name: `${key}: Node export, unicode passphrase`,
      key,
      passphrase: UNICODE_PASS,
      make: () => nodeEncrypted(KEYS[key].privateKey, 'aes-256-cbc', UNICODE_PASS),
    },
    {
      name: `${key}: openssl, unicode passphrase`,
      key,
      passphrase: UNICODE_PASS,
      make: () => opensslEncrypted(KEYS[key].privateKey, ['-v2', 'aes-256-cbc', '-iter', '10'], UNICODE_PASS),
    },
  );
}

describe('decrypting encrypted PKCS#8 keys made by Node and openssl', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const text = c.make();
      expect(text).toContain('BEGIN ENCRYPTED PRIVATE KEY');
      expect(isEncryptedPrivateKeyPem(text)).toBe(true);
      const passphrase = c.passphrase ?? PASS;

      // The decrypted DER is exactly the key's own PKCS#8.
      const der = await decryptPrivateKeyPem(text, passphrase);
      expect(Buffer.from(der).equals(pkcs8Der(KEYS[c.key].privateKey))).toBe(true);

      const parsed = await readPrivateKey(text, passphrase);
      expect(parsed.algorithm).toBe(c.key === 'rsa' ? 'RSA-PSS' : 'Ed25519');
      expect(parsed.format).toBe('pkcs8');
      if (c.key === 'rsa') expect(parsed.modulusBits).toBe(2048);
      await expectSigns(parsed, KEYS[c.key].publicKey);

      await expectCode(readPrivateKey(text, 'wrong passphrase'), 'wrong_passphrase');
      await expectCode(readPrivateKey(text, ''), 'passphrase_required');
      await expectCode(readPrivateKey(text), 'passphrase_required');
    });
  }

  it('openssl -v2prf hmacWithSHA1 really leaves the PRF out (the PBKDF2 default is exercised)', () => {
    const der = derOf(opensslEncrypted(ed.privateKey, ['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA1', '-iter', '2']));
    expect(der.includes(Buffer.from(OIDS.pbkdf2, 'hex'))).toBe(true);
    expect(der.includes(Buffer.from(OIDS.hmacWithSHA1, 'hex'))).toBe(false);
    expect(der.includes(Buffer.from(OIDS.hmacWithSHA256, 'hex'))).toBe(false);
  });

  it('the unicode passphrase is UTF-8 and not normalised: its NFD spelling is wrong', async () => {
    const text = nodeEncrypted(ed.privateKey, 'aes-256-cbc', UNICODE_PASS);
    expect(UNICODE_PASS.normalize('NFD')).not.toBe(UNICODE_PASS);
    await expectCode(readPrivateKey(text, UNICODE_PASS.normalize('NFD')), 'wrong_passphrase');
    await expectSigns(await readPrivateKey(text, UNICODE_PASS), ed.publicKey);
  });

  it('hand-made corners: default PRF, explicit key length, AES-128 with SHA-1', async () => {
    for (const o of [
      { prf: 'absent' },
      { prf: 'sha1', keyLength: 32 },
      { cipher: 'aes128cbc', prf: 'sha1', keyLength: 16 },
      { iterations: 1 },
    ] as HandMade[]) {
      await expectSigns(await readPrivateKey(handMade(o), PASS), ed.publicKey);
    }
  });
});

// ---- How the text may arrive ---------------------------------------------------------------

describe('pasted forms of an encrypted key', () => {
  const encrypted = opensslEncrypted(ed.privateKey, ['-v2', 'aes-256-cbc', '-iter', '3']);
  const forms: [string, string][] = [
    ['mislabelled as PRIVATE KEY', encrypted.replace(/ENCRYPTED /g, '')],
    ['bare base64 of the DER', derOf(encrypted).toString('base64')],
    ['base64 of the whole PEM', Buffer.from(encrypted).toString('base64')],
    ['CRLF line endings and surrounding text', `my key:\r\n${encrypted.replace(/\n/g, '\r\n')}\r\nthanks`],
    ['JSON "\\n" escapes', JSON.stringify(encrypted).slice(1, -1)],
    ['after a public key in a bundle', (rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string) + encrypted],
  ];
  for (const [name, text] of forms) {
    it(name, async () => {
      expect(isEncryptedPrivateKeyPem(text)).toBe(true);
      await expectSigns(await readPrivateKey(text, PASS), ed.publicKey);
      await expectCode(readPrivateKey(text), 'passphrase_required');
    });
  }
});
