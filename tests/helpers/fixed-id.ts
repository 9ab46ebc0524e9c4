/**
 * The built extension with a fixed id, as native messaging needs (the agent's host manifest names
 * the one extension allowed to start it): a copy of the production build whose manifest gains a
 * `key`, the public half of an RSA key made now (a test key, thrown away). Every other byte is the
 * build's. Chromium derives the id from that key: SHA-256 of its DER, first 32 hex digits as a–p.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function withFixedId(buildDir: string): { dir: string; id: string } {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const id = [...createHash('sha256').update(der).digest('hex').slice(0, 32)]
    .map((digit) => String.fromCharCode('a'.charCodeAt(0) + parseInt(digit, 16)))
    .join('');
  const dir = join(mkdtempSync(join(tmpdir(), 'kkm-fixed-id-')), 'extension');
  cpSync(buildDir, dir, { recursive: true });
  const manifestPath = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
  writeFileSync(manifestPath, JSON.stringify({ ...manifest, key: der.toString('base64') }));
  return { dir, id };
}
