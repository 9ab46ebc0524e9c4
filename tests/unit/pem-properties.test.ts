/** PEM/DER import, as property tests: only a key or an AppError ever comes out, and reformatting changes nothing. */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { parsePrivateKeyPem, type ParsedPrivateKey } from '../../lib/key-formats/pem';
import { pkcs8ToPem } from '../../lib/key-formats/pem-write';
import {
  bodyOf,
  der,
  edPkcs8Der,
  edPkcs8Pem,
  edV1Der,
  isKnownOutcome,
  pem,
  pss,
  rsaPkcs1Der,
  rsaPkcs1Pem,
  rsaPkcs8Der,
  tlv,
} from '../helpers/pem-fixtures';

// ---- Properties -----------------------------------------------------------------------------------

describe('properties: only a key or an AppError ever comes out', () => {
  const LABELS = [
    'PRIVATE KEY',
    'RSA PRIVATE KEY',
    'ENCRYPTED PRIVATE KEY',
    'EC PRIVATE KEY',
    'PUBLIC KEY',
    'RSA PUBLIC KEY',
    'CERTIFICATE',
    'CERTIFICATE REQUEST',
    'OPENSSH PRIVATE KEY',
    'X509 CRL',
  ];
  const label = fc.oneof(fc.constantFrom(...LABELS), fc.stringMatching(/^[A-Z0-9][A-Z0-9 ]{0,20}[A-Z0-9]$/));
  /** Characters that steer random text into the parser's interesting paths. */
  const pemish = fc.string({
    unit: fc.constantFrom(...'-----BEGIN END PRIVATE KEY RSA\n\r\t :,Proc-Type4ENCRYPTEDMIIBAa+/=\\n'.split('')),
    maxLength: 300,
  });

  it('arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 400 }), pemish), (text) =>
        isKnownOutcome(() => parsePrivateKeyPem(text)),
      ),
      { numRuns: 3000 },
    );
  });

  it('arbitrary bytes in a valid PEM frame with random labels', () => {
    fc.assert(
      fc.property(label, fc.uint8Array({ maxLength: 600 }), (l, bytes) => isKnownOutcome(() => parsePrivateKeyPem(pem(l, bytes)))),
      { numRuns: 2000 },
    );
  });

  it('random well-formed DER trees in a PEM frame (reaches the structure checks)', () => {
    const { node } = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.tuple(fc.constantFrom(0x02, 0x03, 0x04, 0x05, 0x06, 0x81), fc.uint8Array({ maxLength: 40 })).map(([t, v]) => tlv(t, v)),
        fc.constantFrom(
          Buffer.from('020100', 'hex'),
          Buffer.from('020101', 'hex'),
          Buffer.from('06032b6570', 'hex'),
          Buffer.from('06092a864886f70d010101', 'hex'),
          Buffer.from('06072a8648ce3d0201', 'hex'),
        ),
        fc
          .tuple(fc.constantFrom(0x30, 0xa0, 0xa1), fc.array(tie('node'), { maxLength: 5 }))
          .map(([t, kids]) => tlv(t, Buffer.concat(kids as Buffer[]))),
      ),
    }));
    fc.assert(
      fc.property(label, node, (l, tree) => isKnownOutcome(() => parsePrivateKeyPem(pem(l, tree as Buffer)))),
      { numRuns: 2000 },
    );
  });

  const validDers = [rsaPkcs1Der, rsaPkcs8Der, edPkcs8Der, edV1Der, der(pss.privateKey, 'pkcs8')];

  it('single-byte mutations of valid keys', () => {
    fc.assert(
      fc.property(fc.constantFrom(...validDers), fc.nat(), fc.integer({ min: 0, max: 255 }), label, (base, at, value, l) => {
        const mutated = Buffer.from(base);
        mutated[at % mutated.length] = value;
        return isKnownOutcome(() => parsePrivateKeyPem(pem(l, mutated)));
      }),
      { numRuns: 3000 },
    );
  });

  it('truncations of valid keys (as PEM and as bare base64)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...validDers), fc.nat(), fc.boolean(), (base, cut, bare) => {
        const truncated = base.subarray(0, cut % base.length);
        const text = bare ? truncated.toString('base64') : pem('PRIVATE KEY', truncated);
        return isKnownOutcome(() => parsePrivateKeyPem(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('whatever parses re-parses to the same key (idempotent canonical PKCS#8)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...validDers), fc.nat(), fc.integer({ min: 0, max: 255 }), (base, at, value) => {
        const mutated = Buffer.from(base);
        mutated[at % mutated.length] = value;
        let parsed: ParsedPrivateKey;
        try {
          parsed = parsePrivateKeyPem(pem('PRIVATE KEY', mutated));
        } catch {
          return true;
        }
        const again = parsePrivateKeyPem(pkcs8ToPem(parsed.pkcs8));
        return Buffer.from(again.pkcs8).equals(Buffer.from(parsed.pkcs8)) && again.algorithm === parsed.algorithm;
      }),
      { numRuns: 2000 },
    );
  });
});

describe('property: reformatting the base64 body changes nothing', () => {
  const reformat = fc.record({
    width: fc.integer({ min: 1, max: 120 }),
    eol: fc.constantFrom('\n', '\r\n', '\r'),
    indent: fc.constantFrom('', ' ', '\t', '  \t'),
    blankEvery: fc.integer({ min: 0, max: 5 }),
    spaces: fc.array(fc.nat(), { maxLength: 8 }),
    lead: fc.constantFrom('', '\n', '  \r\n', 'note:\n'),
    trail: fc.constantFrom('', '\n', '\r\n\r\n', '  '),
  });

  it.each([
    { name: 'RSA PKCS#1', text: rsaPkcs1Pem, label: 'RSA PRIVATE KEY' },
    { name: 'Ed25519 PKCS#8', text: edPkcs8Pem, label: 'PRIVATE KEY' },
  ])('$name', ({ text, label }) => {
    const baseline = parsePrivateKeyPem(text);
    const body = bodyOf(text);
    fc.assert(
      fc.property(reformat, ({ width, eol, indent, blankEvery, spaces, lead, trail }) => {
        let b = body;
        for (const s of spaces) {
          const at = s % (b.length + 1);
          b = `${b.slice(0, at)} ${b.slice(at)}`;
        }
        const lines = b.match(new RegExp(`.{1,${width}}`, 'g')) ?? [];
        const spaced = lines.flatMap((line, i) => (blankEvery && i % blankEvery === 0 ? ['', indent + line] : [indent + line]));
        const out = `${lead}-----BEGIN ${label}-----${eol}${spaced.join(eol)}${eol}-----END ${label}-----${trail}`;
        const parsed = parsePrivateKeyPem(out);
        return Buffer.from(parsed.pkcs8).equals(Buffer.from(baseline.pkcs8)) && parsed.format === baseline.format;
      }),
      { numRuns: 1000 },
    );
  });
});
