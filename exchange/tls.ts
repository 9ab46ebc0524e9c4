/**
 * The sandbox's TLS identity: one self-signed certificate naming all four Kalshi hosts
 * (plus localhost / 127.0.0.1), so a browser started with --host-resolver-rules can reach
 * the sandbox under the real host names. Made once with the openssl CLI and cached.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The repository root (this file lives in <repo>/exchange). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SANDBOX_DIR = join(REPO_ROOT, '.sandbox');
export const DEFAULT_TLS_DIR = join(SANDBOX_DIR, 'tls');

export const CERT_HOSTS = [
  'external-api.kalshi.com',
  'api.elections.kalshi.com',
  'external-api.demo.kalshi.co',
  'demo-api.kalshi.co',
  'localhost',
] as const;

export interface TlsMaterial {
  cert: string;
  key: string;
  certPath: string;
  keyPath: string;
}

async function readPair(dir: string): Promise<TlsMaterial | null> {
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  try {
    const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    if (!cert.includes('BEGIN CERTIFICATE') || !key.includes('PRIVATE KEY')) return null;
    return { cert, key, certPath, keyPath };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Returns the certificate + key in `tlsDir`, making them first if needed.
 *
 * Race safety: both files are written into a private temporary directory next to
 * `tlsDir`, which is then renamed onto `tlsDir` in one step. The rename fails if another
 * process got there first (the directory is then non-empty); we drop ours and use theirs.
 * Renaming the directory (not the two files one by one) guarantees cert and key always
 * belong together.
 */
export async function ensureTls(tlsDir: string = DEFAULT_TLS_DIR): Promise<TlsMaterial> {
  const existing = await readPair(tlsDir);
  if (existing) return existing;

  const parent = dirname(tlsDir);
  await mkdir(parent, { recursive: true });
  const tmp = join(parent, `.tls-tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  await mkdir(tmp, { mode: 0o700 });
  try {
    const san = [...CERT_HOSTS.map((h) => `DNS:${h}`), 'IP:127.0.0.1'].join(',');
    await execFileAsync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '3650',
        '-subj',
        '/CN=kalshi-sandbox',
        '-addext',
        `subjectAltName=${san}`,
        '-keyout',
        join(tmp, 'key.pem'),
        '-out',
        join(tmp, 'cert.pem'),
      ],
      { timeout: 60_000 },
    );
    try {
      await rename(tmp, tlsDir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Someone else's directory is already in place: fine, use theirs below.
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && String((err as Error).message).includes('openssl')) {
      throw new Error('the `openssl` command is needed to make the sandbox TLS certificate, and was not found');
    }
    throw err;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }

  const made = await readPair(tlsDir);
  if (!made) {
    throw new Error(`${tlsDir} exists but holds no cert.pem/key.pem pair: delete it and start again`);
  }
  return made;
}
