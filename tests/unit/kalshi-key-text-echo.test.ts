/**
 * Never echo input in errors: whatever key text is pasted, no error's `detail` (shown on the page)
 * holds a run of it. Real keys made at test time with node:crypto, then mangled the ways pastes go
 * wrong, and random key-like text.
 */
import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parsePrivateKeyPem } from '../../lib/key-formats/pem';
import { readPrivateKey } from '../../lib/key-formats/private-key-input';
import { AppError } from '../../lib/shared/errors';

/** Longest run of the input a detail may hold. */
const RUN = 16;
let keys: string[] = [];

beforeAll(() => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ed = generateKeyPairSync('ed25519');
  keys = [
    rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string,
    rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    ed.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    ed.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pass phrase' }) as string,
    rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string,
    rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string,
  ];
});

/** The first run of RUN characters of `input` found in `detail` (case ignored), if any. */
function echoIn(detail: string | undefined, input: string): string | undefined {
  if (detail === undefined) return undefined;
  const haystack = input.toLowerCase();
  const needle = detail.toLowerCase();
  for (let i = 0; i + RUN <= needle.length; i++) {
    if (haystack.includes(needle.slice(i, i + RUN))) return detail.slice(i, i + RUN);
  }
  return undefined;
}

async function errorsFor(text: string, passphrase?: string): Promise<AppError[]> {
  const errors: AppError[] = [];
  try {
    parsePrivateKeyPem(text);
  } catch (e) {
    errors.push(e as AppError);
  }
  await readPrivateKey(text, passphrase).catch((e: unknown) => errors.push(e as AppError));
  for (const error of errors) expect(error).toBeInstanceOf(AppError);
  return errors;
}

const body = (pem: string) =>
  pem
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('-----'))
    .join('');
const labelOf = (pem: string) => /-----BEGIN ([^-]+)-----/.exec(pem)![1]!;

describe('a one-line PEM whose BEGIN line lost its dashes', () => {
  it.each([
    ['no dashes at all', (l: string, b: string) => `BEGIN ${l} ${b} END ${l}`],
    ['BEGIN line without its closing dashes', (l: string, b: string) => `-----BEGIN ${l} ${b} -----END ${l}-----`],
    ['BEGIN line without its closing dashes, no END', (l: string, b: string) => `-----BEGIN ${l} ${b}-----`],
    ['END line without its opening dashes', (l: string, b: string) => `-----BEGIN ${l}----- ${b} END ${l}-----`],
    [
      'newlines kept, closing dashes lost',
      (l: string, b: string) => `-----BEGIN ${l}\n${b.match(/.{1,64}/g)!.join('\n')}\n-----END ${l}-----`,
    ],
  ])('%s: an error, and its detail holds no part of the key', async (_, make) => {
    for (const pem of keys) {
      const text = make(labelOf(pem), body(pem));
      for (const error of await errorsFor(text, 'pass phrase')) {
        expect(echoIn(error.detail, text), `${error.code}: ${error.detail}`).toBeUndefined();
        expect(error.detail ?? '').not.toMatch(/MII/i);
      }
    }
  });
});

/** Ways a paste goes wrong, applied to a real key. */
const mangle = fc.oneof(
  fc.constant((pem: string) => pem.replace(/\n/g, ' ')),
  fc.constant((pem: string) => pem.replace(/-----(\n|$)/, ' ')),
  fc.constant((pem: string) => pem.replace(/-/g, '')),
  fc.constant((pem: string) => pem.replace(/-----END[^\n]*/, '')),
  fc.constant((pem: string) => pem.replace(/-----BEGIN[^\n]*/, '')),
  fc.constant((pem: string) => pem.replace(/END [A-Z ]+/, 'END CERTIFICATE')),
  fc.constant((pem: string) => pem.toLowerCase()),
  fc.constant((pem: string) => pem.replace(/\n/g, '\\n')),
  fc.constant((pem: string) => Buffer.from(pem).toString('base64')),
  fc.string({ maxLength: 40 }).map((label) => (pem: string) => pem.replace(/(BEGIN|END) [^-\n]+/g, `$1 ${label}`)),
  fc.nat().map((n) => (pem: string) => pem.slice(0, n % pem.length)),
  fc.nat().map((n) => (pem: string) => pem.slice(n % pem.length)),
  fc.tuple(fc.nat(), fc.string({ minLength: 1, maxLength: 8, unit: 'binary-ascii' })).map(
    ([n, junk]) =>
      (pem: string) =>
        pem.slice(0, n % pem.length) + junk + pem.slice((n % pem.length) + junk.length),
  ),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => (pem: string) => {
    const [i, j] = [a % pem.length, b % pem.length].sort((x, y) => x - y);
    return pem.slice(0, i!) + pem.slice(j!);
  }),
);

/** Key-like text with no key inside: base64 runs, labels, dashes. */
const keyLike = fc
  .array(
    fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9+/=]{0,120}$/),
      fc.constantFrom('-----', '-----BEGIN ', '-----END ', 'BEGIN ', 'END ', ' PRIVATE KEY', 'RSA ', 'ENCRYPTED ', '\n', ' ', '\\n'),
      fc.string({ maxLength: 30 }),
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(''));

describe('property: no error detail holds 16 characters of the input', () => {
  it('real keys, mangled once or twice', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(mangle, { minLength: 1, maxLength: 2 }), async (pick, steps) => {
        const text = steps.reduce((t, step) => (t === '' ? t : step(t)), keys[pick % keys.length]!);
        for (const error of await errorsFor(text, 'pass phrase')) {
          expect(echoIn(error.detail, text), `${error.code}: ${error.detail}`).toBeUndefined();
        }
      }),
      { numRuns: 1_500 },
    );
  });

  it('key-like text', async () => {
    await fc.assert(
      fc.asyncProperty(keyLike, async (text) => {
        for (const error of await errorsFor(text)) {
          expect(echoIn(error.detail, text), `${error.code}: ${error.detail}`).toBeUndefined();
        }
      }),
      { numRuns: 3_000 },
    );
  });

  it('details still say what is wrong, in our words', async () => {
    const [pkcs1] = keys;
    const [noEnd] = await errorsFor(pkcs1!.replace(/-----END[^\n]*\n/, ''));
    expect(noEnd).toMatchObject({ code: 'malformed_key', detail: 'a BEGIN line (PKCS#1 RSA key) has no END line' });
    const [mismatch] = await errorsFor(pkcs1!.replace('END RSA PRIVATE KEY', 'END PRIVATE KEY'));
    expect(mismatch!.detail).toBe('the BEGIN line (PKCS#1 RSA key) does not match the END line (PKCS#8 key)');
    const [odd] = await errorsFor('-----BEGIN MY SECRET THING-----\n-----END MY SECRET THING-----\n');
    expect(odd).toMatchObject({ code: 'malformed_key', detail: 'the block (unknown label) is empty' });
  });
});
