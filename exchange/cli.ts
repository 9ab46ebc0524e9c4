/**
 * `npm run sandbox`: a local Kalshi exchange with a demo and a production account, each
 * holding one full-access RSA key whose private half is written to .sandbox/<env>-key.pem.
 * State is in memory, so fresh keys are made (and the files overwritten) on every start.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startExchange, type Env, type Exchange } from './server';
import { SANDBOX_DIR } from './tls';

export const DEFAULT_SANDBOX_PORT = 8443;

export interface SandboxAccount {
  keyId: string;
  /** Absolute path of the PEM private key (mode 0600). */
  keyPath: string;
}

export interface Sandbox {
  exchange: Exchange;
  accounts: Record<Env, SandboxAccount>;
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

/** Starts the exchange and seeds both environments (tier basic, scopes read+write, key name "sandbox"). */
export async function startSandbox(port: number = sandboxPort(), options: { host?: string; dir?: string } = {}): Promise<Sandbox> {
  const dir = options.dir ?? SANDBOX_DIR;
  await mkdir(dir, { recursive: true });
  const exchange = await startExchange({ port, ...(options.host ? { host: options.host } : {}) });
  try {
    const accounts = {} as Record<Env, SandboxAccount>;
    for (const env of ['demo', 'production'] as const) {
      const { keyId, privateKeyPem } = exchange.seedAccount(env, {
        usageTier: 'basic',
        scopes: ['read', 'write'],
        name: 'sandbox',
        keyType: 'rsa',
      });
      const keyPath = join(dir, `${env}-key.pem`);
      await writeSecret(keyPath, privateKeyPem);
      accounts[env] = { keyId, keyPath };
    }
    return { exchange, accounts };
  } catch (err) {
    await exchange.close();
    throw err;
  }
}

/** Human-readable summary (no secrets: only key ids and file paths). */
export function describeSandbox({ exchange, accounts }: Sandbox): string {
  const p = exchange.port;
  const lines = [
    `Kalshi sandbox exchange listening on ${exchange.url}`,
    '',
    ...(['demo', 'production'] as const).flatMap((env) => [
      `  ${env}`,
      `    key id:      ${accounts[env].keyId}`,
      `    private key: ${relative(process.cwd(), accounts[env].keyPath) || accounts[env].keyPath}`,
    ]),
    '',
    'Point a browser at it with:',
    `  --host-resolver-rules="MAP external-api.kalshi.com:443 127.0.0.1:${p}, MAP api.elections.kalshi.com:443 127.0.0.1:${p}, ` +
      `MAP external-api.demo.kalshi.co:443 127.0.0.1:${p}, MAP demo-api.kalshi.co:443 127.0.0.1:${p}" --ignore-certificate-errors`,
    `Certificate: ${relative(process.cwd(), join(SANDBOX_DIR, 'tls', 'cert.pem'))}`,
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
