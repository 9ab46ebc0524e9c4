/**
 * The sandbox exchange's in-memory state: one account per environment, each with its
 * API keys. Only public keys are kept, as on Kalshi.
 */
import { generateKeyPair, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

const generateKeyPairAsync = promisify(generateKeyPair);

export type Env = 'production' | 'demo';
export const ENVS: readonly Env[] = ['production', 'demo'];

export type Tier = 'basic' | 'advanced' | 'expert' | 'premier' | 'paragon' | 'prime' | 'prestige';
export const TIERS: readonly Tier[] = ['basic', 'advanced', 'expert', 'premier', 'paragon', 'prime', 'prestige'];
/** Tiers allowed to upload their own public key (Kalshi: "Premier or Market Maker"). */
export const UPLOAD_TIERS: ReadonlySet<Tier> = new Set<Tier>(['premier', 'paragon', 'prime', 'prestige']);

export type KeyType = 'rsa' | 'ed25519';

export const VALID_SCOPES: ReadonlySet<string> = new Set([
  'read',
  'write',
  'read::block_trade_accept',
  'read::portfolio_balance',
  'write::trade',
  'write::transfer',
  'write::fcm_risk',
  'write::block_trade_accept',
]);
export const DEFAULT_SCOPES: readonly string[] = ['read', 'write'];

/** The exchange-side view of one key (what tests inspect through `keys(env)`). */
export interface ApiKeyRecord {
  api_key_id: string;
  name: string;
  scopes: string[];
  subaccount: number | null;
  fcm_subtrader_id: string | null;
  key_type: KeyType;
  /** SPKI PEM. */
  public_key: string;
}

export interface StoredKey {
  record: ApiKeyRecord;
  publicKey: KeyObject;
}

export interface Account {
  usageTier: Tier;
  /** FCM members may bind keys to an fcm_subtrader_id; sandbox accounts never are. */
  isFcm: boolean;
  keys: Map<string, StoredKey>;
}

/** Sandbox rate-limit figures per tier (orientation only; the sandbox does not enforce them). */
export const TIER_LIMITS: Record<Tier, { read: number; write: number }> = {
  basic: { read: 20, write: 10 },
  advanced: { read: 30, write: 30 },
  expert: { read: 60, write: 60 },
  premier: { read: 100, write: 100 },
  paragon: { read: 200, write: 200 },
  prime: { read: 400, write: 400 },
  prestige: { read: 400, write: 400 },
};

export function isTier(value: unknown): value is Tier {
  return typeof value === 'string' && (TIERS as readonly string[]).includes(value);
}

export function newAccount(tier: Tier = 'basic'): Account {
  return { usageTier: tier, isFcm: false, keys: new Map() };
}

export function addKey(
  account: Account,
  fields: Omit<ApiKeyRecord, 'api_key_id' | 'public_key' | 'key_type'>,
  publicKey: KeyObject,
): ApiKeyRecord {
  const record: ApiKeyRecord = {
    api_key_id: randomUUID(),
    name: fields.name,
    scopes: [...fields.scopes],
    subaccount: fields.subaccount,
    fcm_subtrader_id: fields.fcm_subtrader_id,
    key_type: publicKey.asymmetricKeyType === 'ed25519' ? 'ed25519' : 'rsa',
    public_key: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
  account.keys.set(record.api_key_id, { record, publicKey });
  return record;
}

/** Private keys in the shape Kalshi hands them out: RSA as PKCS#1, Ed25519 as PKCS#8. */
function exportPrivate(privateKey: KeyObject, type: KeyType): string {
  return privateKey.export({ type: type === 'rsa' ? 'pkcs1' : 'pkcs8', format: 'pem' }).toString();
}

export function makeKeyPairSync(type: KeyType): { publicKey: KeyObject; privateKeyPem: string } {
  const { publicKey, privateKey } = type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
  return { publicKey, privateKeyPem: exportPrivate(privateKey, type) };
}

/** Async variant for the HTTP handler, so RSA generation does not stall other requests. */
export async function makeKeyPair(type: KeyType): Promise<{ publicKey: KeyObject; privateKeyPem: string }> {
  const { publicKey, privateKey } =
    type === 'rsa' ? await generateKeyPairAsync('rsa', { modulusLength: 2048 }) : await generateKeyPairAsync('ed25519');
  return { publicKey, privateKeyPem: exportPrivate(privateKey, type) };
}

export function copyRecord(r: ApiKeyRecord): ApiKeyRecord {
  return { ...r, scopes: [...r.scopes] };
}
