import { constants, createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../lib/key-formats/crypto-keys';
import { presignText, signRequest } from '../../lib/kalshi/signer';

const publicKeyOf = (spki: ArrayBuffer) => createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });

describe('presignText', () => {
  it('is timestamp in ms + METHOD + path, without the query string', () => {
    expect(presignText(1703123456789, 'get', '/trade-api/v2/api_keys?fcm_subtrader_id=x&y=1')).toBe(
      '1703123456789GET/trade-api/v2/api_keys',
    );
    expect(presignText(1703123456789.9, 'DELETE', '/trade-api/v2/api_keys/abc')).toBe('1703123456789DELETE/trade-api/v2/api_keys/abc');
  });
});

describe('signRequest', () => {
  it('RSA-PSS signatures verify with node:crypto (SHA-256, MGF1, salt 32)', async () => {
    const pair = await generateKeyPair('RSA-PSS');
    const headers = await signRequest(
      { keyId: 'k1', algorithm: 'RSA-PSS', privateKey: pair.privateKey },
      'GET',
      '/trade-api/v2/api_keys?x=1',
      1700000000123,
    );
    expect(headers['KALSHI-ACCESS-KEY']).toBe('k1');
    expect(headers['KALSHI-ACCESS-TIMESTAMP']).toBe('1700000000123');
    const signature = Buffer.from(headers['KALSHI-ACCESS-SIGNATURE'], 'base64');
    const key = { key: publicKeyOf(pair.spki), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
    expect(verify('sha256', Buffer.from('1700000000123GET/trade-api/v2/api_keys'), key, signature)).toBe(true);
    // The query string is not signed, and a different salt length would not verify.
    expect(verify('sha256', Buffer.from('1700000000123GET/trade-api/v2/api_keys?x=1'), key, signature)).toBe(false);
    expect(verify('sha256', Buffer.from('1700000000123GET/trade-api/v2/api_keys'), { ...key, saltLength: 20 }, signature)).toBe(false);
  });

  it('Ed25519 signatures verify with node:crypto', async () => {
    const pair = await generateKeyPair('Ed25519');
    const headers = await signRequest(
      { keyId: 'k2', algorithm: 'Ed25519', privateKey: pair.privateKey },
      'POST',
      '/trade-api/v2/api_keys',
      42,
    );
    const signature = Buffer.from(headers['KALSHI-ACCESS-SIGNATURE'], 'base64');
    expect(verify(null, Buffer.from('42POST/trade-api/v2/api_keys'), publicKeyOf(pair.spki), signature)).toBe(true);
    expect(verify(null, Buffer.from('43POST/trade-api/v2/api_keys'), publicKeyOf(pair.spki), signature)).toBe(false);
  });

  it('generated private keys are non-extractable', async () => {
    for (const algorithm of ['RSA-PSS', 'Ed25519'] as const) {
      const pair = await generateKeyPair(algorithm);
      expect(pair.privateKey.extractable).toBe(false);
      await expect(crypto.subtle.exportKey('pkcs8', pair.privateKey)).rejects.toThrow();
    }
  });
});
