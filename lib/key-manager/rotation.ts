/**
 * Rotating a key: mint the replacement, prove it, switch signing to it, and only then delete the old one.
 * Each step runs only after the one before succeeded, so a failure always leaves a working key in place;
 * the report says exactly where each key stands.
 */
import { toErrorInfo, type ErrorInfo } from '../shared/errors';

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
  /** The scopes the replacement was made with, once it exists (set by rotation-flow.ts). */
  newScopes?: string[];
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
