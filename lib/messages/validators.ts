/** Every message is checked on arrival: a known type, and data of the right shape for it. */
import { isEnvironment, type Environment } from '../shared/environments';
import { AppError } from '../shared/errors';
import type { NewKeyOptions } from '../key-manager/minting';
import { validFcmSubtrader, validScopes, validSubaccount } from '../kalshi/scope-checks';
import { isScopePreset, PRESETS, type ScopePreset } from '../kalshi/scopes';
import { isCopied, type CopiedElement } from '../popup-shell/screen-copy';
import type { Message, MessageType, RequestOf } from './protocol';
import { isSafeRecordKey } from '../shared/record-keys';
import { isPower, MAX_PER_SECOND, type Power } from '../shared/grant';
import type { NewGrant } from '../key-manager/api';

const MAX_PEM_CHARS = 20_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Fields = Record<string, unknown>;
const isFields = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);

function environment(data: Fields): Environment {
  if (!isEnvironment(data.environment)) throw new AppError('invalid_request', 'Unknown environment.');
  return data.environment;
}

/** Trimmed key id; a clear error for an empty or non-UUID id. */
export function validKeyId(value: unknown): string {
  if (typeof value !== 'string') throw new AppError('invalid_request');
  const keyId = value.trim();
  if (keyId === '') throw new AppError('empty_input', 'API key ID');
  if (!UUID.test(keyId)) throw new AppError('invalid_key_id');
  return keyId.toLowerCase();
}

/**
 * Kalshi publishes no limit on a key's name, so none is imposed here: this bound only keeps a
 * message from carrying an absurd one (the popup’s form warns over 100 characters).
 */
export const KEY_NAME_MAX_CHARS = 1_000;

export function validKeyName(value: unknown): string {
  if (typeof value !== 'string') throw new AppError('invalid_request');
  const name = value.trim();
  if (name === '') throw new AppError('empty_input', 'Key name');
  if (name.length > KEY_NAME_MAX_CHARS) throw new AppError('invalid_name');
  return name;
}

function pem(value: unknown): string {
  if (typeof value !== 'string') throw new AppError('invalid_request');
  if (value.trim() === '') throw new AppError('empty_input', 'Private key');
  if (value.length > MAX_PEM_CHARS) throw new AppError('malformed_key', 'The text is far longer than any private key.');
  return value;
}

/** An IANA zone name's shape; whether the zone exists is checked where days are counted. */
function timeZone(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) throw new AppError('invalid_request');
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new AppError('invalid_request');
  return value as T;
}

function passphrase(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > 1024) throw new AppError('invalid_request');
  return value;
}

function newKeyOptions(d: Fields): NewKeyOptions {
  const name = validKeyName(d.name);
  const subaccount = validSubaccount(d.subaccount);
  const fcmSubtraderId = validFcmSubtrader(d.fcmSubtraderId, subaccount);
  const destination = oneOf(d.destination, ['browser', 'download'] as const);
  return {
    name,
    algorithm: oneOf(d.algorithm, ['RSA-PSS', 'Ed25519'] as const),
    scopes: validScopes(d.scopes),
    ...(subaccount === undefined ? {} : { subaccount }),
    ...(fcmSubtraderId === undefined ? {} : { fcmSubtraderId }),
    source: oneOf(d.source, ['local', 'kalshi'] as const),
    destination,
    privateKeyFormat: d.privateKeyFormat === undefined ? 'pkcs8' : oneOf(d.privateKeyFormat, ['pkcs8', 'pkcs1'] as const),
  };
}

/** An account filter: an account's id, or null for entries no account was told apart for. */
const account = (value: unknown): string | null => (value === null ? null : accountId(value));

/** A communications id as Kalshi sends it (lib/kalshi/account-wire-types.ts checks its form on arrival). */
function accountId(value: unknown): string {
  if (typeof value !== 'string' || value === '' || value.length > 200 || !isSafeRecordKey(value)) throw new AppError('invalid_request');
  return value;
}

/** Trimmed; empty drops the name. */
export function validAccountName(value: unknown): string {
  if (typeof value !== 'string') throw new AppError('invalid_request');
  const name = value.trim();
  if (name.length > 40 || /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(name)) throw new AppError('invalid_account_name');
  return name;
}

const keyRef = (d: Fields) => ({ environment: environment(d), keyId: validKeyId(d.keyId) });

/** A rotation's scopes: absent (the same as now) or one of the presets; the detail names them, never repeats the input. */
function rotationScopes(value: unknown): { scopes?: ScopePreset } {
  if (value === undefined) return {};
  if (!isScopePreset(value)) {
    throw new AppError(
      'invalid_request',
      `Unknown scopes for the replacement: choose one of ${Object.keys(PRESETS).join(', ')}, or none to keep them.`,
    );
  }
  return { scopes: value };
}

/** The popup's first ask of a list or the usage level (lib/key-manager/opening.ts). */
function opening(d: Fields): { opening?: true } {
  if (d.opening === undefined) return {};
  if (d.opening === true) return { opening: true };
  throw new AppError('invalid_request', '`opening` is true or absent.');
}

function screenCopy(value: unknown): CopiedElement {
  if (!isCopied(value)) throw new AppError('invalid_request', 'Not a copy of the popup.');
  return value;
}

/** A bot's name: shown in lists and the log, so one line of at most 60 characters. */
export function validBotName(value: unknown): string {
  if (typeof value !== 'string') throw new AppError('invalid_request');
  const name = value.trim();
  if (name === '') throw new AppError('empty_input', 'Bot name');
  if (name.length > 60 || /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(name)) throw new AppError('invalid_name');
  return name;
}

/** A whole number from `min` to `max`, or invalid_request naming the field. */
function wholeNumber(value: unknown, min: number, max: number, what: string): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max)
    throw new AppError('invalid_request', `${what}: a whole number from ${min} to ${max}.`);
  return value as number;
}

function powers(value: unknown): Power[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 5 || !value.every(isPower))
    throw new AppError('invalid_request', 'Choose what the bot may do.');
  return [...new Set(value)];
}

function newGrant(d: Fields): NewGrant {
  return {
    name: validBotName(d.name),
    environment: environment(d),
    keyId: validKeyId(d.keyId),
    powers: powers(d.powers),
    expiresInDays: wholeNumber(d.expiresInDays, 1, 366, 'Days the grant lasts'),
    perSecond: wholeNumber(d.perSecond, 1, MAX_PER_SECOND, 'Requests a second'),
  };
}

const grantId = (value: unknown): string => {
  if (typeof value !== 'string' || !/^[0-9a-f-]{36}$/.test(value)) throw new AppError('invalid_request');
  return value;
};

const flag = (value: unknown): boolean => {
  if (typeof value !== 'boolean') throw new AppError('invalid_request');
  return value;
};

const VALIDATORS: { [K in MessageType]: (data: Fields) => RequestOf<K> } = {
  getOverview: (d) => ({ ...(d.environment === undefined ? {} : { environment: environment(d) }), ...opening(d) }),
  setEnvironment: (d) => ({ environment: environment(d) }),
  switchAccount: (d) => ({ environment: environment(d), account: accountId(d.account) }),
  getAccounts: (d) => ({ environment: environment(d) }),
  nameAccount: (d) => ({ environment: environment(d), account: accountId(d.account), name: validAccountName(d.name) }),
  getAccount: (d) => ({ environment: environment(d), ...opening(d) }),
  getAccountHealth: (d) => ({ environment: environment(d), timeZone: timeZone(d.timeZone) }),
  upgradeUsageLevel: (d) => ({ environment: environment(d), timeZone: timeZone(d.timeZone) }),
  importKey: (d) => {
    const p = passphrase(d.passphrase);
    return { ...keyRef(d), pem: pem(d.pem), ...(p === undefined ? {} : { passphrase: p }) };
  },
  listApiKeys: (d) => ({ environment: environment(d), ...opening(d) }),
  createApiKey: (d) => ({ environment: environment(d), ...newKeyOptions(d) }),
  setSigningKey: keyRef,
  testKey: keyRef,
  rotateKey: (d) => ({ ...keyRef(d), ...rotationScopes(d.scopes) }),
  forgetKey: (d) => ({ ...keyRef(d), confirmLockout: d.confirmLockout === true }),
  deleteApiKey: (d) => ({ ...keyRef(d), confirmLockout: d.confirmLockout === true }),
  takeSecret: (d) => ({ environment: environment(d) }),
  confirmSecretSaved: keyRef,
  keepKey: keyRef,
  keepScreen: (d) => ({ screen: screenCopy(d.screen) }),
  getBots: () => ({}),
  admitBot: newGrant,
  revokeBot: (d) => ({ grantId: grantId(d.grantId) }),
  pauseBots: (d) => ({ paused: flag(d.paused) }),
  setAgent: (d) => ({ on: flag(d.on) }),
  getActivity: (d) => ({
    ...(d.environment === undefined ? {} : { environment: environment(d) }),
    ...(d.account === undefined ? {} : { account: account(d.account) }),
  }),
};

/** Checks an untrusted value is a known message with well-formed data; throws AppError otherwise. */
export function parseMessage(value: unknown): Message {
  if (!isFields(value) || typeof value.type !== 'string' || !Object.hasOwn(VALIDATORS, value.type)) {
    throw new AppError('invalid_request', 'Unknown message.');
  }
  const type = value.type as MessageType;
  if (!isFields(value.data)) throw new AppError('invalid_request');
  return { type, data: VALIDATORS[type](value.data) } as Message;
}
