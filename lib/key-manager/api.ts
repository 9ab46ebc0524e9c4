/**
 * What the key manager offers the extension's pages: one entry per message, with its request and
 * its answer, and the shapes those carry. Only plain data: never a CryptoKey, never key material
 * (the one exception is a bot key's one-time secret, sent to our own pages once).
 * lib/messages turns this into the message map and validates every request against it.
 */
import type { Environment } from '../shared/environments';
import type { ErrorInfo } from '../shared/errors';
import type { KeyAlgorithm } from '../key-formats/pem';
import type { ScopePreset } from '../kalshi/scopes';
import type { KeySource } from '../kalshi/tiers';
import type { AccountId, ActivityEntry } from '../key-store/activity';
import type { NewKeyOptions, OneTimeSecret } from './minting';
import type { RotationReport } from './rotation';
import type { AccountHealth } from './account-health';
import type { CopiedElement } from '../popup-shell/screen-copy';
import type { BotsApi } from './bots';

export type { AgentStatus } from '../bots/link';
export type { BotsApi, BotsView, GrantSummary, NewGrant } from './bots';
export type { AccountHealth, AttestationHealth, GrantHealth, LevelProgress, UploadGrantHealth } from './account-health';

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
  /** The Kalshi account it belongs to (communications id); null until Kalshi named it. */
  account: AccountId | null;
}

/** A Kalshi account this browser holds keys of, in one environment. */
export interface AccountSummary {
  /** Kalshi's communications id for it. */
  id: AccountId;
  /** The user's name for it, if given. */
  name: string | null;
  heldKeys: number;
}

export interface AccountsView {
  environment: Environment;
  accounts: AccountSummary[];
  /** Every key held for the environment, oldest first: of every account, and of none known yet. */
  heldKeys: KeySummary[];
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
  /** Held keys only: Kalshi's list does not say a key's type (no endpoint does), so others have none. */
  algorithm?: KeyAlgorithm;
  /**
   * Certain: made by this extension, and its private half exists nowhere — Kalshi's private key could
   * not be read ('unreadable'), or a one-time key was never saved ('never_saved'). Offer Delete.
   */
  lost?: 'unreadable' | 'never_saved';
  /**
   * Not certain: may come from a create here whose answer was lost, or be a namesake made elsewhere.
   * Never called unusable; the user decides (Delete, or Keep).
   */
  maybeLostAnswer?: true;
  /** A one-time private key for this key is held in the worker until the user has saved it (takeSecret). */
  awaitingSave?: true;
  /** Held here, but Kalshi refuses its signature and no longer lists it: deleted on kalshi.com or elsewhere. Offer Forget. */
  deletedOnKalshi?: true;
  /** The signing key, whose signature Kalshi refused (the list was read with another held key). */
  rejected?: true;
  /** Held here but not in this list, and not proved gone (Kalshi out of reach, or its own check not conclusive). */
  unconfirmed?: true;
  /** Held here, but Kalshi has not named its account yet: it is not this account's, and nothing is done with it. */
  accountUnknown?: true;
}

/** A one-time private key the worker holds (in memory only) until the user has saved it. */
export interface UnsavedSecret {
  environment: Environment;
  keyId: string;
  keyName: string;
  secret: OneTimeSecret;
  /** ms since the epoch; after it the key is marked "its private key was never saved". */
  expiresAt: number;
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
  /** The keys held for the active account (the signing key's), and those whose account is not known yet. */
  heldKeys: KeySummary[];
  /** The environment's accounts this browser holds keys of; the active one is the signing key's. */
  accounts: AccountSummary[];
  /** A one-time private key waits in the worker to be saved (fetch it with takeSecret). */
  secretWaiting: boolean;
}

export interface AccountInfo {
  /** Kalshi's API usage level, or null when it could not be read. */
  tier: string | null;
  /** Where new key pairs should be made: the tier's hint, or 'kalshi' once Kalshi refused an upload. */
  keySource: KeySource;
  /** Kalshi refused a public key from this account (403 on POST /api_keys): Create key makes it on Kalshi. */
  uploadRefused: boolean;
}

export interface CreatedKey {
  keyId: string;
  name: string;
  /** The private half is kept in this browser. */
  held: boolean;
  /** The private key for a bot: shown once, kept in the worker's memory until saved, then dropped. */
  secret: OneTimeSecret | null;
  /** Kalshi's warning about the new key, in its words (e.g. an FCM subtrader without risk caps). */
  warning: string | null;
}

export interface KeyList {
  keys: KeyListItem[];
  /** The account this list is Kalshi's list of (the signing key's communications id); null while Kalshi has not named it. */
  account: AccountId | null;
  recovery?: ListRecovery;
  /** Kalshi refused the signing key, and the list was read with this other held key. */
  listedWith?: string;
  /** Why the signing key was refused. */
  signingProblem?: ErrorInfo;
}

export type KeyRef = { environment: Environment; keyId: string };

export type { AccountId, ActivityEntry, ActivityOperation, ActivityOutcome } from '../key-store/activity';

/** Which entries of the activity log to show; absent fields do not filter. */
export interface ActivityFilter {
  environment?: Environment;
  /** An account's id, or null for the entries no account was told apart for. */
  account?: AccountId | null;
}

export interface ActivityList {
  /** The entries that pass the filter, newest first. */
  entries: ActivityEntry[];
  /** Every account value in the whole log (null included), for the page's account filter. */
  accounts: (AccountId | null)[];
}

export interface KeyManagerApi extends BotsApi {
  /** `opening`: as for getAccount. */
  getOverview: { request: { environment?: Environment; opening?: true }; response: Overview };
  setEnvironment: { request: { environment: Environment }; response: Overview };
  /** Signs with one of the account's held keys (the one it signed with last): its keys are the ones listed. */
  switchAccount: { request: { environment: Environment; account: AccountId }; response: Overview };
  /** Every key held for the environment, each with its account, and the accounts (the options page). */
  getAccounts: { request: { environment: Environment }; response: AccountsView };
  /** The user's name for an account ("personal", "fund"); empty drops it. */
  nameAccount: { request: { environment: Environment; account: AccountId; name: string }; response: AccountsView };
  /** `opening`: the popup's first ask, which the answer begun at its navigation may serve (opening.ts). */
  getAccount: { request: { environment: Environment; opening?: true }; response: AccountInfo };
  /** The account's health, days counted in `timeZone` (the user's IANA zone); also redraws the badge. */
  getAccountHealth: { request: { environment: Environment; timeZone: string }; response: AccountHealth };
  /** Basic → Advanced (POST /account/api_usage_level/upgrade); the health after it. */
  upgradeUsageLevel: { request: { environment: Environment; timeZone: string }; response: AccountHealth };
  importKey: { request: KeyRef & { pem: string; passphrase?: string }; response: KeySummary };
  listApiKeys: { request: { environment: Environment; opening?: true }; response: KeyList };
  takeSecret: { request: { environment: Environment }; response: UnsavedSecret | null };
  confirmSecretSaved: { request: KeyRef; response: { saved: true } };
  keepKey: { request: KeyRef; response: { kept: true } };
  createApiKey: { request: { environment: Environment } & NewKeyOptions; response: CreatedKey };
  setSigningKey: { request: KeyRef; response: Overview };
  testKey: { request: KeyRef; response: { balanceCents: number; verifiedAt: number } };
  /** `scopes`: the replacement's preset, which may only keep or narrow the old key's scopes; absent, the same scopes. */
  rotateKey: { request: KeyRef & { scopes?: ScopePreset }; response: RotationReport };
  forgetKey: { request: KeyRef & { confirmLockout: boolean }; response: Overview };
  deleteApiKey: { request: KeyRef & { confirmLockout: boolean }; response: { deletedKeyId: string } };
  getActivity: { request: ActivityFilter; response: ActivityList };
  /** The popup's last screen, for the worker to serve inside popup.html at the next open (lib/popup-shell/shell.ts). */
  keepScreen: { request: { screen: CopiedElement }; response: { kept: true } };
}

/** One async handler per message: what the background implements. */
export type Handlers = { [K in keyof KeyManagerApi]: (request: KeyManagerApi[K]['request']) => Promise<KeyManagerApi[K]['response']> };
