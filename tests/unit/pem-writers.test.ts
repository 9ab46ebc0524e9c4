/** PEM writers and PKCS#1/PKCS#8 conversion, checked against node:crypto's own exports. */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parsePrivateKeyPem, wrapPkcs1InPkcs8 } from '../../lib/key-formats/pem';
import { pkcs8RsaToPkcs1Pem, pkcs8ToPem, spkiToPem } from '../../lib/key-formats/pem-write';
import {
  der,
  ed,
  edPkcs8Der,
  edPkcs8Pem,
  errorOf,
  pemOf,
  pss,
  rsa,
  rsaPkcs1Der,
  rsaPkcs1Pem,
  rsaPkcs8Der,
  rsaPkcs8Pem,
} from '../helpers/pem-fixtures';

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
