/**
 * Signing under Node: node:crypto with a parsed KeyObject, the official kalshi-typescript
 * SDK's way (re-parse the PEM on every request), and our signer (lib/signer.ts with a
 * CryptoKey imported once through lib/pem.ts + lib/crypto-keys.ts).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants, createPrivateKey, sign } from 'node:crypto';
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

/** What decides Node's RSA speed here: the OpenSSL version and whether the CPU has AVX-512 IFMA. */
export function cpuAndOpenssl(): string {
  let flags = '';
  try {
    flags = readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1] ?? '';
  } catch {
    flags = '(no /proc/cpuinfo)';
  }
  const has = (flag: string) => (flags.split(/\s+/).includes(flag) ? flag : `no ${flag}`);
  return `OpenSSL ${process.versions.openssl}; CPU ${has('avx512ifma')}, ${has('avx512f')}, ${has('avx2')}`;
}

/**
 * Node KeyObject signing in a child process, the same script with and without OpenSSL's AVX-512
 * IFMA code paths (OPENSSL_ia32cap clears CPUID.7 EBX bit 21; read at start, hence two children).
 * On CPUs that have IFMA, OpenSSL 3 signs RSA-2048 about twice as fast as BoringSSL (Chromium),
 * which has no such path: with it off, Node is on equal terms with the worker.
 */
export function nodeRateInChild(pem: string, n: number, { ifma }: { ifma: boolean }): number {
  const code = `
    const c = require('node:crypto');
    const o = { key: c.createPrivateKey(process.env.BENCH_PEM), padding: c.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
    const one = () => c.sign('sha256', Buffer.from(Date.now() + 'GET${API_PATH}'), o);
    for (let i = 0; i < 30; i++) one();
    const n = Number(process.env.BENCH_N), t = performance.now();
    for (let i = 0; i < n; i++) one();
    console.log(n / ((performance.now() - t) / 1000));`;
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_PEM: pem, BENCH_N: String(n) };
  if (ifma) delete env.OPENSSL_ia32cap;
  else env.OPENSSL_ia32cap = ':~0x200000';
  return Number(execFileSync(process.execPath, ['-e', code], { env, encoding: 'utf8' }).trim());
}
