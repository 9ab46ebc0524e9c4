/** Encrypted PKCS#8, fuzzed: damaged input and random passphrases give a key or an AppError, nothing else. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError, isErrorCode } from '../../lib/shared/errors';
import { decryptPrivateKeyPem, isEncryptedPrivateKeyPem } from '../../lib/key-formats/pbes2';
import { readPrivateKey } from '../../lib/key-formats/private-key-input';
import { PASS, derOf, ed, opensslEncrypted, pem, rsa } from '../helpers/pbes2-fixtures';

// ---- Property: damaged input never escapes as anything but an AppError ------------------------

describe('fuzzing', () => {
  const bases = [
    derOf(opensslEncrypted(ed.privateKey, ['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA256', '-iter', '1'])),
    derOf(opensslEncrypted(ed.privateKey, ['-v2', 'aes-128-cbc', '-v2prf', 'hmacWithSHA1', '-iter', '1'])),
    derOf(opensslEncrypted(rsa.privateKey, ['-v2', 'aes-256-cbc', '-iter', '1'])),
  ];
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('xor' as const), at: fc.nat(), value: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  );
  type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;
  function mutate(base: Buffer, mutations: Mutation[]): Buffer {
    let b = Buffer.from(base);
    for (const m of mutations) {
      const at = m.at % Math.max(b.length, 1);
      if (m.kind === 'set' && b.length > 0) b[at] = m.value;
      else if (m.kind === 'xor' && b.length > 0) b[at] = b[at]! ^ m.value;
      else if (m.kind === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from([m.value]), b.subarray(at)]);
      else if (m.kind === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]);
      else if (m.kind === 'truncate') b = b.subarray(0, at);
    }
    return b;
  }
  const passphrase = fc.oneof(
    fc.constant(PASS),
    fc.constant(PASS),
    fc.constant(''),
    fc.constant(undefined),
    fc.string({ maxLength: 30 }),
    fc.string({ unit: 'binary', maxLength: 30 }),
  );
  const wrap = fc.constantFrom(
    (der: Buffer) => pem('ENCRYPTED PRIVATE KEY', der),
    (der: Buffer) => pem('PRIVATE KEY', der),
    (der: Buffer) => der.toString('base64'),
  );

  it('mutated/truncated encrypted DER with random passphrases: a key or an AppError, nothing else', async () => {
    let keys = 0;
    const codes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...bases),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        passphrase,
        wrap,
        async (base, mutations, pass, toText) => {
          const text = toText(mutate(base, mutations));
          expect(typeof isEncryptedPrivateKeyPem(text)).toBe('boolean');
          for (const attempt of [() => readPrivateKey(text, pass), () => decryptPrivateKeyPem(text, pass as string)]) {
            try {
              const out = await attempt();
              if (out instanceof Uint8Array) expect(out.length).toBeGreaterThan(0);
              else {
                expect(['RSA-PSS', 'Ed25519']).toContain(out.algorithm);
                keys++;
              }
            } catch (e) {
              if (!(e instanceof AppError) || !isErrorCode(e.code)) throw new Error(`escaped: ${String(e)}`);
              codes.add(e.code);
            }
          }
        },
      ),
      { numRuns: 1500 },
    );
    // The fuzzing reached the decryption, not only the DER reader.
    expect(codes.has('wrong_passphrase') || keys > 0).toBe(true);
    expect(codes.has('malformed_key')).toBe(true);
  }, 180_000);

  it('random passphrases on an intact key: a key only with the right one, otherwise a known AppError', async () => {
    const text = pem('ENCRYPTED PRIVATE KEY', bases[0]!);
    await fc.assert(
      fc.asyncProperty(passphrase, async (pass) => {
        try {
          const parsed = await readPrivateKey(text, pass);
          expect(pass).toBe(PASS);
          expect(parsed.algorithm).toBe('Ed25519');
        } catch (e) {
          expect(e).toBeInstanceOf(AppError);
          expect((e as AppError).code).toBe(pass === '' || pass === undefined ? 'passphrase_required' : 'wrong_passphrase');
        }
      }),
      { numRuns: 1000 },
    );
  }, 120_000);
});
