/**
 * Signing under Node: node:crypto with a parsed KeyObject, the official kalshi-typescript
 * SDK's way (re-parse the PEM on every request), and our signer (lib/signer.ts with a
 * CryptoKey imported once through lib/pem.ts + lib/crypto-keys.ts).
 */
import { execFileSync } from 'node:child_process';
import { constants, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { importPrivateKey } from '../lib/key-formats/crypto-keys';
import { parsePrivateKeyPem } from '../lib/key-formats/pem';
import { signRequest, type SigningKey } from '../lib/kalshi/signer';

export const API_PATH = '/trade-api/v2/api_keys';
const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } as const;

/** The pre-sign text of a real request: timestamp(ms) + METHOD + path. */
export const presign = () => `${Date.now()}GET${API_PATH}`;

/** Signatures per second over n sequential signatures. */
export async function rate(n: number, signOnce: () => unknown): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < n; i++) await signOnce();
  return n / ((performance.now() - start) / 1000);
}

/** node:crypto with a KeyObject parsed once: the fastest Node can do it. */
export function nodeKeyObjectSigner(pem: string): () => Buffer {
  const key: KeyObject = createPrivateKey(pem);
  return () => sign('sha256', Buffer.from(presign()), { key, ...PSS });
}

/**
 * The kalshi-typescript SDK's approach, reimplemented (the SDK itself is not installed):
 * every request parses the PEM again, signs with RSA-PSS, salt 32, and builds the headers.
 */
export function sdkStyleSigner(keyId: string, pem: string): () => Record<string, string> {
  return () => {
    const timestamp = Date.now().toString();
    const key = createPrivateKey({ key: pem, format: 'pem' });
    const signature = sign('sha256', Buffer.from(timestamp + 'GET' + API_PATH, 'utf-8'), { key, ...PSS });
    return { 'KALSHI-ACCESS-KEY': keyId, 'KALSHI-ACCESS-SIGNATURE': signature.toString('base64'), 'KALSHI-ACCESS-TIMESTAMP': timestamp };
  };
}

/** Our signer, as the extension runs it: a non-extractable CryptoKey imported once. */
export async function ourSigner(keyId: string, pem: string): Promise<() => Promise<unknown>> {
  const parsed = parsePrivateKeyPem(pem);
  const key: SigningKey = { keyId, algorithm: parsed.algorithm, privateKey: await importPrivateKey(parsed) };
  return () => signRequest(key, 'GET', API_PATH, Date.now());
}

/**
 * Node KeyObject signing in a child process with OpenSSL's AVX-512 IFMA code paths turned off
 * (OPENSSL_ia32cap clears CPUID.7 EBX bit 21). On CPUs that have IFMA, OpenSSL 3 signs RSA-2048
 * about twice as fast as BoringSSL (Chromium), which has no such path: this shows Node on equal terms.
 */
export function nodeRateWithoutIfma(pem: string, n: number): number {
  const code = `
    const c = require('node:crypto');
    const o = { key: c.createPrivateKey(process.env.BENCH_PEM), padding: c.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
    const one = () => c.sign('sha256', Buffer.from(Date.now() + 'GET${API_PATH}'), o);
    for (let i = 0; i < 30; i++) one();
    const n = Number(process.env.BENCH_N), t = performance.now();
    for (let i = 0; i < n; i++) one();
    console.log(n / ((performance.now() - t) / 1000));`;
  const out = execFileSync(process.execPath, ['-e', code], {
    env: { ...process.env, OPENSSL_ia32cap: ':~0x200000', BENCH_PEM: pem, BENCH_N: String(n) },
    encoding: 'utf8',
  });
  return Number(out.trim());
}
