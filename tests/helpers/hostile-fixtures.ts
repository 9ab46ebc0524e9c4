/** Shared by the hostile-*.test.ts files: the number of cases per property, and keys made at test time. */
import { generateKeyPairSync } from 'node:crypto';

export const RUNS = 10_000;

export const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const ed = generateKeyPairSync('ed25519');
export const exp = (k: typeof rsa.privateKey, type: 'pkcs1' | 'pkcs8' | 'sec1', format: 'pem' | 'der') =>
  k.export({ type, format } as never) as string | Buffer;
/** A small encrypted key: 1 000 PBKDF2 iterations keeps mutated variants fast. */
export const encrypted = ed.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }) as string;
