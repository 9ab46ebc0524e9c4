/**
 * Why the toolbar badge shows: per environment, the account's health reasons (the location check
 * or the upload grant near its end) and whether the signing key failed its last test. The badge
 * clears when every cause is gone. Kept in the worker's memory; the browser keeps the badge drawn.
 */
import type { Environment } from '../shared/environments';
import type { AttentionReason } from './account-health';

export type BadgeReason = AttentionReason | 'signing_key_failing';

/** Draws the badge (background.ts: browser.action); an empty list clears it. */
export type BadgePort = (reasons: BadgeReason[]) => void;

export function createAttention(draw: BadgePort = () => undefined) {
  const health = new Map<Environment, AttentionReason[]>();
  const failing = new Set<Environment>();
  const redraw = () =>
    draw([...new Set<BadgeReason>([...[...health.values()].flat(), ...(failing.size ? ['signing_key_failing' as const] : [])])]);
  return {
    set(environment: Environment, reasons: AttentionReason[]): void {
      health.set(environment, reasons);
      redraw();
    },
    signingKeyTested(environment: Environment, works: boolean): void {
      if (works) failing.delete(environment);
      else failing.add(environment);
      redraw();
    },
  };
}
