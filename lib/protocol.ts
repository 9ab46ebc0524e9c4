/**
 * The one message map between the extension's pages and its background.
 * Every request is validated on arrival; replies are a result-or-error envelope.
 */
import { isEnvironment, type Environment } from './environments';
import { AppError, type ErrorInfo } from './errors';
import type { KeyAlgorithm } from './pem';

/** What the pages may know about a held key: never the CryptoKey itself. */
export interface KeySummary {
  environment: Environment;
  keyId: string;
  name: string;
  algorithm: KeyAlgorithm;
  scopes: string[];
  createdAt: number;
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
}

export interface Overview {
  environment: Environment;
  signingKey: KeySummary | null;
  heldKeys: KeySummary[];
}

export interface Protocol {
  getOverview: { request: { environment?: Environment }; response: Overview };
  setEnvironment: { request: { environment: Environment }; response: Overview };
  importKey: { request: { environment: Environment; keyId: string; pem: string }; response: KeySummary };
  listApiKeys: { request: { environment: Environment }; response: { keys: KeyListItem[] } };
  createApiKey: { request: { environment: Environment; name: string }; response: KeySummary };
  deleteApiKey: {
    request: { environment: Environment; keyId: string; confirmLockout: boolean };
    response: { deletedKeyId: string };
  };
}

export type MessageType = keyof Protocol;
export type RequestOf<K extends MessageType> = Protocol[K]['request'];
export type ResponseOf<K extends MessageType> = Protocol[K]['response'];

export interface Message<K extends MessageType = MessageType> {
  type: K;
  data: RequestOf<K>;
}

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

const VALIDATORS: { [K in MessageType]: (data: Fields) => RequestOf<K> } = {
  getOverview: (d) => (d.environment === undefined ? {} : { environment: environment(d) }),
  setEnvironment: (d) => ({ environment: environment(d) }),
  importKey: (d) => ({ environment: environment(d), keyId: validKeyId(d.keyId), pem: pem(d.pem) }),
  listApiKeys: (d) => ({ environment: environment(d) }),
  createApiKey: (d) => ({ environment: environment(d), name: validKeyName(d.name) }),
  deleteApiKey: (d) => ({
    environment: environment(d),
    keyId: validKeyId(d.keyId),
    confirmLockout: d.confirmLockout === true,
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
