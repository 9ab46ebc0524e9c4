/**
 * What the key manager offers the extension's pages: one entry per message, with its request and
 * its answer, and the shapes those carry. Only plain data: never a CryptoKey, never key material
 * (the one exception is a bot key's one-time secret, sent to our own pages once).
 * lib/messages turns this into the message map and validates every request against it.
 */
import type { Environment } from '../shared/environments';
import type { ErrorInfo } from '../shared/errors';
import type { KeyAlgorithm } from '../key-formats/pem';
import type { KeySource } from '../kalshi/tiers';
import type { NewKeyOptions, OneTimeSecret } from './minting';
import type { RotationReport } from './rotation';

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

export type KeyRef = { environment: Environment; keyId: string };

export interface KeyManagerApi {
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

/** One async handler per message: what the background implements. */
export type Handlers = { [K in keyof KeyManagerApi]: (request: KeyManagerApi[K]['request']) => Promise<KeyManagerApi[K]['response']> };
