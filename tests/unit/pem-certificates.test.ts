/** PEM/DER import: certificates, bundles and keys made by the openssl CLI. */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePrivateKeyPem } from '../../lib/key-formats/pem';
import {
  bodyOf,
  expectError,
  expectSigns,
  hasOpenssl,
  openssl,
  OPENSSL_MISSING,
  pem,
  pemOf,
  rsa,
  rsaPkcs1Der,
  rsaPkcs1Pem,
  rsaPkcs8Der,
  rsaPkcs8Pem,
} from '../helpers/pem-fixtures';

// ---- Certificates (openssl CLI) ----------------------------------------------------------------

describe('certificates and openssl-made keys', () => {
  // Without openssl these cases cannot be built: that fails here, loudly, rather than skipping.
  it('the openssl CLI is installed', () => {
    expect(hasOpenssl, OPENSSL_MISSING).toBe(true);
  });
  if (!hasOpenssl) return;
  const dir = mkdtempSync(join(tmpdir(), 'pem-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const keyFile = join(dir, 'key.pem');
  writeFileSync(keyFile, rsaPkcs8Pem, { mode: 0o600 });
  const cert = openssl(['req', '-x509', '-new', '-key', keyFile, '-subj', '/CN=pem-test', '-days', '1']);
  const csr = openssl(['req', '-new', '-key', keyFile, '-subj', '/CN=pem-test']);
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
    const pkcs8 = openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-pkeyopt', 'rsa_keygen_primes:3']);
    writeFileSync(join(dir, 'mp.pem'), pkcs8, { mode: 0o600 });
    const traditional = openssl(['pkey', '-in', join(dir, 'mp.pem'), '-traditional']);
    expectError(pkcs8, 'unsupported_key_type', /multi-prime/);
    expectError(traditional, 'unsupported_key_type', /multi-prime/);
  });

  it('traditional DSA PRIVATE KEY is refused as unsupported', () => {
    const dsa = generateKeyPairSync('dsa', { modulusLength: 1024, divisorLength: 160 });
    writeFileSync(join(dir, 'dsa.pem'), pemOf(dsa.privateKey, 'pkcs8'), { mode: 0o600 });
    const traditional = openssl(['pkey', '-in', join(dir, 'dsa.pem'), '-traditional']);
    expect(traditional).toMatch(/BEGIN DSA PRIVATE KEY/);
    expectError(traditional, 'unsupported_key_type', /^DSA$/);
  });

  it('openssl legacy-encrypted RSA key (Proc-Type header)', () => {
    const legacy = openssl(['rsa', '-in', keyFile, '-traditional', '-aes256', '-passout', 'pass:x']);
    expect(legacy).toMatch(/Proc-Type: 4,ENCRYPTED/);
    expectError(legacy, 'encrypted_key');
  });
});
