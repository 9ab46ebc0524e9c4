/** Least privilege: which keys can move money, and which presets a rotation may narrow a key to. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canManageKeys, canMoveMoney, grants, isScopePreset, isWithin, narrowerPresets, PRESETS, SCOPES } from '../../lib/kalshi/scopes';

/** Any list of scopes as Kalshi may send it: known ones, duplicates, and names it may add one day. */
const scopeLists = fc.array(fc.oneof(fc.constantFrom(...SCOPES), fc.constantFrom('write::other', 'read::other', 'admin'), fc.string()), {
  maxLength: 8,
});

describe('canMoveMoney', () => {
  it.each([
    [['read', 'write'], true],
    [['write::transfer'], true],
    [['read', 'write::trade', 'write::transfer'], true],
    [['read', 'write::trade'], false],
    [['read'], false],
    [['read::portfolio_balance', 'write::fcm_risk', 'write::block_trade_accept'], false],
    [[], false],
    [['transfer', 'write:transfer', 'WRITE'], false],
  ])('%j → %s', (scopes, expected) => {
    expect(canMoveMoney(scopes)).toBe(expected);
  });

  it('of the presets, only Full access can move money', () => {
    expect(canMoveMoney(PRESETS.full)).toBe(true);
    expect(canMoveMoney(PRESETS.trade)).toBe(false);
    expect(canMoveMoney(PRESETS['read-only'])).toBe(false);
  });

  it('property: true exactly when write or write::transfer is among the scopes, whatever else is there or in what order', () => {
    fc.assert(
      fc.property(scopeLists, (scopes) => {
        const expected = scopes.some((s) => s === 'write' || s === 'write::transfer');
        expect(canMoveMoney(scopes)).toBe(expected);
        expect(canMoveMoney([...scopes].reverse())).toBe(expected);
      }),
      { numRuns: 2_000 },
    );
  });

  it('property: narrowing never gives money rights, and adding scopes never takes them away', () => {
    fc.assert(
      fc.property(scopeLists, scopeLists, (a, b) => {
        if (isWithin(a, b) && !canMoveMoney(b)) expect(canMoveMoney(a)).toBe(false);
        if (canMoveMoney(a)) expect(canMoveMoney([...a, ...b])).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('isWithin and narrowerPresets', () => {
  it('a parent scope covers its children, never the other way round', () => {
    expect(grants(['write'], 'write::transfer')).toBe(true);
    expect(grants(['read'], 'read::portfolio_balance')).toBe(true);
    expect(grants(['write::trade'], 'write')).toBe(false);
    expect(grants(['read'], 'write::trade')).toBe(false);
    expect(isWithin(PRESETS.trade, PRESETS.full)).toBe(true);
    expect(isWithin(PRESETS.full, PRESETS.trade)).toBe(false);
    expect(isWithin(PRESETS.trade, ['write::trade'])).toBe(false); // would add read
  });

  it.each([
    [
      ['read', 'write'],
      ['read-only', 'trade'],
    ],
    [['read', 'write::trade'], ['read-only']],
    [
      ['read', 'write::trade', 'write::transfer'],
      ['read-only', 'trade'],
    ],
    [['read'], []],
    [['write::trade'], []],
    [['read::portfolio_balance'], []],
    [[], []],
  ])('a key with %j may be narrowed to %j', (scopes, expected) => {
    expect(narrowerPresets(scopes)).toEqual(expected);
  });

  it('property: every preset offered is strictly narrower, and none that is strictly narrower is left out', () => {
    fc.assert(
      fc.property(scopeLists, (scopes) => {
        const offered = narrowerPresets(scopes);
        for (const p of Object.keys(PRESETS) as (keyof typeof PRESETS)[]) {
          const narrower = PRESETS[p].every((s) => grants(scopes, s)) && !scopes.every((s) => grants(PRESETS[p], s));
          expect(offered.includes(p)).toBe(narrower);
        }
        // Full access covers every scope Kalshi documents: for a key holding only those, a narrower preset
        // never manages keys or moves money. (A scope Kalshi adds one day is dropped by any preset.)
        if (scopes.every((s) => (SCOPES as readonly string[]).includes(s))) {
          expect(offered).not.toContain('full');
          for (const p of offered) expect(canManageKeys(PRESETS[p]) || canMoveMoney(PRESETS[p])).toBe(false);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('isScopePreset knows the three presets and nothing else, not even Object’s own names', () => {
    for (const p of ['read-only', 'trade', 'full']) expect(isScopePreset(p)).toBe(true);
    for (const v of ['Trade', 'custom', 'toString', '__proto__', 'hasOwnProperty', '', null, undefined, ['read'], 1]) {
      expect(isScopePreset(v)).toBe(false);
    }
  });
});
