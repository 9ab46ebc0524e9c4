/**
 * Rotating a key: mint the replacement, prove it, switch signing to it, and only then delete the old one.
 * Each step runs only after the one before succeeded, so a failure always leaves a working key in place;
 * the report says exactly where each key stands.
 */
import { toErrorInfo, type ErrorInfo } from './errors';

export type RotationStep = 'mint' | 'verify' | 'switch' | 'delete_old' | 'forget_old';
export const ROTATION_STEPS: readonly RotationStep[] = ['mint', 'verify', 'switch', 'delete_old', 'forget_old'];

export interface RotationSteps {
  /** Creates the replacement on Kalshi and stores its private half here; returns its key id. */
  mint(): Promise<string>;
  /** A signed request with the replacement succeeds. */
  verify(newKeyId: string): Promise<void>;
  /** The replacement signs from now on (a no-op when the old key was not the signing key). */
  switchSigning(newKeyId: string): Promise<void>;
  /** Deletes the old key on Kalshi. */
  deleteOld(): Promise<void>;
  /** Drops the old private half from this browser. */
  forgetOld(): Promise<void>;
}

export type OldKeyState = 'active' | 'deleted' | 'deleted_but_held';
export type NewKeyState = 'none' | 'unverified' | 'verified' | 'signing';

export interface RotationReport {
  completed: boolean;
  failedStep: RotationStep | null;
  error: ErrorInfo | null;
  oldKeyId: string;
  oldKeyState: OldKeyState;
  newKeyId: string | null;
  newKeyState: NewKeyState;
}

export async function rotate(oldKeyId: string, steps: RotationSteps): Promise<RotationReport> {
  const report: RotationReport = {
    completed: false,
    failedStep: null,
    error: null,
    oldKeyId,
    oldKeyState: 'active',
    newKeyId: null,
    newKeyState: 'none',
  };
  let step: RotationStep = 'mint';
  try {
    const newKeyId = await steps.mint();
    report.newKeyId = newKeyId;
    report.newKeyState = 'unverified';
    step = 'verify';
    await steps.verify(newKeyId);
    report.newKeyState = 'verified';
    step = 'switch';
    await steps.switchSigning(newKeyId);
    report.newKeyState = 'signing';
    step = 'delete_old';
    await steps.deleteOld();
    report.oldKeyState = 'deleted_but_held';
    step = 'forget_old';
    await steps.forgetOld();
    report.oldKeyState = 'deleted';
    report.completed = true;
  } catch (error) {
    report.failedStep = step;
    report.error = toErrorInfo(error);
  }
  return report;
}

/** The report in plain sentences, one per key. */
export function describeRotation(r: RotationReport): string[] {
  const oldId = r.oldKeyId.slice(0, 8);
  const newId = r.newKeyId?.slice(0, 8);
  const lines: string[] = [];
  if (r.completed) return [`Rotated: the new key ${newId} signs requests and the old key ${oldId} is deleted.`];
  lines.push(
    {
      active:
        r.newKeyState === 'signing'
          ? `The old key ${oldId} still works on Kalshi, but the extension no longer signs with it.`
          : `The old key ${oldId} is unchanged and still works.`,
      deleted: `The old key ${oldId} is deleted.`,
      deleted_but_held: `The old key ${oldId} is deleted on Kalshi; its unusable private half is still in this browser (you may forget it).`,
    }[r.oldKeyState],
  );
  lines.push(
    {
      none: 'No new key was created.',
      unverified: `A new key ${newId} exists on Kalshi and is held here, but did not pass its test: you may delete it.`,
      verified: `A new key ${newId} exists and works, but the extension still signs with the old key.`,
      signing: `The new key ${newId} works and signs requests; delete the old key when you are ready.`,
    }[r.newKeyState],
  );
  return lines;
}
