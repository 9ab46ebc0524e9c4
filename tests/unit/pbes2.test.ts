/**
 * Passphrase-protected PKCS#8 (PBES2 = PBKDF2 + AES-CBC). Every key is generated at
 * test time with node:crypto and encrypted by Node's export and by the openssl CLI;
 * none is committed. Decrypted keys are proven right by importing them into WebCrypto
 * (non-extractable), signing, and verifying with node:crypto against the ORIGINAL
 * key's public half.
 */
import { execFileSync } from 'node:child_process';
import { constants, createCipheriv, generateKeyPairSync, pbkdf2Sync, randomBytes, verify, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError, isErrorCode, type ErrorCode } from '../../lib/shared/errors';
import { MAX_PBKDF2_ITERATIONS, decryptPrivateKeyPem, isEncryptedPrivateKeyPem } from '../../lib/key-formats/pbes2';
import { parsePrivateKeyPem, type ParsedPrivateKey } from '../../lib/key-formats/pem';
import { readPrivateKey } from '../../lib/key-formats/private-key-input';

// ---- Keys made now ---------------------------------------------------------------

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ed = generateKeyPairSync('ed25519');
const KEYS = { rsa, ed } as const;
type KeyName = keyof typeof KEYS;

const PASS = 'correct horse battery staple';
const UNICODE_PASS = 'pässwörd🔑';

const pkcs8Der = (key: KeyObject): Buffer => key.export({ type: 'pkcs8', format: 'der' });
const pkcs8Pem = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }) as string;

/** Node's own encrypted export (OpenSSL underneath: PBES2, PBKDF2-HMAC-SHA256, 2048 iterations). */
function nodeEncrypted(key: KeyObject, cipher: string, passphrase = PASS): string {
  return key.export({ type: 'pkcs8', format: 'pem', cipher, passphrase }) as string;
}

/** `openssl pkcs8 -topk8 <args> -passout pass:<passphrase>` on the key's plain PKCS#8 PEM. */
function opensslEncrypted(key: KeyObject, args: string[], passphrase = PASS): string {
  return execFileSync('openssl', ['pkcs8', '-topk8', ...args, '-passout', `pass:${passphrase}`], {
    input: pkcs8Pem(key),
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

// ---- Test-side DER/PEM helpers (independent of lib/der.ts) -------------------------

function tlv(tag: number, content: Uint8Array): Buffer {
  const n = content.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), content]);
}
const seq = (...items: Uint8Array[]): Buffer => tlv(0x30, Buffer.concat(items));
const octets = (b: Uint8Array): Buffer => tlv(0x04, b);
const oid = (hex: string): Buffer => tlv(0x06, Buffer.from(hex, 'hex'));
const NULL = Buffer.from('0500', 'hex');
function int(n: number): Buffer {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  if (bytes.length === 0 || bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

function pem(label: string, body: Uint8Array): string {
  const lines =
    Buffer.from(body)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
const derOf = (text: string): Buffer => Buffer.from(text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');

const OIDS = {
  pbes2: '2a864886f70d01050d',
  pbkdf2: '2a864886f70d01050c',
  hmacWithSHA1: '2a864886f70d0207',
  hmacWithSHA224: '2a864886f70d0208',
  hmacWithSHA256: '2a864886f70d0209',
  aes128cbc: '608648016503040102',
  aes192cbc: '608648016503040116',
  aes256cbc: '60864801650304012a',
};

interface HandMade {
  plain?: Uint8Array; // what gets encrypted (default: the Ed25519 key's PKCS#8)
  passphrase?: string;
  iterations?: number;
  prf?: 'absent' | 'sha1' | 'sha256' | 'sha224';
  keyLength?: number; // written into PBKDF2-params when set
  cipher?: 'aes128cbc' | 'aes256cbc' | 'aes192cbc';
}

/** An EncryptedPrivateKeyInfo built by hand with node:crypto, for the corners the tools never write. */
function handMade(o: HandMade = {}): string {
  const plain = o.plain ?? pkcs8Der(ed.privateKey);
  const iterations = o.iterations ?? 3;
  const prf = o.prf ?? 'sha256';
  const cipher = o.cipher ?? 'aes256cbc';
  const keyBytes = cipher === 'aes128cbc' ? 16 : cipher === 'aes192cbc' ? 24 : 32;
  const salt = randomBytes(8);
  const iv = randomBytes(16);
  let encrypted: Buffer = Buffer.alloc(32); // never decrypted when the cap or PRF is refused
  if (iterations >= 1 && iterations <= 100_000 && prf !== 'sha224') {
    const key = pbkdf2Sync(o.passphrase ?? PASS, salt, iterations, keyBytes, prf === 'sha256' ? 'sha256' : 'sha1');
    const c = createCipheriv(`aes-${keyBytes * 8}-cbc`, key, iv);
    encrypted = Buffer.concat([c.update(plain), c.final()]);
  }
  const prfField =
    prf === 'absent'
      ? []
      : [seq(oid(prf === 'sha1' ? OIDS.hmacWithSHA1 : prf === 'sha256' ? OIDS.hmacWithSHA256 : OIDS.hmacWithSHA224), NULL)];
  const kdfParams = seq(octets(salt), int(iterations), ...(o.keyLength === undefined ? [] : [int(o.keyLength)]), ...prfField);
  const epki = seq(seq(oid(OIDS.pbes2), seq(seq(oid(OIDS.pbkdf2), kdfParams), seq(oid(OIDS[cipher]), octets(iv)))), octets(encrypted));
  return pem('ENCRYPTED PRIVATE KEY', epki);
}

// ---- Helpers ---------------------------------------------------------------------------

const MESSAGE = new TextEncoder().encode('1700000000000GET/trade-api/v2/portfolio/balance');

/** Import as the extension does (non-extractable), sign, verify with node against the original public key. */
async function expectSigns(parsed: ParsedPrivateKey, publicKey: KeyObject): Promise<void> {
  const subtle = globalThis.crypto.subtle;
  if (parsed.algorithm === 'RSA-PSS') {
    const key = await subtle.importKey('pkcs8', parsed.pkcs8, { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['sign']);
    expect(key.extractable).toBe(false);
    const sig = new Uint8Array(await subtle.sign({ name: 'RSA-PSS', saltLength: 32 }, key, MESSAGE));
    const ok = verify('sha256', MESSAGE, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig);
    expect(ok).toBe(true);
  } else {
    const key = await subtle.importKey('pkcs8', parsed.pkcs8, { name: 'Ed25519' }, false, ['sign']);
    expect(key.extractable).toBe(false);
    const sig = new Uint8Array(await subtle.sign({ name: 'Ed25519' }, key, MESSAGE));
    expect(verify(null, MESSAGE, publicKey, sig)).toBe(true);
  }
}

async function rejectionOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected an AppError, but the promise resolved');
}

async function expectCode(promise: Promise<unknown>, code: ErrorCode, detail?: RegExp): Promise<AppError> {
  const error = await rejectionOf(promise);
  expect(error.code).toBe(code);
  if (detail) expect(error.detail).toMatch(detail);
  // Details name structures and algorithms, never key material or the passphrase.
  const info = JSON.stringify(error.toInfo());
  expect(info).not.toMatch(/[A-Za-z0-9+/]{24,}/);
  for (const secret of [PASS, UNICODE_PASS, 'wrong passphrase']) expect(info).not.toContain(secret);
  return error;
}

// ---- Decryptable keys ------------------------------------------------------------------

interface Case {
  name: string;
  key: KeyName;
  make: () => string;
  passphrase?: string;
}

const cases: Case[] = [];
for (const key of ['rsa', 'ed'] as const) {
  cases.push(
    { name: `${key}: Node export aes-256-cbc`, key, make: () => nodeEncrypted(KEYS[key].privateKey, 'aes-256-cbc') },
    { name: `${key}: Node export aes-128-cbc`, key, make: () => nodeEncrypted(KEYS[key].privateKey, 'aes-128-cbc') },
    {
      name: `${key}: openssl -v2 aes-256-cbc -v2prf hmacWithSHA256`,
      key,
      make: () => opensslEncrypted(KEYS[key].privateKey, ['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA256']),
    },
    {
      name: `${key}: openssl -v2 aes-256-cbc -v2prf hmacWithSHA1 (PRF field absent)`,
      key,
      make: () => opensslEncrypted(KEYS[key].privateKey, ['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA1']),
    },
    {
      name: `${key}: openssl -v2 aes-128-cbc -iter 1000`,
      key,
      make: () => opensslEncrypted(KEYS[key].privateKey, ['-v2', 'aes-128-cbc', '-iter', '1000']),
    },
    {
      name: `${key}: openssl -v2prf hmacWithSHA384 -iter 5`,
      key,
      make: () => opensslEncrypted(KEYS[key].privateKey, ['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA384', '-iter', '5']),
    },
    {
      name: `${key}: openssl -v2prf hmacWithSHA512 -iter 5`,
      key,
      make: () => opensslEncrypted(KEYS[key].privateKey, ['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA512', '-iter', '5']),
    },
    {
      name: `${key}: Node export, unicode passphrase`,
      key,
      passphrase: UNICODE_PASS,
      make: () => nodeEncrypted(KEYS[key].privateKey, 'aes-256-cbc', UNICODE_PASS),
    },
    {
      name: `${key}: openssl, unicode passphrase`,
      key,
      passphrase: UNICODE_PASS,
      make: () => opensslEncrypted(KEYS[key].privateKey, ['-v2', 'aes-256-cbc', '-iter', '10'], UNICODE_PASS),
    },
  );
}

describe('decrypting encrypted PKCS#8 keys made by Node and openssl', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const text = c.make();
      expect(text).toContain('BEGIN ENCRYPTED PRIVATE KEY');
      expect(isEncryptedPrivateKeyPem(text)).toBe(true);
      const passphrase = c.passphrase ?? PASS;

      // The decrypted DER is exactly the key's own PKCS#8.
      const der = await decryptPrivateKeyPem(text, passphrase);
      expect(Buffer.from(der).equals(pkcs8Der(KEYS[c.key].privateKey))).toBe(true);

      const parsed = await readPrivateKey(text, passphrase);
      expect(parsed.algorithm).toBe(c.key === 'rsa' ? 'RSA-PSS' : 'Ed25519');
      expect(parsed.format).toBe('pkcs8');
      if (c.key === 'rsa') expect(parsed.modulusBits).toBe(2048);
      await expectSigns(parsed, KEYS[c.key].publicKey);

      await expectCode(readPrivateKey(text, 'wrong passphrase'), 'wrong_passphrase');
      await expectCode(readPrivateKey(text, ''), 'passphrase_required');
      await expectCode(readPrivateKey(text), 'passphrase_required');
    });
  }

  it('openssl -v2prf hmacWithSHA1 really leaves the PRF out (the PBKDF2 default is exercised)', () => {
    const der = derOf(opensslEncrypted(ed.privateKey, ['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA1', '-iter', '2']));
    expect(der.includes(Buffer.from(OIDS.pbkdf2, 'hex'))).toBe(true);
    expect(der.includes(Buffer.from(OIDS.hmacWithSHA1, 'hex'))).toBe(false);
    expect(der.includes(Buffer.from(OIDS.hmacWithSHA256, 'hex'))).toBe(false);
  });

  it('the unicode passphrase is UTF-8 and not normalised: its NFD spelling is wrong', async () => {
    const text = nodeEncrypted(ed.privateKey, 'aes-256-cbc', UNICODE_PASS);
    expect(UNICODE_PASS.normalize('NFD')).not.toBe(UNICODE_PASS);
    await expectCode(readPrivateKey(text, UNICODE_PASS.normalize('NFD')), 'wrong_passphrase');
    await expectSigns(await readPrivateKey(text, UNICODE_PASS), ed.publicKey);
  });

  it('hand-made corners: default PRF, explicit key length, AES-128 with SHA-1', async () => {
    for (const o of [
      { prf: 'absent' },
      { prf: 'sha1', keyLength: 32 },
      { cipher: 'aes128cbc', prf: 'sha1', keyLength: 16 },
      { iterations: 1 },
    ] as HandMade[]) {
      await expectSigns(await readPrivateKey(handMade(o), PASS), ed.publicKey);
    }
  });
});

// ---- How the text may arrive ---------------------------------------------------------------

describe('pasted forms of an encrypted key', () => {
  const encrypted = opensslEncrypted(ed.privateKey, ['-v2', 'aes-256-cbc', '-iter', '3']);
  const forms: [string, string][] = [
    ['mislabelled as PRIVATE KEY', encrypted.replace(/ENCRYPTED /g, '')],
    ['bare base64 of the DER', derOf(encrypted).toString('base64')],
    ['base64 of the whole PEM', Buffer.from(encrypted).toString('base64')],
    ['CRLF line endings and surrounding text', `my key:\r\n${encrypted.replace(/\n/g, '\r\n')}\r\nthanks`],
    ['JSON "\\n" escapes', JSON.stringify(encrypted).slice(1, -1)],
    ['after a public key in a bundle', (rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string) + encrypted],
  ];
  for (const [name, text] of forms) {
    it(name, async () => {
      expect(isEncryptedPrivateKeyPem(text)).toBe(true);
      await expectSigns(await readPrivateKey(text, PASS), ed.publicKey);
      await expectCode(readPrivateKey(text), 'passphrase_required');
    });
  }
});

// ---- Plain keys keep their old path ----------------------------------------------------------

describe('plain keys and other inputs', () => {
  it('plain PKCS#8 and PKCS#1 keys parse exactly as parsePrivateKeyPem does; a passphrase is ignored', async () => {
    for (const text of [
      pkcs8Pem(rsa.privateKey),
      rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string,
      pkcs8Pem(ed.privateKey),
    ]) {
      expect(isEncryptedPrivateKeyPem(text)).toBe(false);
      const expected = parsePrivateKeyPem(text);
      expect(await readPrivateKey(text)).toEqual(expected);
      expect(await readPrivateKey(text, 'unused')).toEqual(expected);
    }
    await expectSigns(await readPrivateKey(pkcs8Pem(rsa.privateKey)), rsa.publicKey);
  });

  it('a plain key mislabelled ENCRYPTED PRIVATE KEY is read as the plain key it is', async () => {
    const text = pem('ENCRYPTED PRIVATE KEY', pkcs8Der(ed.privateKey));
    expect(isEncryptedPrivateKeyPem(text)).toBe(false);
    await expectSigns(await readPrivateKey(text), ed.publicKey);
  });

  it('a plain key bundled with an encrypted one is used without a passphrase, as parsePrivateKeyPem does', async () => {
    const encrypted = nodeEncrypted(ed.privateKey, 'aes-256-cbc');
    for (const text of [pkcs8Pem(rsa.privateKey) + encrypted, encrypted + pkcs8Pem(rsa.privateKey)]) {
      expect(isEncryptedPrivateKeyPem(text)).toBe(true);
      const parsed = await readPrivateKey(text);
      expect(parsed).toEqual(parsePrivateKeyPem(text));
      await expectSigns(parsed, rsa.publicKey);
    }
  });

  it('legacy Proc-Type: 4,ENCRYPTED keys still get encrypted_key (not PBES2)', async () => {
    const text = rsa.privateKey.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASS }) as string;
    expect(isEncryptedPrivateKeyPem(text)).toBe(false);
    await expectCode(readPrivateKey(text, PASS), 'encrypted_key', /Proc-Type/);
  });

  it('parser errors pass through unchanged', async () => {
    await expectCode(readPrivateKey(''), 'empty_input');
    await expectCode(readPrivateKey('hello'), 'not_pem');
    await expectCode(readPrivateKey(rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string, PASS), 'public_key_given');
    await expectCode(readPrivateKey(null as unknown as string), 'not_pem');
  });

  it('isEncryptedPrivateKeyPem is false for non-keys and never throws', () => {
    for (const v of ['', '   ', 'hello', '-----BEGIN', pem('CERTIFICATE', seq(seq(), seq(), tlv(0x03, Buffer.from([0]))))]) {
      expect(isEncryptedPrivateKeyPem(v)).toBe(false);
    }
    expect(isEncryptedPrivateKeyPem(undefined as unknown as string)).toBe(false);
    expect(isEncryptedPrivateKeyPem(42 as unknown as string)).toBe(false);
  });

  it('a damaged ENCRYPTED PRIVATE KEY block is malformed_key (found by its label)', async () => {
    for (const text of [
      '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB!!!\n-----END ENCRYPTED PRIVATE KEY-----',
      '-----BEGIN ENCRYPTED PRIVATE KEY-----\n-----END ENCRYPTED PRIVATE KEY-----',
      pem('ENCRYPTED PRIVATE KEY', derOf(nodeEncrypted(ed.privateKey, 'aes-256-cbc')).subarray(0, 60)),
    ]) {
      expect(isEncryptedPrivateKeyPem(text)).toBe(true);
      await expectCode(readPrivateKey(text, PASS), 'malformed_key');
    }
  });
});

// ---- Refusals --------------------------------------------------------------------------------

describe('wrong passphrases and unsupported encryption', () => {
  it('correct padding but no PrivateKeyInfo inside → wrong_passphrase', async () => {
    for (const plain of [Buffer.from('not a key at all'), seq(int(5)), Buffer.alloc(0)]) {
      await expectCode(readPrivateKey(handMade({ plain }), PASS), 'wrong_passphrase');
      await expectCode(decryptPrivateKeyPem(handMade({ plain }), PASS), 'wrong_passphrase');
    }
  });

  it('many wrong passphrases (some pass the padding check by chance) are all wrong_passphrase', async () => {
    const text = handMade({ iterations: 1 });
    for (let i = 0; i < 800; i++) {
      const error = await rejectionOf(decryptPrivateKeyPem(text, `guess ${i}`));
      expect(error.code).toBe('wrong_passphrase');
    }
  });

  it('a decrypted PrivateKeyInfo of another key type is reported as that, after decryption', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await expectCode(readPrivateKey(nodeEncrypted(ec.privateKey, 'aes-256-cbc'), PASS), 'unsupported_key_type', /P-256/);
  });

  const refused: [string, () => string, RegExp][] = [
    ['openssl -scrypt', () => opensslEncrypted(ed.privateKey, ['-scrypt']), /scrypt/],
    ['openssl -v2 des3', () => opensslEncrypted(ed.privateKey, ['-v2', 'des3', '-iter', '2']), /DES-EDE3/],
    ['openssl -v1 PBE-SHA1-3DES (PBES1)', () => opensslEncrypted(ed.privateKey, ['-v1', 'PBE-SHA1-3DES', '-iter', '2']), /PBES1/],
    ['Node export aes-192-cbc', () => nodeEncrypted(rsa.privateKey, 'aes-192-cbc'), /AES-192/],
    ['openssl -v2 aes-192-cbc', () => opensslEncrypted(ed.privateKey, ['-v2', 'aes-192-cbc', '-iter', '2']), /AES-192/],
    ['PRF hmacWithSHA224', () => handMade({ prf: 'sha224' }), /hmacWithSHA224/],
    [`more than ${MAX_PBKDF2_ITERATIONS} iterations`, () => handMade({ iterations: MAX_PBKDF2_ITERATIONS + 1 }), /10000001 iterations/],
    ['a 2^40 iteration count', () => handMade({ iterations: 2 ** 40 }), /iterations/],
  ];
  for (const [name, make, detail] of refused) {
    it(`${name} → unsupported_encryption, even before a passphrase is given`, async () => {
      const text = make();
      expect(isEncryptedPrivateKeyPem(text)).toBe(true);
      await expectCode(readPrivateKey(text, PASS), 'unsupported_encryption', detail);
      await expectCode(readPrivateKey(text), 'unsupported_encryption', detail);
    });
  }

  it('the iteration cap refuses without running PBKDF2', async () => {
    const started = performance.now();
    await expectCode(decryptPrivateKeyPem(handMade({ iterations: 2 ** 31 - 1 }), PASS), 'unsupported_encryption');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('structural damage the tools never write → malformed_key', async () => {
    await expectCode(readPrivateKey(handMade({ iterations: 0 }), PASS), 'malformed_key', /iteration/);
    await expectCode(readPrivateKey(handMade({ keyLength: 16 }), PASS), 'malformed_key', /key length/);
  });
});

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
