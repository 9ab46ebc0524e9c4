/**
 * The one message map between the extension's pages and its background.
 * Every request is validated on arrival; replies are a result-or-error envelope.
 */
import { isEnvironment, type Environment } from './environments';
import { AppError, type ErrorInfo } from './errors';
import type { NewKeyOptions, OneTimeSecret } from './minting';
import type { KeyAlgorithm } from './pem';
import type { RotationReport } from './rotation';
import { validFcmSubtrader, validScopes, validSubaccount } from './scopes';
import type { KeySource } from './tiers';

/** What the pages may know about a held key: never the CryptoKey itself. */
export interface KeySummary {
  environment: Environment;
  keyId: string;
  name: string;
  algorithm: KeyAlgorithm;
  scopes: string[];
  subaccount: number | null;
  createdAt: number;
  lastVerifiedAt: number | null;
}

/** A key as the exchange lists it, marked with what this browser holds. */
export interface KeyListItem {
  keyId: string;
  name: string;
  scopes: string[];
  subaccount: number | null;
  /** This browser holds the private half. */
  held: boolean;
  /** The extension signs its requests with this key. */
  signing: boolean;
  lastVerifiedAt: number | null;
  /**
   * Made for this browser, but Kalshi's answer (with the only copy of its private key) was lost:
   * the key cannot be used here or anywhere. Offer Delete.
   */
  orphaned?: boolean;
}

/** What a list found and tidied after operations whose answers were lost. Present only when non-empty. */
export interface ListRecovery {
  /** Keys created here whose answer was lost, now proved ours by a signed request and kept here. */
  adopted: string[];
  /** Deletes whose answer was lost, confirmed by the list: the local copies are gone. */
  confirmedDeleted: string[];
  /** Lost answers that could not be settled yet (e.g. Kalshi unreachable for the proof); tried on the next list. */
  unresolved: number;
  /** Records in this browser's key store that could not be read: skipped, each with its error. */
  unreadable: ErrorInfo[];
}

export interface Overview {
  environment: Environment;
  signingKey: KeySummary | null;
  heldKeys: KeySummary[];
  /** The last list this worker fetched for the environment (not secret): painted at once, refreshed behind. */
  lastKnownKeys: KeyListItem[] | null;
}

export interface AccountInfo {
  /** Kalshi's API usage level, or null when it could not be read. */
  tier: string | null;
  /** Where new key pairs should be made for this tier. */
  keySource: KeySource;
}

export interface CreatedKey {
  keyId: string;
  name: string;
  /** The private half is kept in this browser. */
  held: boolean;
  /** The private key for a bot: shown once, then dropped. */
  secret: OneTimeSecret | null;
}

type KeyRef = { environment: Environment; keyId: string };

export interface Protocol {
  getOverview: { request: { environment?: Environment }; response: Overview };
  setEnvironment: { request: { environment: Environment }; response: Overview };
  getAccount: { request: { environment: Environment }; response: AccountInfo };
  importKey: { request: KeyRef & { pem: string; passphrase?: string }; response: KeySummary };
  listApiKeys: { request: { environment: Environment }; response: { keys: KeyListItem[]; recovery?: ListRecovery } };
  createApiKey: { request: { environment: Environment } & NewKeyOptions; response: CreatedKey };
  setSigningKey: { request: KeyRef; response: Overview };
  testKey: { request: KeyRef; response: { balanceCents: number; verifiedAt: number } };
  rotateKey: { request: KeyRef; response: RotationReport };
  forgetKey: { request: KeyRef & { confirmLockout: boolean }; response: Overview };
  deleteApiKey: { request: KeyRef & { confirmLockout: boolean }; response: { deletedKeyId: string } };
}

export type MessageType = keyof Protocol;
export type RequestOf<K extends MessageType> = Protocol[K]['request'];
export type ResponseOf<K extends MessageType> = Protocol[K]['response'];

export interface Message<K extends MessageType = MessageType> {
  type: K;
  data: RequestOf<K>;
}

/** One async handler per message: what the background implements. */
export type Handlers = { [K in MessageType]: (request: RequestOf<K>) => Promise<ResponseOf<K>> };

export type Reply<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

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

export function validKeyName(value: unknown): string {
  if (typeof value !== 'string') throw new AppError('invalid_request');
  const name = value.trim();
  if (name === '') throw new AppError('empty_input', 'Key name');
  if (name.length > 100) throw new AppError('invalid_name');
  return name;
}

function pem(value: unknown): string {
  if (typeof value !== 'string') throw new AppError('invalid_request');
  if (value.trim() === '') throw new AppError('empty_input', 'Private key');
  if (value.length > MAX_PEM_CHARS) throw new AppError('malformed_key', 'The text is far longer than any private key.');
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
  const subaccount = validSubaccount(d.subaccount);
  const fcmSubtraderId = validFcmSubtrader(d.fcmSubtraderId, subaccount);
  return {
    name: validKeyName(d.name),
    algorithm: oneOf(d.algorithm, ['RSA-PSS', 'Ed25519'] as const),
    scopes: validScopes(d.scopes),
    ...(subaccount === undefined ? {} : { subaccount }),
    ...(fcmSubtraderId === undefined ? {} : { fcmSubtraderId }),
    source: oneOf(d.source, ['local', 'kalshi'] as const),
    destination: oneOf(d.destination, ['browser', 'download'] as const),
    privateKeyFormat: d.privateKeyFormat === undefined ? 'pkcs8' : oneOf(d.privateKeyFormat, ['pkcs8', 'pkcs1'] as const),
  };
}

const keyRef = (d: Fields) => ({ environment: environment(d), keyId: validKeyId(d.keyId) });

const VALIDATORS: { [K in MessageType]: (data: Fields) => RequestOf<K> } = {
  getOverview: (d) => (d.environment === undefined ? {} : { environment: environment(d) }),
  setEnvironment: (d) => ({ environment: environment(d) }),
  getAccount: (d) => ({ environment: environment(d) }),
  importKey: (d) => {
    const p = passphrase(d.passphrase);
    return { ...keyRef(d), pem: pem(d.pem), ...(p === undefined ? {} : { passphrase: p }) };
  },
  listApiKeys: (d) => ({ environment: environment(d) }),
  createApiKey: (d) => ({ environment: environment(d), ...newKeyOptions(d) }),
  setSigningKey: keyRef,
  testKey: keyRef,
  rotateKey: keyRef,
  forgetKey: (d) => ({ ...keyRef(d), confirmLockout: d.confirmLockout === true }),
  deleteApiKey: (d) => ({ ...keyRef(d), confirmLockout: d.confirmLockout === true }),
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

/** What the browser stamps on a message: only these are trusted, never anything the message says of itself. */
export interface SenderInfo {
  id?: string;
  url?: string;
  origin?: string;
  tab?: unknown;
}

/**
 * Accept only our own extension pages (popup, options): our extension id, and a URL under our own
 * origin (compared as text: URL.origin is opaque for chrome-extension: URLs outside Chromium).
 */
export function isOwnPage(sender: SenderInfo, extensionId: string, extensionOrigin: string): boolean {
  const base = extensionOrigin.replace(/\/$/, '');
  if (sender.id !== extensionId || typeof sender.url !== 'string') return false;
  if (!sender.url.startsWith(`${base}/`)) return false;
  return sender.origin === undefined || sender.origin === base;
}
