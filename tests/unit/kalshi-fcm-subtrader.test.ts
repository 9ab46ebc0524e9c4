/** Kalshi's FCM subtrader id: `{user_id}_{suffix}`, suffix 1–16 ASCII letters or digits, split at the last underscore. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validFcmSubtrader } from '../../lib/kalshi/scope-checks';
import { AppError } from '../../lib/shared/errors';

const outcome = (value: unknown, subaccount?: number): { ok: string | undefined } | { code: string; detail?: string } => {
  try {
    return { ok: validFcmSubtrader(value, subaccount) };
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return { code: e.code, ...(e.detail === undefined ? {} : { detail: e.detail }) };
  }
};

const USER = 'a952bcbe-ec3b-4b5b-b8f9-11dae589608c';
const printable = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 64 });
const suffix = fc.string({
  unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'),
  minLength: 1,
  maxLength: 16,
});
/** An independent statement of the form: the greedy user part may hold underscores, the suffix cannot. */
const FORM = /^[\x21-\x7e]{1,64}_[A-Za-z0-9]{1,16}$/;

describe('validFcmSubtrader', () => {
  it('accepts Kalshi’s form and keeps it as typed (case included), trimmed', () => {
    expect(validFcmSubtrader(`${USER}_A1`, undefined)).toBe(`${USER}_A1`);
    expect(validFcmSubtrader(`  ${USER}_abcDEF0123456789 `, undefined)).toBe(`${USER}_abcDEF0123456789`);
    expect(validFcmSubtrader('u_1', undefined)).toBe('u_1');
    // Split at the last underscore: the user id may hold underscores of its own.
    expect(validFcmSubtrader('user_with_parts_Z9', undefined)).toBe('user_with_parts_Z9');
  });

  it('absent or blank is no binding', () => {
    for (const blank of [undefined, null, '', '   ']) expect(validFcmSubtrader(blank, undefined)).toBeUndefined();
  });

  it.each([
    ['no underscore', 'ST42', /no underscore/],
    ['the old free form', 'ST-42', /no underscore/],
    ['an empty suffix', `${USER}_`, /after the last underscore/],
    ['a 17-character suffix', `${USER}_${'a'.repeat(17)}`, /1–16 letters or digits/],
    ['a suffix with a dash', `${USER}_A-1`, /after the last underscore/],
    ['a suffix with a letter outside ASCII', `${USER}_Aé`, /after the last underscore/],
    ['an empty user id', '_A1', /before the last underscore/],
    ['a space in the user id', 'has space_A1', /before the last underscore/],
    ['a control character in the user id', 'user\u0007_A1', /before the last underscore/],
  ])('refuses %s, in words that describe the form', (_, value, words) => {
    const result = outcome(value);
    expect(result).toMatchObject({ code: 'invalid_fcm_subtrader' });
    expect((result as { detail: string }).detail).toMatch(words);
    expect((result as { detail: string }).detail).toMatch(/user-ID_suffix/);
  });

  it('never together with a subaccount; a non-string is not a request we understand', () => {
    expect(outcome(`${USER}_A1`, 3)).toMatchObject({
      code: 'invalid_fcm_subtrader',
      detail: expect.stringMatching(/subaccount/) as string,
    });
    expect(outcome(42)).toEqual({ code: 'invalid_request' });
  });

  it('property: every user id and suffix of the form is accepted unchanged', () => {
    fc.assert(
      fc.property(printable, suffix, fc.constantFrom('', ' ', '\t', '\n '), (user, s, pad) => {
        expect(validFcmSubtrader(`${pad}${user}_${s}${pad}`, undefined)).toBe(`${user}_${s}`);
      }),
      { numRuns: 5_000 },
    );
  });

  it('property: any text is accepted exactly when it has the form, otherwise refused in words that never repeat it', () => {
    const near = fc.tuple(fc.oneof(printable, fc.string()), fc.constantFrom('_', '-', ''), fc.oneof(suffix, fc.string({ maxLength: 20 })));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          near.map(([u, sep, s]) => `${u}${sep}${s}`),
        ),
        (text) => {
          const id = text.trim();
          const result = outcome(text);
          if (id === '') {
            expect(result).toEqual({ ok: undefined });
          } else if (FORM.test(id)) {
            expect(result).toEqual({ ok: id });
          } else {
            expect(result).toMatchObject({ code: 'invalid_fcm_subtrader' });
            if (id.length >= 6) expect((result as { detail: string }).detail).not.toContain(id);
          }
        },
      ),
      { numRuns: 10_000 },
    );
  });
});
