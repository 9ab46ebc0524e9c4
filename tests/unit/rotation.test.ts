import { describe, expect, it } from 'vitest';
import { AppError } from '../../lib/shared/errors';
import { rotate, ROTATION_STEPS, type RotationStep, type RotationSteps } from '../../lib/key-manager/rotation';

const OLD = 'aaaaaaaa-0000-4000-8000-000000000000';
const NEW = 'bbbbbbbb-0000-4000-8000-000000000000';

/** Steps that record their order and fail at one chosen step. */
function steps(failAt: RotationStep | null) {
  const ran: RotationStep[] = [];
  const step = (name: RotationStep) => async () => {
    ran.push(name);
    if (name === failAt) throw new AppError('exchange_error');
  };
  const s: RotationSteps = {
    mint: async () => {
      await step('mint')();
      return NEW;
    },
    verify: step('verify'),
    switchSigning: step('switch'),
    deleteOld: step('delete_old'),
    forgetOld: step('forget_old'),
  };
  return { ran, s };
}

describe('rotate', () => {
  it('runs every step in order and reports both keys', async () => {
    const { ran, s } = steps(null);
    const report = await rotate(OLD, s);
    expect(ran).toEqual(ROTATION_STEPS);
    expect(report).toEqual({
      completed: true,
      failedStep: null,
      error: null,
      oldKeyId: OLD,
      oldKeyState: 'deleted',
      newKeyId: NEW,
      newKeyState: 'signing',
    });
  });

  const expected: Record<RotationStep, { old: string; new: string }> = {
    mint: { old: 'active', new: 'none' },
    verify: { old: 'active', new: 'unverified' },
    switch: { old: 'active', new: 'verified' },
    delete_old: { old: 'active', new: 'signing' },
    forget_old: { old: 'deleted_but_held', new: 'signing' },
  };

  it.each(ROTATION_STEPS)('a failure at %s stops there and leaves a working key', async (failAt) => {
    const { ran, s } = steps(failAt);
    const report = await rotate(OLD, s);
    expect(ran).toEqual(ROTATION_STEPS.slice(0, ROTATION_STEPS.indexOf(failAt) + 1));
    expect(report.completed).toBe(false);
    expect(report.failedStep).toBe(failAt);
    expect(report.error?.code).toBe('exchange_error');
    expect(report.oldKeyState).toBe(expected[failAt].old);
    expect(report.newKeyState).toBe(expected[failAt].new);
    // A working key remains: the old one is active, or the new one signs.
    expect(report.oldKeyState === 'active' || report.newKeyState === 'signing').toBe(true);
  });
});
