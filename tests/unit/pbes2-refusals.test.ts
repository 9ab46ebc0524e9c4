/** Encrypted PKCS#8: wrong passphrases, unsupported encryption and structural damage are refused. */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { MAX_PBKDF2_ITERATIONS, decryptPrivateKeyPem, isEncryptedPrivateKeyPem } from '../../lib/key-formats/pbes2';
import { readPrivateKey } from '../../lib/key-formats/private-key-input';
import { PASS, ed, expectCode, handMade, int, nodeEncrypted, opensslEncrypted, rejectionOf, rsa, seq } from '../helpers/pbes2-fixtures';

// ---- Refusals --------------------------------------------------------------------------------

describe('wrong passphrases and unsupported encryption', () => {
  it('correct padding but no PrivateKeyInfo inside → wrong_passphrase', async () => {
    for (const plain of [Buffer.from('not a key at all'), seq(int(5)), Buffer.alloc(0)]) {
      await expectCode(readPrivateKey(handMade({ plain }), PASS), 'wrong_passphrase');
      await expectCode(decryptPrivateKeyPem(handMade({ plain }), PASS), 'wrong_passphrase');
    }
  });

  it('many wrong passphrases (some pass the padding check by chance) are all wrong_passphrase', async () => {
    const text = handMade({ iterations: 1 });
    for (let i = 0; i < 800; i++) {
      const error = await rejectionOf(decryptPrivateKeyPem(text, `guess ${i}`));
      expect(error.code).toBe('wrong_passphrase');
    }
  });

  it('a decrypted PrivateKeyInfo of another key type is reported as that, after decryption', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await expectCode(readPrivateKey(nodeEncrypted(ec.privateKey, 'aes-256-cbc'), PASS), 'unsupported_key_type', /P-256/);
  });

  const refused: [string, () => string, RegExp][] = [
    ['openssl -scrypt', () => opensslEncrypted(ed.privateKey, ['-scrypt']), /scrypt/],
    ['openssl -v2 des3', () => opensslEncrypted(ed.privateKey, ['-v2', 'des3', '-iter', '2']), /DES-EDE3/],
    ['openssl -v1 PBE-SHA1-3DES (PBES1)', () => opensslEncrypted(ed.privateKey, ['-v1', 'PBE-SHA1-3DES', '-iter', '2']), /PBES1/],
    ['Node export aes-192-cbc', () => nodeEncrypted(rsa.privateKey, 'aes-192-cbc'), /AES-192/],
    ['openssl -v2 aes-192-cbc', () => opensslEncrypted(ed.privateKey, ['-v2', 'aes-192-cbc', '-iter', '2']), /AES-192/],
    ['PRF hmacWithSHA224', () => handMade({ prf: 'sha224' }), /hmacWithSHA224/],
    [`more than ${MAX_PBKDF2_ITERATIONS} iterations`, () => handMade({ iterations: MAX_PBKDF2_ITERATIONS + 1 }), /10000001 iterations/],
    ['a 2^40 iteration count', () => handMade({ iterations: 2 ** 40 }), /iterations/],
  ];
  for (const [name, make, detail] of refused) {
    it(`${name} → unsupported_encryption, even before a passphrase is given`, async () => {
      const text = make();
      expect(isEncryptedPrivateKeyPem(text)).toBe(true);
      await expectCode(readPrivateKey(text, PASS), 'unsupported_encryption', detail);
      await expectCode(readPrivateKey(text), 'unsupported_encryption', detail);
    });
  }

  it('the iteration cap refuses without running PBKDF2: no key is derived, whatever the count', async () => {
    const subtle = globalThis.crypto.subtle;
    const deriveKey = vi.spyOn(subtle, 'deriveKey');
    const deriveBits = vi.spyOn(subtle, 'deriveBits');
    try {
      // The spy sees PBKDF2 when it runs: an accepted count is derived once, with exactly that count.
      expect((await decryptPrivateKeyPem(handMade({ iterations: 3 }), PASS)).byteLength).toBeGreaterThan(0);
      expect(deriveKey).toHaveBeenCalledTimes(1);
      expect(deriveKey.mock.calls[0]![0]).toMatchObject({ name: 'PBKDF2', iterations: 3 });
      deriveKey.mockClear();
      // From here on, any derivation is refused at once: a missing cap shows as a call, never as a wait.
      deriveKey.mockRejectedValue(new Error('PBKDF2 was run'));
      deriveBits.mockRejectedValue(new Error('PBKDF2 was run'));
      for (const iterations of [MAX_PBKDF2_ITERATIONS + 1, 2 ** 31 - 1, 2 ** 40]) {
        const text = handMade({ iterations });
        await expectCode(decryptPrivateKeyPem(text, PASS), 'unsupported_encryption', /iterations/);
        await expectCode(readPrivateKey(text, PASS), 'unsupported_encryption', /iterations/);
      }
      expect(deriveKey).not.toHaveBeenCalled();
      expect(deriveBits).not.toHaveBeenCalled();
    } finally {
      deriveKey.mockRestore();
      deriveBits.mockRestore();
    }
  });

  it('structural damage the tools never write → malformed_key', async () => {
    await expectCode(readPrivateKey(handMade({ iterations: 0 }), PASS), 'malformed_key', /iteration/);
    await expectCode(readPrivateKey(handMade({ keyLength: 16 }), PASS), 'malformed_key', /key length/);
  });
});
