/**
 * Never echo input in errors: whatever key text is pasted, nothing an error carries (its message,
 * its `detail` shown on the page, Kalshi's words, and all of that down its `cause` chain) holds 12
 * characters of it in a row (spaces and case ignored, as a re-wrapped paste moves them). Real keys
 * made at test time with node:crypto, then mangled the ways pastes go wrong, and random key-like
 * text. The hint is not checked: it is our fixed words for the code, never built from input.
 */
import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parsePrivateKeyPem } from '../../lib/key-formats/pem';
import { readPrivateKey } from '../../lib/key-formats/private-key-input';
import { withoutEcho } from '../../lib/key-formats/pem-text';
import { AppError } from '../../lib/shared/errors';

/** No run of this many characters of the input may come out (lib/key-formats/pem-text.ts ECHO_RUN, fixed here). */
const RUN = 12;
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

/** Every text an error carries: message, detail and Kalshi's words, then the same for each cause down the chain. */
function textsOf(error: unknown): string[] {
  const texts: string[] = [];
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < 20; e = (e as { cause?: unknown }).cause, depth++) {
    if (!(e instanceof Error)) {
      texts.push(typeof e === 'string' ? e : String(JSON.stringify(e)));
      break;
    }
    texts.push(e.message);
    if (e instanceof AppError) texts.push(...[e.detail, e.said].filter((t) => t !== undefined));
  }
  return texts;
}

/** Text as a run is counted: spaces (zero-width ones too) and escaped line breaks gone, case ignored. */
const fold = (text: string) =>
  text
    .replace(/\\[rn]/g, '')
    .replace(/[\s\u200b-\u200d\u2060\ufeff]+/g, '')
    .toLowerCase();

/** The first run of RUN characters of `input` found in anything `error` carries, if any. */
function echoIn(error: unknown, input: string): string | undefined {
  const haystack = fold(input);
  for (const text of textsOf(error)) {
    const needle = fold(text);
    for (let i = 0; i + RUN <= needle.length; i++) {
      if (haystack.includes(needle.slice(i, i + RUN))) return `“${needle.slice(i, i + RUN)}” in “${text}”`;
    }
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
        expect(echoIn(error, text), error.code).toBeUndefined();
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

describe('property: no error carries 12 characters of the input', () => {
  it('real keys, mangled once or twice', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(mangle, { minLength: 1, maxLength: 2 }), async (pick, steps) => {
        const text = steps.reduce((t, step) => (t === '' ? t : step(t)), keys[pick % keys.length]!);
        for (const error of await errorsFor(text, 'pass phrase')) {
          expect(echoIn(error, text), error.code).toBeUndefined();
        }
      }),
      { numRuns: 1_500 },
    );
  });

  it('key-like text', async () => {
    await fc.assert(
      fc.asyncProperty(keyLike, async (text) => {
        for (const error of await errorsFor(text)) {
          expect(echoIn(error, text), error.code).toBeUndefined();
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

describe('an error that would echo the input loses what echoes, cause included', () => {
  it('a paste holding our own words: the detail goes, and no cause keeps it', async () => {
    const [pkcs1] = keys;
    const text = `${pkcs1!.replace(/-----END[^\n]*\n/, '')}\na BEGIN line (PKCS#1 RSA key) has no END line`;
    const errors = await errorsFor(text);
    expect(errors).toHaveLength(2);
    for (const error of errors) {
      expect(error).toMatchObject({ code: 'malformed_key', detail: undefined });
      expect(error.cause).toBeUndefined();
      expect(echoIn(error, text), error.code).toBeUndefined();
    }
  });

  it('a paste holding exactly 12 characters of our words in a row: the detail goes', async () => {
    const [pkcs1] = keys;
    // The detail says "(PKCS#1 RSA key) has no END line"; the paste holds "RSA key) has no", 12 characters without spaces, and no 13.
    const text = `${pkcs1!.replace(/-----END[^\n]*\n/, '')}\nx RSA key) has no x`;
    const errors = await errorsFor(text);
    expect(errors).toHaveLength(2);
    for (const error of errors) {
      expect(error).toMatchObject({ code: 'malformed_key', detail: undefined });
      expect(echoIn(error, text), error.code).toBeUndefined();
    }
  });

  it.each([
    ['an Error', new TypeError('bad character in MIIEvQIBADANBgkqhkiG9w0BAQEFAASC')],
    ['an AppError with the echo in its detail', new AppError('malformed_key', 'near MIIEvQIBADANBgkqhkiG9w0B')],
    ['an AppError with the echo in its words', new AppError('bad_request', undefined, { said: 'MIIEvQIBADANBgkqhkiG9w0B' })],
    ['an echo two causes down', new Error('outer', { cause: new Error('inner MIIEvQIBADANBgkq') })],
    ['a thrown string', 'MIIEvQIBADANBgkqhkiG9w0B'],
  ])('a clean detail with %s as its cause: the detail stays, the cause goes', (_, cause) => {
    const input = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC\n';
    const error = withoutEcho(new AppError('internal', 'unexpected failure while reading a key', { cause }), input);
    expect(error).toMatchObject({ code: 'internal', detail: 'unexpected failure while reading a key' });
    expect(error.cause).toBeUndefined();
    expect(echoIn(error, input)).toBeUndefined();
  });

  it('a cause that echoes nothing is kept, for the console', () => {
    const cause = new TypeError('atob: invalid character');
    const error = new AppError('internal', 'unexpected failure while reading a key', { cause });
    expect(withoutEcho(error, 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC')).toBe(error);
  });
});
