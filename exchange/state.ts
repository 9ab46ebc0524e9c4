/**
 * The sandbox exchange's in-memory state: accounts (several per environment, see accounts.ts), each
 * with its API keys and the account facts Kalshi reports. Only public keys are kept, as on Kalshi.
 */
import { generateKeyPair, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

const generateKeyPairAsync = promisify(generateKeyPair);

export type Env = 'production' | 'demo';
export const ENVS: readonly Env[] = ['production', 'demo'];

export type Tier = 'basic' | 'advanced' | 'expert' | 'premier' | 'paragon' | 'prime' | 'prestige';
export const TIERS: readonly Tier[] = ['basic', 'advanced', 'expert', 'premier', 'paragon', 'prime', 'prestige'];
/** Tiers allowed to upload their own public key (Kalshi: "Premier or Market Maker"). */
// Guess: the tiers above Premier may upload too (the doc names only "Premier or Market Maker").
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

/** One entry of `grants` in GET /account/limits. */
export interface Grant {
  exchange_instance: 'event_contract' | 'margined';
  level: Tier;
  /** A plain string in Kalshi's spec, described as 'volume' or 'manual'; tests may send any other. */
  source: string;
  /** Seconds; absent = permanent. */
  expires_ts?: number;
}

/** One entry of `volume_progress` in GET /account/api_usage_level/volume_progress. */
export interface VolumeProgress {
  computed_ts: number;
  /** Contracts, 2 decimals, as a string. */
  trailing_30d_volume_fp: string;
  goals: Array<{ level: Tier; earn_volume_goal_fp: string; keep_volume_goal_fp: string }>;
}

/** 'by-tier': Premier and above may upload; true/false force the answer (e.g. a grant that lapsed). */
export type UploadAllowed = boolean | 'by-tier';

/**
 * 'ok', or what limits API trading in Sports, Elections and Entertainment markets until the user
 * verifies their location again. The sandbox serves no trading endpoint: it shows only in
 * api_key_region_expiration_ts.
 */
export type Attestation = 'ok' | 'missing' | 'expired';

export interface Account {
  /** The sandbox's name for the account (Kalshi has none): 'main' unless a test names another. */
  label: string;
  usageTier: Tier;
  /** FCM members may bind keys to an fcm_subtrader_id. */
  isFcm: boolean;
  /** Kalshi's user id: the `{user_id}` of `{user_id}_{suffix}` subtrader ids. */
  userId: string;
  /** GET /communications/id: stable for the account. */
  communicationsId: string;
  keys: Map<string, StoredKey>;
  uploadAllowed: UploadAllowed;
  /** api_key_region_expiration_ts in seconds; null = absent (the account never attested). */
  regionExpirationTs: number | null;
  /** null: derived from the tier (a 30-day volume grant above basic). */
  grants: Grant[] | null;
  /** Whether one of the account's last 100 orders came through the API (POST .../upgrade). */
  hasRecentApiOrder: boolean;
  /** null: the sandbox's default progress report. */
  volumeProgress: VolumeProgress[] | null;
  /** Per subaccount (0 = primary), in cents. */
  balances: Map<number, { balance: number; portfolioValue: number }>;
  /** Orders placed through the API, oldest first: accepted, recorded and echoed, never matched. */
  orders: SandboxOrder[];
}

/** An order as Kalshi's GET /portfolio/orders describes one (the fields a bot reads first). */
export interface SandboxOrder {
  order_id: string;
  user_id: string;
  client_order_id: string;
  ticker: string;
  side: 'yes' | 'no';
  action: 'buy' | 'sell';
  type: 'limit' | 'market';
  status: 'resting';
  yes_price: number;
  no_price: number;
  yes_price_dollars: string;
  no_price_dollars: string;
  initial_count: number;
  remaining_count: number;
  fill_count: number;
  created_time: string;
  /** The key that placed it. */
  placed_by: string;
}

/** Per-second read/write token budgets (Kalshi, October 2026); the sandbox reports them, never enforces them. */
export const TIER_LIMITS: Record<Tier, { read: number; write: number }> = {
  basic: { read: 200, write: 100 },
  advanced: { read: 300, write: 300 },
  expert: { read: 600, write: 600 },
  premier: { read: 1200, write: 1200 },
  paragon: { read: 2400, write: 2400 },
  prime: { read: 4800, write: 4800 },
  prestige: { read: 12000, write: 9600 },
};

/**
 * GET /account/limits' buckets for a tier. Kalshi: bucket_capacity is 3× refill_rate for Write above
 * Basic and for Read at Basic and Advanced; otherwise it equals refill_rate.
 */
export function bucketsOf(tier: Tier): Record<'read' | 'write', { refill_rate: number; bucket_capacity: number }> {
  const { read, write } = TIER_LIMITS[tier];
  const readTimes = tier === 'basic' || tier === 'advanced' ? 3 : 1;
  const writeTimes = tier === 'basic' ? 1 : 3;
  return {
    read: { refill_rate: read, bucket_capacity: read * readTimes },
    write: { refill_rate: write, bucket_capacity: write * writeTimes },
  };
}

export const DEFAULT_BALANCE_CENTS = 100_000;
const DAY_S = 86_400;

export function isTier(value: unknown): value is Tier {
  return typeof value === 'string' && (TIERS as readonly string[]).includes(value);
}

export function newAccount(label: string, tier: Tier = 'basic'): Account {
  return {
    label,
    usageTier: tier,
    isFcm: false,
    userId: randomUUID(),
    communicationsId: randomUUID(),
    keys: new Map(),
    uploadAllowed: 'by-tier',
    regionExpirationTs: null,
    grants: null,
    hasRecentApiOrder: false,
    volumeProgress: null,
    balances: new Map([[0, { balance: DEFAULT_BALANCE_CENTS, portfolioValue: 0 }]]),
    orders: [],
  };
}

export function mayUpload(acc: Account): boolean {
  return acc.uploadAllowed === 'by-tier' ? UPLOAD_TIERS.has(acc.usageTier) : acc.uploadAllowed;
}

/** Tiers above basic are earned by volume since June 2026: a 30-day grant, renewed daily. */
export function grantsOf(acc: Account, nowS: number): Grant[] {
  if (acc.grants) return acc.grants.map((g) => ({ ...g }));
  // Guess: a tier above basic comes from one volume grant of the predictions lane (the usual way since June 2026).
  if (acc.usageTier === 'basic') return [];
  return [{ exchange_instance: 'event_contract', level: acc.usageTier, source: 'volume', expires_ts: nowS + 30 * DAY_S }];
}

/**
 * The default progress report: no volume yet. The goal figures are the sandbox's placeholders
 * (Kalshi publishes them only through this endpoint); clients must take them as data.
 */
export function volumeProgressOf(acc: Account, nowS: number): VolumeProgress[] {
  if (acc.volumeProgress) return structuredClone(acc.volumeProgress);
  // Guess: keeping a level takes three quarters of the volume that earned it (Kalshi publishes neither figure).
  const goals = (
    [
      ['expert', 10_000],
      ['premier', 100_000],
      ['paragon', 1_000_000],
      ['prime', 5_000_000],
      ['prestige', 20_000_000],
    ] as const
  ).map(([level, earn]) => ({ level, earn_volume_goal_fp: `${earn}.00`, keep_volume_goal_fp: `${earn * 0.75}.00` }));
  return [{ computed_ts: nowS - (nowS % DAY_S), trailing_30d_volume_fp: '0.00', goals }];
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

/** `{user_id}_{suffix}`, suffix 1–16 ASCII letters or digits (case-sensitive). */
export function isSubtraderIdOf(acc: Account, id: string): boolean {
  const prefix = `${acc.userId}_`;
  return id.startsWith(prefix) && /^[A-Za-z0-9]{1,16}$/.test(id.slice(prefix.length));
}
