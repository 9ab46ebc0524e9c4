/**
 * Key formats and WebCrypto: DER, PEM (PKCS#1, PKCS#8, RSA and Ed25519, recognised by structure),
 * passphrase-protected PKCS#8 (PBES2), the one entry point for pasted key text, and importing or
 * generating keys (non-extractable unless a bot key is handed over once).
 *
 * May import: lib/shared only. Knows nothing of Kalshi, the store or the pages.
 */
export { generateKeyPair, importPrivateKey } from './crypto-keys';
export { parsePrivateKeyPem, type KeyAlgorithm, type ParsedPrivateKey } from './pem';
export { pkcs8RsaToPkcs1Pem, pkcs8ToPem, spkiToPem } from './pem-write';
export { readPrivateKey } from './private-key-input';
