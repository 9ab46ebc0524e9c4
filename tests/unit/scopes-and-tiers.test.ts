import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../lib/shared/errors';
import { secretFileName } from '../../lib/key-manager/minting';
import { validFcmSubtrader, validScopes, validSubaccount } from '../../lib/kalshi/scope-checks';
import { canManageKeys, PRESETS, SCOPES } from '../../lib/kalshi/scopes';
import { keySourceFor, levelRank, mayUpload, tierLabel } from '../../lib/kalshi/tiers';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof AppError ? e.code : 'not an AppError';
  }
  return 'no error';
};

describe('scopes', () => {
  it('presets are valid, and Full access is the only one that can manage keys', () => {
    for (const scopes of Object.values(PRESETS)) expect(validScopes(scopes)).toEqual(scopes);
    expect(canManageKeys(PRESETS.full)).toBe(true);
    expect(canManageKeys(PRESETS.trade)).toBe(false);
    expect(canManageKeys(PRESETS['read-only'])).toBe(false);
  });

  it('write without read is refused; child scopes stand alone', () => {
    expect(codeOf(() => validScopes(['write']))).toBe('invalid_scopes');
    expect(codeOf(() => validScopes(['write', 'write::trade']))).toBe('invalid_scopes');
    expect(validScopes(['write::trade'])).toEqual(['write::trade']);
    expect(validScopes(['read::portfolio_balance', 'write::transfer'])).toEqual(['read::portfolio_balance', 'write::transfer']);
  });

  it('unknown, empty and non-list scopes are refused; duplicates collapse into canonical order', () => {
    expect(codeOf(() => validScopes([]))).toBe('invalid_scopes');
    expect(codeOf(() => validScopes(['admin']))).toBe('invalid_scopes');
    expect(codeOf(() => validScopes('read'))).toBe('invalid_scopes');
    expect(validScopes(['write', 'read', 'write'])).toEqual(['read', 'write']);
  });

  it('property: any list either validates to a subset of SCOPES honouring write ⇒ read, or throws invalid_scopes', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...SCOPES), fc.string())), (list) => {
        const code = codeOf(() => validScopes(list));
        if (code === 'no error') {
          const scopes = validScopes(list);
          expect(scopes.every((s) => SCOPES.includes(s))).toBe(true);
          if (scopes.includes('write')) expect(scopes).toContain('read');
        } else {
          expect(code).toBe('invalid_scopes');
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('subaccount is absent or an integer 0–63', () => {
    expect(validSubaccount(undefined)).toBeUndefined();
    expect(validSubaccount('')).toBeUndefined();
    expect(validSubaccount(0)).toBe(0);
    expect(validSubaccount('63')).toBe(63);
    for (const bad of [64, -1, 1.5, Number.NaN, 'abc', '1e1', true]) {
      expect(
        codeOf(() => validSubaccount(bad)),
        String(bad),
      ).toBe(bad === '1e1' ? 'no error' : 'invalid_subaccount');
    }
  });

  it('an FCM subtrader id has Kalshi’s form {user_id}_{suffix} and is exclusive with a subaccount', () => {
    expect(validFcmSubtrader('  ', undefined)).toBeUndefined();
    expect(validFcmSubtrader('u123_ST42', undefined)).toBe('u123_ST42');
    expect(codeOf(() => validFcmSubtrader('u123_ST42', 3))).toBe('invalid_fcm_subtrader');
    expect(codeOf(() => validFcmSubtrader('ST-42', undefined))).toBe('invalid_fcm_subtrader');
    expect(codeOf(() => validFcmSubtrader('has space_A1', undefined))).toBe('invalid_fcm_subtrader');
  });
});

describe('usage tiers', () => {
  it('only Premier and Market Maker levels upload their own public key; unknown tries locally first', () => {
    expect(['basic', 'advanced', 'expert'].map(keySourceFor)).toEqual(['kalshi', 'kalshi', 'kalshi']);
    expect(['premier', 'paragon', 'prime', 'prestige', 'Premier'].map(keySourceFor)).toEqual(['local', 'local', 'local', 'local', 'local']);
    expect(keySourceFor(null)).toBe('local');
    expect(tierLabel('premier')).toBe('Premier');
  });

  it('levels rank lowest first, in any case; a name Kalshi adds later ranks -1 and may not upload', () => {
    expect(['basic', 'Advanced', 'expert', 'premier', 'paragon', 'prime', 'PRESTIGE'].map(levelRank)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(levelRank('market_maker')).toBe(-1);
    expect(['expert', 'Premier', 'market_maker'].map(mayUpload)).toEqual([false, true, false]);
  });
});

describe('secretFileName', () => {
  it('names environment, key name and the start of the key id', () => {
    expect(secretFileName('demo', 'Market Bot #1', 'a952bcbe-ec3b-4b5b-b8f9-11dae589608c')).toBe('kalshi-demo-market-bot-1-a952bcbe.key');
    expect(secretFileName('production', '☃☃', 'a952bcbe-ec3b')).toBe('kalshi-production-key-a952bcbe.key');
  });
});
