/**
 * kalshi-keys-agent as a browser runs it: a process started with the caller's origin, whose stdin
 * and stdout are the native port. The test plays the browser (answering each sign request with the
 * extension's own lib/bots) and a bot; the local exchange verifies the signature on its own.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMessage, readMessages } from '../../agent/src/native-messaging';
import { startExchange, type Exchange } from '../../exchange/server';
import { createBudgets } from '../../lib/bots/budget';
import { PRESETS, type Grant } from '../../lib/bots/grants';
import { createBotSigning, type BotRequest } from '../../lib/bots/signing';
import { hashToken, newToken } from '../../lib/bots/tokens';
import { importPrivateKey } from '../../lib/key-formats/crypto-keys';
import { parsePrivateKeyPem } from '../../lib/key-formats/pem';

const ROOT = resolve(import.meta.dirname, '../..');
let exchange: Exchange;
let agent: ChildProcessWithoutNullStreams;
let port: number;
let token: string;
const exited = () =>
  new Promise<number | null>((done) => (agent.exitCode !== null ? done(agent.exitCode) : agent.once('exit', (code) => done(code))));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port: free } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return free;
}

beforeAll(async () => {
  exchange = await startExchange({ port: 0 });
  const seeded = exchange.seedAccount('demo', { name: 'bot key' });
  const key = {
    keyId: seeded.keyId,
    algorithm: 'RSA-PSS' as const,
    privateKey: await importPrivateKey(parsePrivateKeyPem(seeded.privateKeyPem)),
  };
  token = newToken();
  const grant: Grant = {
    id: 'g',
    name: 'reader',
    environment: 'demo',
    keyId: key.keyId,
    account: null,
    powers: [...PRESETS.read],
    createdAt: Date.now(),
    expiresAt: Date.now() + 60_000,
    perSecond: 10,
    tokenHash: await hashToken(token),
  };
  const sign = createBotSigning({
    grants: async () => [grant],
    keyOf: async () => key,
    budgets: createBudgets(),
    now: Date.now,
    paused: () => false,
  });

  const ca = join(mkdtempSync(join(tmpdir(), 'kka-ca-')), 'sandbox.pem');
  writeFileSync(ca, exchange.ca);
  port = await freePort();
  agent = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'agent/src/bin.ts'), 'chrome-extension://abcdefghijklmnopabcdefghijklmnop/'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        KALSHI_KEYS_AGENT_PORT: String(port),
        KALSHI_KEYS_AGENT_CONNECT_TO: `127.0.0.1:${exchange.port}`,
        NODE_EXTRA_CA_CERTS: ca,
      },
    },
  );
  // The browser's side of the port: each sign request answered by the extension's code.
  readMessages(
    agent.stdout,
    (message) => {
      const { id, ...asked } = message as BotRequest & { id: number };
      void sign(asked).then((answer) => agent.stdin.write(encodeMessage({ id, answer })));
    },
    () => undefined,
  );
  await new Promise<void>((ready, fail) => {
    let said = '';
    agent.stderr.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      if (said.includes(`http://127.0.0.1:${port}`)) ready();
    });
    agent.once('exit', (code) => fail(new Error(`the agent exited (${code}): ${said}`)));
  });
}, 30_000);
afterAll(async () => {
  agent.kill();
  await exchange.close();
});

const get = (path: string) =>
  new Promise<{ status: number; body: string }>((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { 'KALSHI-ACCESS-KEY': token } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });

describe('the agent as a native host process', () => {
  it('signs through the port: a bot reads its balance; the browser closing the port stops the agent', async () => {
    const balance = await get('/trade-api/v2/portfolio/balance');
    expect(balance.status).toBe(200);
    expect(JSON.parse(balance.body)).toMatchObject({ balance: expect.any(Number) });
    const refused = await get('/trade-api/v2/api_keys');
    expect(refused.status).toBe(403);
    agent.stdin.end(); // the extension disconnects, or the browser quits
    expect(await exited()).toBe(0);
  });
});
