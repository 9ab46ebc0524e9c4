/** Encrypted PKCS#8: plain keys keep their old path, and other inputs are told apart from encrypted ones. */
import { describe, expect, it } from 'vitest';
import { isEncryptedPrivateKeyPem } from '../../lib/key-formats/pbes2';
import { parsePrivateKeyPem } from '../../lib/key-formats/pem';
import { readPrivateKey } from '../../lib/key-formats/private-key-input';
import { PASS, derOf, ed, expectCode, expectSigns, nodeEncrypted, pem, pkcs8Der, pkcs8Pem, rsa, seq, tlv } from '../helpers/pbes2-fixtures';

// ---- Plain keys keep their old path ----------------------------------------------------------

describe('plain keys and other inputs', () => {
  it('plain PKCS#8 and PKCS#1 keys parse exactly as parsePrivateKeyPem does; a passphrase is ignored', async () => {
    for (const text of [
      pkcs8Pem(rsa.privateKey),
      rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string,
      pkcs8Pem(ed.privateKey),
    ]) {
      expect(isEncryptedPrivateKeyPem(text)).toBe(false);
      const expected = parsePrivateKeyPem(text);
      expect(await readPrivateKey(text)).toEqual(expected);
      expect(await readPrivateKey(text, 'unused')).toEqual(expected);
    }
    await expectSigns(await readPrivateKey(pkcs8Pem(rsa.privateKey)), rsa.publicKey);
  });

  it('a plain key mislabelled ENCRYPTED PRIVATE KEY is read as the plain key it is', async () => {
    const text = pem('ENCRYPTED PRIVATE KEY', pkcs8Der(ed.privateKey));
    expect(isEncryptedPrivateKeyPem(text)).toBe(false);
    await expectSigns(await readPrivateKey(text), ed.publicKey);
  });

  it('a plain key bundled with an encrypted one is used without a passphrase, as parsePrivateKeyPem does', async () => {
    const encrypted = nodeEncrypted(ed.privateKey, 'aes-256-cbc');
    for (const text of [pkcs8Pem(rsa.privateKey) + encrypted, encrypted + pkcs8Pem(rsa.privateKey)]) {
      expect(isEncryptedPrivateKeyPem(text)).toBe(true);
      const parsed = await readPrivateKey(text);
      expect(parsed).toEqual(parsePrivateKeyPem(text));
      await expectSigns(parsed, rsa.publicKey);
    }
  });

  it('legacy Proc-Type: 4,ENCRYPTED keys still get encrypted_key (not PBES2)', async () => {
    const text = rsa.privateKey.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASS }) as string;
    expect(isEncryptedPrivateKeyPem(text)).toBe(false);
    await expectCode(readPrivateKey(text, PASS), 'encrypted_key', /Proc-Type/);
  });

  it('parser errors pass through unchanged', async () => {
    await expectCode(readPrivateKey(''), 'empty_input');
    await expectCode(readPrivateKey('hello'), 'not_pem');
    await expectCode(readPrivateKey(rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string, PASS), 'public_key_given');
    await expectCode(readPrivateKey(null as unknown as string), 'not_pem');
  });

  it('isEncryptedPrivateKeyPem is false for non-keys and never throws', () => {
    for (const v of ['', '   ', 'hello', '-----BEGIN', pem('CERTIFICATE', seq(seq(), seq(), tlv(0x03, Buffer.from([0]))))]) {
      expect(isEncryptedPrivateKeyPem(v)).toBe(false);
    }
    expect(isEncryptedPrivateKeyPem(undefined as unknown as string)).toBe(false);
    expect(isEncryptedPrivateKeyPem(42 as unknown as string)).toBe(false);
  });

  it('a damaged ENCRYPTED PRIVATE KEY block is malformed_key (found by its label)', async () => {
    for (const text of [
      '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB!!!\n-----END ENCRYPTED PRIVATE KEY-----',
      '-----BEGIN ENCRYPTED PRIVATE KEY-----\n-----END ENCRYPTED PRIVATE KEY-----',
      pem('ENCRYPTED PRIVATE KEY', derOf(nodeEncrypted(ed.privateKey, 'aes-256-cbc')).subarray(0, 60)),
    ]) {
      expect(isEncryptedPrivateKeyPem(text)).toBe(true);
      await expectCode(readPrivateKey(text, PASS), 'malformed_key');
    }
  });
});
