/**
 * What the key store keeps, and the checks every record passes on its way out: a record that
 * cannot be used is named with its problem, never handed on.
 */
import { isEnvironment, type Environment } from '../shared/environments';
import { AppError, type ErrorInfo } from '../shared/errors';
import { isSafeRecordKey } from '../shared/record-keys';
import type { KeyAlgorithm } from '../key-formats/pem';
import type { AccountId } from './activity';

/** One API key whose private half this browser holds (as a non-extractable CryptoKey). */
export interface StoredKey {
  environment: Environment;
  keyId: string;
  name: string;
  algorithm: KeyAlgorithm;
  privateKey: CryptoKey;
  /** ms since the epoch. */
  createdAt: number;
  scopes: string[];
  subaccount?: number | null;
  /** When a signed request with this key last succeeded (ms). */
  lastVerifiedAt?: number;
  /**
   * The Kalshi account the key belongs to (its communications id). Absent in stores older than the
   * accounts, until the worker asked Kalshi (accounts.ts); such a key shows with the active account.
   */
  account?: AccountId;
}

/**
 * A change on Kalshi whose answer may never arrive (connection lost, worker stopped): written before
 * the request is sent, removed in the same transaction that records the outcome. A list settles
 * what is left (lib/reconcile.ts).
 */
export type PendingRecord = PendingCreate | PendingDelete;

interface PendingBase {
  /** Random, local. */
  id: string;
  environment: Environment;
  /** The account whose signing key sent the request; absent in older stores (accounts.ts fills it in). */
  account?: AccountId;
  /** ms since the epoch. */
  startedAt: number;
}

export interface PendingCreate extends PendingBase {
  operation: 'create';
  name: string;
  /** Where the pair was made: here (only the public half uploaded) or by Kalshi. */
  source: 'local' | 'kalshi';
  algorithm: KeyAlgorithm;
  scopes: string[];
  subaccount: number | null;
  /** A pair made here and kept here: its non-extractable private half, waiting for a key id. */
  privateKey?: CryptoKey;
  /** The key ids Kalshi listed just before the request: the new key is not among them. */
  knownKeyIds: string[];
  /**
   * The answer arrived with this key id. For a pair made here, the record stays until the next list
   * has looked for echoes: a browser resends a request whose connection died before any answer, so
   * Kalshi may have made the key twice, and the echo is proved and kept too.
   */
  resultKeyId?: string;
  /**
   * A create whose answer was lost and whose private half was not kept here: the keys of its name
   * that appeared on Kalshi since. Any of them may be its key, or a namesake made elsewhere; the
   * user decides (Delete, or Keep, which drops this record). Records written by earlier releases call
   * this `orphanKeyIds`; it is read the same way.
   */
  suspectKeyIds?: string[];
  /**
   * Certain: this create made `lostKeyId`, and its private half exists nowhere — Kalshi's private key
   * could not be read ('unreadable'), or a one-time key was never saved ('never_saved').
   */
  lostKeyId?: string;
  lostReason?: 'unreadable' | 'never_saved';
  /**
   * A one-time private key for a bot: held in the worker's memory only (never stored) until the user
   * has saved it, or until this time (ms). A worker that no longer holds it marks the key never_saved.
   */
  awaitingSaveUntil?: number;
}

export interface PendingDelete extends PendingBase {
  operation: 'delete';
  keyId: string;
}

const KEY_ALGORITHMS: readonly string[] = ['RSA-PSS', 'Ed25519'];
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isCryptoKey = (v: unknown): v is CryptoKey =>
  typeof CryptoKey !== 'undefined' && v instanceof CryptoKey && v.type === 'private' && v.usages.includes('sign');

/** Why a stored key record cannot be used, or undefined when it can. */
export function storedKeyProblem(v: unknown): string | undefined {
  if (!isObject(v)) return 'not a record';
  if (!isEnvironment(v.environment)) return 'unknown environment';
  if (typeof v.keyId !== 'string' || v.keyId === '') return 'no key id';
  if (typeof v.name !== 'string') return 'no name';
  if (typeof v.algorithm !== 'string' || !KEY_ALGORITHMS.includes(v.algorithm)) return 'unknown algorithm';
  if (!isCryptoKey(v.privateKey)) return 'no usable private key';
  if (typeof v.createdAt !== 'number') return 'no creation time';
  if (!Array.isArray(v.scopes) || !v.scopes.every((s) => typeof s === 'string')) return 'unreadable scopes';
  if (!isAccount(v.account)) return 'unreadable account';
  return undefined;
}

const isAccount = (v: unknown) => v === undefined || (typeof v === 'string' && v !== '' && isSafeRecordKey(v));

/**
 * The records of one account, and only those: a record whose account is not known yet belongs to no
 * known account (undefined matches only undefined), so it never counts as another account's.
 */
export const ofAccount =
  (account: AccountId | undefined) =>
  (record: { account?: AccountId }): boolean =>
    record.account === account;

/** Narrows a listing to one account (see ofAccount); absent: every record of the environment. */
export interface AccountFilter {
  account: AccountId | undefined;
}

/** Why a pending record cannot be used, or undefined when it can. */
export function pendingProblem(v: unknown): string | undefined {
  if (!isObject(v) || typeof v.id !== 'string') return 'not a record';
  if (!isEnvironment(v.environment)) return 'unknown environment';
  if (typeof v.startedAt !== 'number') return 'no start time';
  if (!isAccount(v.account)) return 'unreadable account';
  if (v.operation === 'delete') return typeof v.keyId === 'string' ? undefined : 'no key id';
  if (v.operation !== 'create') return 'unknown operation';
  if (typeof v.name !== 'string') return 'no name';
  if (typeof v.algorithm !== 'string' || !KEY_ALGORITHMS.includes(v.algorithm)) return 'unknown algorithm';
  if (!Array.isArray(v.knownKeyIds) || !v.knownKeyIds.every((s) => typeof s === 'string')) return 'unreadable key list';
  if (!Array.isArray(v.scopes) || !v.scopes.every((s) => typeof s === 'string')) return 'unreadable scopes';
  if (v.privateKey !== undefined && !isCryptoKey(v.privateKey)) return 'no usable private key';
  if (v.resultKeyId !== undefined && typeof v.resultKeyId !== 'string') return 'unreadable key id';
  for (const list of [v.suspectKeyIds, v.orphanKeyIds]) {
    if (list !== undefined && (!Array.isArray(list) || !list.every((s) => typeof s === 'string'))) return 'unreadable key list';
  }
  if (v.lostKeyId !== undefined && typeof v.lostKeyId !== 'string') return 'unreadable key id';
  if (v.lostReason !== undefined && v.lostReason !== 'unreadable' && v.lostReason !== 'never_saved') return 'unknown loss';
  if (v.awaitingSaveUntil !== undefined && typeof v.awaitingSaveUntil !== 'number') return 'unreadable time';
  return undefined;
}

/** A pending create as the key manager reads it: older stores' `orphanKeyIds` are suspects. */
export function readPending(record: PendingRecord): PendingRecord {
  if (record.operation !== 'create') return record;
  const { orphanKeyIds, ...rest } = record as PendingCreate & { orphanKeyIds?: string[] };
  return orphanKeyIds && !rest.suspectKeyIds ? { ...rest, suspectKeyIds: orphanKeyIds } : rest;
}

export const corrupt = (what: string, problem: string): ErrorInfo => new AppError('corrupt_record', `${what}: ${problem}.`).toInfo();

/**
 * Stored values checked one by one: the usable ones (of one account, when given) as `read` makes
 * them, oldest first, and why each other one cannot be used, named by `what`.
 */
export function checkAll<T extends { account?: AccountId }>(
  found: Array<{ what: string; value: unknown }>,
  problemOf: (value: unknown) => string | undefined,
  read: (value: T) => T,
  age: (record: T) => number,
  only?: AccountFilter,
): Checked<T> {
  const records: T[] = [];
  const unreadable: ErrorInfo[] = [];
  for (const { what, value } of found) {
    const problem = problemOf(value);
    if (problem) unreadable.push(corrupt(what, problem));
    else if (!only || ofAccount(only.account)(value as T)) records.push(read(value as T));
  }
  records.sort((a, b) => age(a) - age(b));
  return { records, unreadable };
}

/** Records of one environment, the readable ones kept, each unreadable one named with its problem. */
export interface Checked<T> {
  records: T[];
  unreadable: ErrorInfo[];
}
