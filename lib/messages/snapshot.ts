/**
 * The popup's snapshot: per environment, what the popup showed last (the overview, Kalshi's list,
 * the usage level), so the next open paints it before any answer from the worker or Kalshi. Not
 * secret — names, ids, scopes, all of which the key store already keeps — and never key material.
 * It comes back from web storage, so it is checked like any message: a damaged or older-shaped
 * snapshot is ignored, never painted. The check is cheap (a thousand keys, well under a millisecond).
 */
import { ENVIRONMENTS, isEnvironment, type Environment } from '../shared/environments';
import type { AccountHealth, AccountInfo, AccountSummary, KeyListItem, KeySummary } from '../key-manager/api';

export interface PopupSnapshot {
  /** The environment the popup opens on. */
  active: Environment;
  byEnvironment: Partial<Record<Environment, EnvironmentSnapshot>>;
}

export interface EnvironmentSnapshot {
  signingKey: KeySummary | null;
  heldKeys: KeySummary[];
  /** The environment's accounts (absent in snapshots from before the popup switched accounts). */
  accounts?: AccountSummary[];
  /** Kalshi's last list as the popup showed it; null before the first. */
  keys: KeyListItem[] | null;
  account: AccountInfo | null;
  /** What the popup showed of the account's health (absent in snapshots from before it did). */
  health?: AccountHealth | null;
}

type Fields = Record<string, unknown>;
const isFields = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string';
const isTexts = (v: unknown): v is string[] => Array.isArray(v) && v.every(isText);
const isSubaccount = (v: unknown) => v === null || typeof v === 'number';
const isTime = (v: unknown) => v === null || typeof v === 'number';

const isKeyShape = (k: unknown): k is Fields =>
  isFields(k) && isText(k.keyId) && isText(k.name) && isTexts(k.scopes) && isSubaccount(k.subaccount) && isTime(k.lastVerifiedAt);
const isSummary = (k: unknown): k is KeySummary => isKeyShape(k) && isEnvironment(k.environment) && isText(k.algorithm);
// The list paints the type's words: a value it has none for would break the paint.
const isAlgorithm = (v: unknown) => v === undefined || v === 'RSA-PSS' || v === 'Ed25519';
const isListItem = (k: unknown): k is KeyListItem =>
  isKeyShape(k) && typeof k.held === 'boolean' && typeof k.signing === 'boolean' && isAlgorithm(k.algorithm);
const isAccountSummary = (a: unknown): a is AccountSummary =>
  isFields(a) && isText(a.id) && (a.name === null || isText(a.name)) && typeof a.heldKeys === 'number';
const isAccount = (a: unknown): a is AccountInfo =>
  isFields(a) && (a.tier === null || isText(a.tier)) && isText(a.keySource) && typeof a.uploadRefused === 'boolean';

const isNumberOrNull = (v: unknown) => v === null || typeof v === 'number';
const isBudget = (b: unknown) => isFields(b) && typeof b.refill_rate === 'number';
const isProgress = (p: unknown) =>
  p === null || (isFields(p) && isText(p.level) && isText(p.goalFp) && isText(p.trailingVolumeFp) && typeof p.fraction === 'number');
const isGrant = (g: unknown) =>
  isFields(g) && isText(g.lane) && isText(g.level) && isText(g.source) && isText(g.state) && isNumberOrNull(g.expiresAt);

/** Every field the popup reads of it, of the right type: a tampered one would otherwise break the paint. */
function isHealth(h: unknown): h is AccountHealth {
  if (!isFields(h)) return false;
  const { attestation: a, budgets: b, uploadGrant: u } = h;
  return (
    (a === null ||
      (isFields(a) &&
        ['absent', 'valid', 'expiring', 'expired'].includes(a.state as string) &&
        isNumberOrNull(a.expiresAt) &&
        isNumberOrNull(a.daysLeft))) &&
    (h.level === null || isText(h.level)) &&
    (b === null || (isFields(b) && isBudget(b.read) && isBudget(b.write))) &&
    (h.grants === null || (Array.isArray(h.grants) && h.grants.every(isGrant))) &&
    (u === null ||
      (isFields(u) && isText(u.level) && isNumberOrNull(u.expiresAt) && isNumberOrNull(u.daysLeft) && typeof u.endingSoon === 'boolean')) &&
    isProgress(h.next) &&
    isProgress(h.keep) &&
    typeof h.upgradeOffered === 'boolean' &&
    isTexts(h.needsAttention)
  );
}

function isEntry(e: unknown): e is EnvironmentSnapshot {
  return (
    isFields(e) &&
    (e.signingKey === null || isSummary(e.signingKey)) &&
    Array.isArray(e.heldKeys) &&
    e.heldKeys.every(isSummary) &&
    (e.accounts === undefined || (Array.isArray(e.accounts) && e.accounts.every(isAccountSummary))) &&
    (e.keys === null || (Array.isArray(e.keys) && e.keys.every(isListItem))) &&
    (e.account === null || isAccount(e.account)) &&
    (e.health === undefined || e.health === null || isHealth(e.health))
  );
}

/** The snapshot, or null when there is none or it is not of the expected shape. */
export function parseSnapshot(value: unknown): PopupSnapshot | null {
  if (!isFields(value) || !isEnvironment(value.active) || !isFields(value.byEnvironment)) return null;
  const byEnvironment = value.byEnvironment;
  for (const env of Object.keys(byEnvironment)) if (!ENVIRONMENTS.includes(env as never) || !isEntry(byEnvironment[env])) return null;
  return value as unknown as PopupSnapshot;
}
