/**
 * Playing the browser for the agent's process tests (tests/unit/agent-process*.test.ts): the local
 * exchange holding a key, a Read grant and its token, the extension's own signing (lib/bots), and
 * relays started as a browser starts a native host, each with its own native port.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { encodeMessage, readMessages } from '../../agent/src/native-messaging';
import { isFromAgent, type FromAgent } from '../../agent/src/protocol';
import { startExchange, type Exchange } from '../../exchange/server';
import { createBudgets } from '../../lib/bots/budget';
import { PRESETS, type Grant } from '../../lib/bots/grants';
import { createBotSigning } from '../../lib/bots/signing';
import { hashToken, newToken } from '../../lib/bots/tokens';
import { importPrivateKey } from '../../lib/key-formats/crypto-keys';
import { parsePrivateKeyPem } from '../../lib/key-formats/pem';

export const ROOT = resolve(import.meta.dirname, '../..');
/** As Chrome starts a host: the caller's origin first. */
export const CHROME_ORIGIN = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop/';

/** Every agent started by a test, by the pid its hello named. */
const agents = new Set<number>();

export interface Sandbox {
  exchange: Exchange;
  /** The bot's token for a Read grant over the exchange's key. */
  token: string;
  sign: ReturnType<typeof createBotSigning>;
  /** The agent's environment: any free port, a control socket of its own, the exchange in Kalshi's place. */
  env: Record<string, string | undefined>;
  folder: string;
  /** Kills every agent a hello named, closes the exchange, removes the folder: nothing left behind. */
  close(): Promise<void>;
}

export async function startSandbox(): Promise<Sandbox> {
  const exchange = await startExchange({ port: 0 });
  const seeded = exchange.seedAccount('demo', { name: 'bot key' });
  const key = {
    keyId: seeded.keyId,
    algorithm: 'RSA-PSS' as const,
    privateKey: await importPrivateKey(parsePrivateKeyPem(seeded.privateKeyPem)),
  };
  const token = newToken();
  const grant: Grant = {
    id: 'g',
    name: 'reader',
    environment: 'demo',
    keyId: key.keyId,
    account: null,
    powers: [...PRESETS.read],
    createdAt: Date.now(),
    expiresAt: Date.now() + 600_000,
    perSecond: 50,
    tokenHash: await hashToken(token),
  };
  const sign = createBotSigning({
    grants: async () => [grant],
    keyOf: async () => key,
    budgets: createBudgets(),
    now: Date.now,
    paused: () => false,
  });
  const folder = mkdtempSync(join(tmpdir(), 'kka-'));
  writeFileSync(join(folder, 'sandbox.pem'), exchange.ca);
  const env = {
    ...process.env,
    KALSHI_KEYS_AGENT_PORT: '0',
    KALSHI_KEYS_AGENT_SOCKET: join(folder, 'agent.sock'),
    KALSHI_KEYS_AGENT_CONNECT_TO: `127.0.0.1:${exchange.port}`,
    NODE_EXTRA_CA_CERTS: join(folder, 'sandbox.pem'),
  };
  return {
    exchange,
    token,
    sign,
    env,
    folder,
    async close() {
      for (const pid of agents) if (isRunning(pid)) process.kill(pid);
      await exchange.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

export interface Browser {
  relay: ChildProcessWithoutNullStreams;
  /** Every message the agent sent on this port. */
  messages: FromAgent[];
  /** The first message of this type, once it has come. */
  next<T extends FromAgent['type']>(type: T): Promise<Extract<FromAgent, { type: T }>>;
  exited(): Promise<number | null>;
}

/** A browser starting its native host, `file` with `args`: sign requests answered by the extension's code. */
export function startBrowser(file: string, args: string[], sandbox: Sandbox): Browser {
  const relay = spawn(file, args, { cwd: ROOT, env: sandbox.env });
  const messages: FromAgent[] = [];
  const waiting: Array<() => void> = [];
  readMessages(
    relay.stdout,
    (message) => {
      if (!isFromAgent(message)) return;
      messages.push(message);
      if (message.type === 'hello') agents.add(message.pid);
      for (const wake of waiting.splice(0)) wake();
      if (message.type !== 'sign') return;
      const { id, type: _sign, ...asked } = message;
      void sandbox.sign({ ...asked, token: asked.token }).then((answer) => relay.stdin.write(encodeMessage({ id, answer })));
    },
    () => undefined,
  );
  let said = '';
  relay.stderr.on('data', (chunk: Buffer) => (said += chunk.toString()));
  const exit = new Promise<number | null>((done) => relay.once('close', (code) => done(code)));
  return {
    relay,
    messages,
    next: <T extends FromAgent['type']>(type: T) =>
      new Promise<Extract<FromAgent, { type: T }>>((done, fail) => {
        const look = () => {
          const found = messages.find((m): m is Extract<FromAgent, { type: T }> => m.type === type);
          if (found) return done(found);
          waiting.push(look);
        };
        look();
        void exit.then((code) => fail(new Error(`the relay exited (${code}) before a ${type} message: ${said}`)));
      }),
    exited: () => exit,
  };
}

/** A bot's GET to the agent. */
export const botGet = (port: number, token: string, path: string) =>
  new Promise<{ status: number; body: string }>((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { 'KALSHI-ACCESS-KEY': token } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });

export const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Waits until process `pid` has gone (up to 5 s). */
export async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && isRunning(pid); i++) await new Promise((r) => setTimeout(r, 50));
  return !isRunning(pid);
}
