/**
 * `npm run sandbox`: a local Kalshi exchange with a demo and a production account, each
 * holding one full-access RSA key whose private half is written to .sandbox/<env>-key.pem
 * (SANDBOX_SECOND_ACCOUNT=1 adds a second account per environment, .sandbox/<env>-second-key.pem).
 * State is in memory, so fresh keys are made (and the files overwritten) on every start.
 * Environment variables (see sandboxSettingsFromEnv) set the tier and the answers worth trying.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  startExchange,
  TIERS,
  type AccountRef,
  UPLOAD_REFUSAL_SHAPES,
  type Attestation,
  type Env,
  type Exchange,
  type Tier,
  type UploadAllowed,
  type UploadRefusalShape,
} from './server';
import { SANDBOX_DIR } from './tls';

export const DEFAULT_SANDBOX_PORT = 8443;
/** Label of the account SANDBOX_SECOND_ACCOUNT=1 adds in each environment. */
export const SECOND_ACCOUNT = 'second';

export interface SandboxAccount {
  keyId: string;
  /** Absolute path of the PEM private key (mode 0600). */
  keyPath: string;
}

export interface Sandbox {
  exchange: Exchange;
  /** The default account of each environment. */
  accounts: Record<Env, SandboxAccount>;
  /** With SANDBOX_SECOND_ACCOUNT=1: the account labelled SECOND_ACCOUNT in each environment. */
  secondAccounts?: Record<Env, SandboxAccount>;
}

export function sandboxPort(): number {
  const raw = process.env.SANDBOX_PORT;
  if (raw === undefined || raw === '') return DEFAULT_SANDBOX_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`SANDBOX_PORT is not a port: ${raw}`);
  return port;
}

/** Writes a secret atomically with mode 0600 (a reader never sees a half-written key). */
async function writeSecret(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, content, { mode: 0o600 });
  await chmod(tmp, 0o600); // in case the umask or an old file interfered
  await rename(tmp, path);
}

/** What the sandbox accounts look like; every field optional (the defaults are Kalshi's usual answers). */
export interface SandboxSettings {
  /** SANDBOX_TIER (default basic). */
  tier?: Tier;
  /** SANDBOX_UPLOAD_REFUSAL: the upload 403's body, forbidden | no-code | spec. */
  uploadRefusal?: UploadRefusalShape;
  /** SANDBOX_UPLOAD: by-tier (default) | allowed | refused, e.g. refused at prime for a lapsed grant. */
  uploadAllowed?: UploadAllowed;
  /** SANDBOX_FCM=1: both accounts are FCM members. */
  fcm?: boolean;
  /** SANDBOX_ATTESTATION: missing drops api_key_region_expiration_ts, expired puts it in the past. */
  attestation?: Attestation;
  /** SANDBOX_REGION_EXPIRATION: api_key_region_expiration_ts in seconds. */
  regionExpirationTs?: number;
  /** SANDBOX_API_ORDER=1: POST /account/api_usage_level/upgrade succeeds. */
  recentApiOrder?: boolean;
  /**
   * SANDBOX_SECOND_ACCOUNT=1: a second account in each environment, with the same settings but its
   * own user id, communications id and key, to see how the extension tells two accounts apart.
   */
  secondAccount?: boolean;
}

function oneOf<T extends string>(name: string, raw: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(raw)) throw new Error(`${name} must be one of ${allowed.join(', ')}`);
  return raw as T;
}

/** Reads the SANDBOX_* variables; unset or empty ones keep the default. Throws on a value it does not know. */
export function sandboxSettingsFromEnv(vars: NodeJS.ProcessEnv = process.env): SandboxSettings {
  const s: SandboxSettings = {};
  const v = (name: string) => (vars[name] === undefined || vars[name] === '' ? undefined : vars[name]);
  const flag = (name: string) => oneOf(name, v(name) ?? '0', ['0', '1']) === '1';
  if (v('SANDBOX_TIER')) s.tier = oneOf('SANDBOX_TIER', v('SANDBOX_TIER')!, TIERS);
  if (v('SANDBOX_UPLOAD_REFUSAL')) s.uploadRefusal = oneOf('SANDBOX_UPLOAD_REFUSAL', v('SANDBOX_UPLOAD_REFUSAL')!, UPLOAD_REFUSAL_SHAPES);
  if (v('SANDBOX_UPLOAD')) {
    const u = oneOf('SANDBOX_UPLOAD', v('SANDBOX_UPLOAD')!, ['by-tier', 'allowed', 'refused']);
    s.uploadAllowed = u === 'by-tier' ? u : u === 'allowed';
  }
  if (v('SANDBOX_FCM')) s.fcm = flag('SANDBOX_FCM');
  if (v('SANDBOX_ATTESTATION'))
    s.attestation = oneOf<Attestation>('SANDBOX_ATTESTATION', v('SANDBOX_ATTESTATION')!, ['ok', 'missing', 'expired']);
  if (v('SANDBOX_REGION_EXPIRATION')) {
    const raw = v('SANDBOX_REGION_EXPIRATION')!;
    if (!/^\d{1,12}$/.test(raw)) throw new Error('SANDBOX_REGION_EXPIRATION must be seconds since the epoch');
    s.regionExpirationTs = Number(raw);
  }
  if (v('SANDBOX_API_ORDER')) s.recentApiOrder = flag('SANDBOX_API_ORDER');
  if (v('SANDBOX_SECOND_ACCOUNT')) s.secondAccount = flag('SANDBOX_SECOND_ACCOUNT');
  return s;
}

function applySettings(exchange: Exchange, ref: AccountRef, s: SandboxSettings): void {
  if (s.uploadRefusal) exchange.setUploadRefusal(s.uploadRefusal);
  if (s.uploadAllowed !== undefined) exchange.setUploadAllowed(ref, s.uploadAllowed);
  if (s.fcm !== undefined) exchange.setFcmMember(ref, s.fcm);
  if (s.regionExpirationTs !== undefined) exchange.setRegionExpiration(ref, s.regionExpirationTs);
  if (s.attestation) exchange.setLocationAttestation(ref, s.attestation);
  if (s.recentApiOrder !== undefined) exchange.setRecentApiOrder(ref, s.recentApiOrder);
}

/** One account shaped by the settings, with one full-access RSA key whose private half goes to `keyPath`. */
async function seedSandboxAccount(
  exchange: Exchange,
  ref: AccountRef,
  settings: SandboxSettings,
  keyPath: string,
): Promise<SandboxAccount> {
  applySettings(exchange, ref, settings);
  const { keyId, privateKeyPem } = exchange.seedAccount(ref, {
    usageTier: settings.tier ?? 'basic',
    scopes: ['read', 'write'],
    name: 'sandbox',
    keyType: 'rsa',
  });
  await writeSecret(keyPath, privateKeyPem);
  return { keyId, keyPath };
}

/**
 * Starts the exchange and seeds both environments (scopes read+write, key name "sandbox"), shaped by
 * `settings` (default: the SANDBOX_* variables; tier basic when none is given), and with
 * `settings.secondAccount` a second account in each, shaped alike.
 */
export async function startSandbox(
  port: number = sandboxPort(),
  options: { host?: string; dir?: string; settings?: SandboxSettings } = {},
): Promise<Sandbox> {
  const dir = options.dir ?? SANDBOX_DIR;
  const settings = options.settings ?? sandboxSettingsFromEnv();
  await mkdir(dir, { recursive: true });
  const exchange = await startExchange({ port, ...(options.host ? { host: options.host } : {}) });
  try {
    const accounts = {} as Record<Env, SandboxAccount>;
    const second = {} as Record<Env, SandboxAccount>;
    for (const env of ['demo', 'production'] as const) {
      accounts[env] = await seedSandboxAccount(exchange, env, settings, join(dir, `${env}-key.pem`));
      if (settings.secondAccount) {
        const ref = { env, account: SECOND_ACCOUNT };
        second[env] = await seedSandboxAccount(exchange, ref, settings, join(dir, `${env}-${SECOND_ACCOUNT}-key.pem`));
      }
    }
    return { exchange, accounts, ...(settings.secondAccount ? { secondAccounts: second } : {}) };
  } catch (err) {
    await exchange.close();
    throw err;
  }
}

/** Human-readable summary (no secrets: only key ids and file paths). */
export function describeSandbox({ exchange, accounts, secondAccounts }: Sandbox): string {
  const p = exchange.port;
  const describe = (title: string, ref: AccountRef, { keyId, keyPath }: SandboxAccount) => [
    `  ${title}`,
    `    key id:      ${keyId}`,
    `    private key: ${relative(process.cwd(), keyPath) || keyPath}`,
    `    user id:     ${exchange.userId(ref)} (FCM subtrader ids are {user id}_{suffix})`,
  ];
  const lines = [
    `Kalshi sandbox exchange listening on ${exchange.url}`,
    '',
    ...(['demo', 'production'] as const).flatMap((env) => [
      ...describe(env, env, accounts[env]),
      ...(secondAccounts ? describe(`${env}, ${SECOND_ACCOUNT} account`, { env, account: SECOND_ACCOUNT }, secondAccounts[env]) : []),
    ]),
    '',
    'Point a browser at it with:',
    `  --host-resolver-rules="MAP external-api.kalshi.com:443 127.0.0.1:${p}, MAP api.elections.kalshi.com:443 127.0.0.1:${p}, ` +
      `MAP external-api.demo.kalshi.co:443 127.0.0.1:${p}, MAP demo-api.kalshi.co:443 127.0.0.1:${p}" --ignore-certificate-errors`,
    `Certificate: ${relative(process.cwd(), join(SANDBOX_DIR, 'tls', 'cert.pem'))}`,
    'Settings: SANDBOX_TIER, SANDBOX_UPLOAD_REFUSAL (forbidden|no-code|spec), SANDBOX_UPLOAD (by-tier|allowed|refused),',
    '  SANDBOX_FCM=1, SANDBOX_ATTESTATION (missing|expired), SANDBOX_REGION_EXPIRATION (seconds), SANDBOX_API_ORDER=1,',
    '  SANDBOX_SECOND_ACCOUNT=1 (a second account per environment, with its own key).',
    'Press Ctrl+C to stop.',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  let sandbox: Sandbox;
  try {
    sandbox = await startSandbox();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') {
      console.error(`Port ${sandboxPort()} is in use: stop the other process or set SANDBOX_PORT.`);
    } else {
      console.error(`Could not start the sandbox: ${e.message}`);
    }
    process.exit(1);
  }
  console.log(describeSandbox(sandbox));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the sandbox.`);
    sandbox.exchange.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

// Run only when executed directly (tsx exchange/cli.ts), not when imported by scripts/start.ts.
function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  void main();
}
