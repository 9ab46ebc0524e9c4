/**
 * The built extension with a fixed id, as native messaging needs (the agent's host manifest names
 * the one extension allowed to start it) and as an update needs (a new version replaces the old one
 * only under the same id): a copy of the production build whose manifest gains a `key`, the public
 * half of an RSA key made now (a test key, thrown away). Every other byte is the build's. Chromium
 * derives the id from that key: SHA-256 of its DER, first 32 hex digits as a–p.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A manifest `key` (base64 SPKI DER, made now, a test key) and the extension id Chromium derives from it. */
export interface ManifestKey {
  key: string;
  id: string;
}

export function makeManifestKey(): ManifestKey {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const id = [...createHash('sha256').update(der).digest('hex').slice(0, 32)]
    .map((digit) => String.fromCharCode('a'.charCodeAt(0) + parseInt(digit, 16)))
    .join('');
  return { key: der.toString('base64'), id };
}

/** Copies `buildDir` into `dir` (emptied first: no file of an earlier build stays) with `key` in its manifest. */
export function copyWithKey(buildDir: string, dir: string, { key }: ManifestKey): void {
  rmSync(dir, { recursive: true, force: true });
  cpSync(buildDir, dir, { recursive: true });
  const manifestPath = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
  writeFileSync(manifestPath, JSON.stringify({ ...manifest, key }));
}

/** A copy of `buildDir` in a new temporary directory, under `key` (a new one unless given: pass the same to update in place). */
export function withFixedId(buildDir: string, key: ManifestKey = makeManifestKey()): { dir: string; id: string } {
  const dir = join(mkdtempSync(join(tmpdir(), 'kkm-fixed-id-')), 'extension');
  copyWithKey(buildDir, dir, key);
  return { dir, id: key.id };
}
