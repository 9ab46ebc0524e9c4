/** Writing keys as PEM: public keys for Kalshi, private keys handed to the user once. */
import { expectTag, readChildren, readSingle, TAG } from './der';
import { fromPkcs8 } from './pem';
import { asBytes, guard, toPem } from './pem-text';
import { AppError } from '../shared/errors';

export function spkiToPem(spki: ArrayBuffer | Uint8Array): string {
  return toPem('PUBLIC KEY', asBytes(spki));
}

export function pkcs8ToPem(pkcs8: ArrayBuffer | Uint8Array): string {
  return toPem('PRIVATE KEY', asBytes(pkcs8));
}

/** PKCS#8 RSA key → PKCS#1 PEM ("RSA PRIVATE KEY" label) for older tools. Throws AppError. */
export function pkcs8RsaToPkcs1Pem(pkcs8: ArrayBuffer | Uint8Array): string {
  return guard(() => {
    const items = readChildren(expectTag(readSingle(asBytes(pkcs8)), TAG.SEQUENCE).value);
    if (fromPkcs8(items).algorithm !== 'RSA-PSS') throw new AppError('unsupported_key_type', 'not an RSA key');
    return toPem('RSA PRIVATE KEY', items[2]!.value); // fromPkcs8 checked it is an RSAPrivateKey
  });
}
