/**
 * Hostile input, as property tests: whatever text reaches the key parser, the answer is a typed
 * error or a properly parsed key that WebCrypto imports.
 */
import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../lib/shared/errors';
import { readPrivateKey } from '../../lib/key-formats/private-key-input';
import { importPrivateKey } from '../../lib/key-formats/crypto-keys';
import { parsePrivateKeyPem } from '../../lib/key-formats/pem';
import { RUNS, ed, encrypted, exp, rsa } from '../helpers/hostile-fixtures';

// ---- Key text ------------------------------------------------------------------

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const bodies: Array<{ label: string; der: Buffer }> = [
  { label: 'RSA PRIVATE KEY', der: exp(rsa.privateKey, 'pkcs1', 'der') as Buffer },
  { label: 'PRIVATE KEY', der: exp(rsa.privateKey, 'pkcs8', 'der') as Buffer },
  { label: 'PRIVATE KEY', der: exp(ed.privateKey, 'pkcs8', 'der') as Buffer },
  { label: 'EC PRIVATE KEY', der: exp(ec.privateKey, 'sec1', 'der') as Buffer },
  { label: 'PUBLIC KEY', der: rsa.publicKey.export({ type: 'spki', format: 'der' }) as Buffer },
];
const LABELS = [
  'RSA PRIVATE KEY',
  'PRIVATE KEY',
  'ENCRYPTED PRIVATE KEY',
  'PUBLIC KEY',
  'CERTIFICATE',
  'EC PRIVATE KEY',
  'OPENSSH PRIVATE KEY',
  'X',
];

const pem = (label: string, der: Uint8Array, eol = '\n') =>
  `-----BEGIN ${label}-----${eol}${(
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? []
  ).join(eol)}${eol}-----END ${label}-----${eol}`;

/** A valid body with a few bytes changed, cut short, or grown. */
const mutatedDer = fc
  .tuple(
    fc.constantFrom(...bodies),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
    fc.option(fc.nat(), { nil: undefined }),
  )
  .map(([{ label, der }, flips, cut]) => {
    const bytes = Buffer.from(der);
    for (const [at, value] of flips) bytes[at % bytes.length] = value;
    return { label, der: cut === undefined ? bytes : bytes.subarray(0, cut % (bytes.length + 1)) };
  });

const keyText = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 300 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(mutatedDer, fc.constantFrom(...LABELS), fc.boolean(), fc.constantFrom('\n', '\r\n', ' '))
      .map(([m, l, keep, eol]) => pem(keep ? m.label : l, m.der, eol)),
  },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...LABELS), fc.uint8Array({ maxLength: 400 })).map(([l, b]) => pem(l, b)) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.nat(), fc.integer({ min: 0x20, max: 0x7e })).map(([at, ch]) => {
      // A character of the encrypted key's text changed (never its iteration count on purpose).
      const i = at % encrypted.length;
      return encrypted.slice(0, i) + String.fromCharCode(ch) + encrypted.slice(i + 1);
    }),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.string({ maxLength: 50 }), fc.constantFrom(...bodies), fc.string({ maxLength: 50 }))
      .map(([a, b, c]) => a + pem(b.label, b.der) + c),
  },
);

describe('the private key parser meets hostile text', () => {
  it(`readPrivateKey: only a parsed key or an AppError, never a crash (${RUNS} cases)`, async () => {
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(keyText, fc.option(fc.string({ maxLength: 20 }), { nil: undefined }), async (text, passphrase) => {
        const outcome = await readPrivateKey(text, passphrase).then(
          (parsed) => {
            expect(['RSA-PSS', 'Ed25519']).toContain(parsed.algorithm);
            expect(parsed.pkcs8).toBeInstanceOf(Uint8Array);
            return 'parsed';
          },
          (error: unknown) => {
            expect(error).toBeInstanceOf(AppError);
            expect((error as AppError).code).not.toBe('internal');
            return (error as AppError).code;
          },
        );
        seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
      }),
      { numRuns: RUNS },
    );
    if (process.env.RELIABILITY_STATS) console.log(JSON.stringify({ readPrivateKey: Object.fromEntries(seen) }));
    // The generator reaches deep: keys that parse, and most of the refusals.
    expect(seen.get('parsed')).toBeGreaterThan(10);
    expect([...seen.keys()]).toEqual(
      expect.arrayContaining(['not_pem', 'malformed_key', 'public_key_given', 'unsupported_key_type', 'passphrase_required']),
    );
  });

  it('what the parser accepts is a key WebCrypto imports, or an import error in words', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedDer, async (m) => {
        let parsed;
        try {
          parsed = parsePrivateKeyPem(pem(m.label, m.der));
        } catch (e) {
          expect(e).toBeInstanceOf(AppError);
          return;
        }
        await importPrivateKey(parsed).then(
          (key) => expect(key.extractable).toBe(false),
          (e: unknown) => expect((e as AppError).code).toBe('malformed_key'),
        );
      }),
      { numRuns: 2_000 },
    );
  });
});
