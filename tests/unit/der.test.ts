/** The small DER reader/writer behind lib/pem.ts, checked against node's Buffer and known encodings. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DerError,
  base64ToBytes,
  bytesToBase64,
  decodeOid,
  encodeNull,
  encodeOctetString,
  encodeOid,
  encodeSequence,
  encodeSmallInteger,
  encodeTlv,
  readChildren,
  readSingle,
  readTlv,
} from '../../lib/key-formats/der';

const hex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/\s/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('readTlv', () => {
  it('reads short and long lengths', () => {
    expect(toHex(readTlv(hex('0403 aabbcc'), 0).value)).toBe('aabbcc');
    const long = new Uint8Array([0x04, 0x82, 0x01, 0x00, ...new Uint8Array(256)]);
    expect(readSingle(long).value.length).toBe(256);
    expect(readTlv(hex('0500 0101ff'), 2)).toMatchObject({ tag: 1, end: 5 });
  });

  it.each([
    ['empty input', ''],
    ['tag only', '30'],
    ['length past the end', '3005 0201'],
    ['long length past the end', '3082 0100 00'],
    ['indefinite length', '3080 0000'],
    ['non-minimal short length in long form', '3081 05 0000000000'],
    ['leading zero length byte', '3082 0005 0000000000'],
    ['length of more than 4 bytes', '3085 0000000001 00'],
    ['multi-byte tag', '1f01 00'],
  ])('rejects %s with DerError', (_, h) => {
    expect(() => readTlv(hex(h), 0)).toThrow(DerError);
  });

  it('readSingle rejects trailing bytes; readChildren needs an exact fit', () => {
    expect(() => readSingle(hex('0500 00'))).toThrow(/trailing/);
    expect(readChildren(hex('020100 0500')).map((t) => t.tag)).toEqual([2, 5]);
    expect(() => readChildren(hex('020100 05'))).toThrow(DerError);
  });

  it('never throws anything but DerError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(70), (bytes, at) => {
        try {
          readChildren(bytes.subarray(Math.min(at, bytes.length)));
          return true;
        } catch (e) {
          return e instanceof DerError;
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('encoders', () => {
  it('match known encodings', () => {
    expect(toHex(encodeOid('1.2.840.113549.1.1.1'))).toBe('06092a864886f70d010101');
    expect(toHex(encodeOid('1.3.101.112'))).toBe('06032b6570');
    expect(toHex(encodeOid('2.999.3'))).toBe('0603883703');
    expect(toHex(encodeNull())).toBe('0500');
    expect(toHex(encodeSmallInteger(0))).toBe('020100');
    expect(toHex(encodeSmallInteger(128))).toBe('02020080');
    expect(toHex(encodeSequence(encodeSmallInteger(1), encodeOctetString(hex('ff'))))).toBe('3006020101 0401ff'.replace(' ', ''));
    expect(toHex(encodeTlv(4, new Uint8Array(200)).subarray(0, 3))).toBe('0481c8');
    expect(toHex(encodeTlv(4, new Uint8Array(300)).subarray(0, 4))).toBe('0482012c');
  });

  it('OIDs round-trip', () => {
    const oid = fc
      .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 39 }), fc.array(fc.nat(), { maxLength: 8 }))
      .map(([a, b, rest]) => [a, b, ...rest].join('.'));
    fc.assert(
      fc.property(oid, (dotted) => decodeOid(readSingle(encodeOid(dotted)).value) === dotted),
      { numRuns: 2000 },
    );
  });

  it('TLVs round-trip at every length form', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x1e }), fc.uint8Array({ maxLength: 70000, size: 'large' }), (tag, value) => {
        const tlv = readSingle(encodeTlv(tag, value));
        return tlv.tag === tag && toHex(tlv.value) === toHex(value);
      }),
      { numRuns: 200 },
    );
  });

  it('decodeOid rejects broken encodings', () => {
    expect(() => decodeOid(new Uint8Array())).toThrow(DerError);
    expect(() => decodeOid(hex('2a86'))).toThrow(/truncated/);
    expect(() => decodeOid(hex('2a8001'))).toThrow(/non-minimal/);
  });
});

describe('base64', () => {
  it('agrees with Buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
        const text = bytesToBase64(bytes);
        return text === Buffer.from(bytes).toString('base64') && toHex(base64ToBytes(text)) === toHex(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts missing padding, rejects everything else that is not base64', () => {
    expect(toHex(base64ToBytes('AAE'))).toBe('0001');
    for (const bad of ['A', 'AB=C', 'AB===', 'A-B_', 'AB CD', 'ABC=D', '====']) {
      expect(() => base64ToBytes(bad)).toThrow(DerError);
    }
  });

  it('returns a Uint8Array over its own ArrayBuffer', () => {
    const out = base64ToBytes('AAECAw==');
    expect(out.buffer).toBeInstanceOf(ArrayBuffer);
    expect(out.buffer.byteLength).toBe(4);
  });
});
