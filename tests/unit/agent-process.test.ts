/**
 * kalshi-keys-agent as a browser runs it: a relay started with the caller's origin, whose stdin and
 * stdout are the native port, which starts the agent as a process of its own. The test plays the
 * browser (answering each sign request with the extension's own lib/bots), closes and reopens it,
 * and plays a bot; the local exchange verifies every signature on its own.
 */
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botGet, CHROME_ORIGIN, gone, isRunning, ROOT, startBrowser, startSandbox, type Sandbox } from '../helpers/agent-browser';

const RELAY = ['--import', 'tsx', join(ROOT, 'agent/src/bin.ts'), CHROME_ORIGIN];
const BALANCE = '/trade-api/v2/portfolio/balance';
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

describe('the agent, started by the browser, outlives it', () => {
  let port: number;
  let pid: number;

  it('the relay starts the agent, which says hello; a bot’s request is signed, and its outcome reported', async () => {
    const browser = startBrowser(process.execPath, RELAY, sandbox);
    const hello = await browser.next('hello');
    pid = hello.pid;
    port = hello.port;
    expect(hello).toEqual({ type: 'hello', port: expect.any(Number), version: '0.1.0', pid: expect.any(Number) });
    expect(hello.pid).not.toBe(browser.relay.pid);

    const balance = await botGet(port, sandbox.token, BALANCE);
    expect(balance.status).toBe(200);
    expect(JSON.parse(balance.body)).toMatchObject({ balance: expect.any(Number) });
    const signed = await browser.next('sign');
    expect(signed).toMatchObject({ method: 'GET', path: BALANCE, token: sandbox.token });
    expect(await browser.next('outcome')).toEqual({ type: 'outcome', id: signed.id, status: 200 });
    expect((await botGet(port, sandbox.token, '/trade-api/v2/api_keys')).status).toBe(200); // the key list: a read

    browser.relay.stdin.end(); // the browser quits
    expect(await browser.exited()).toBe(0);
  });

  it('with the browser closed, the agent stays and answers bots 503 in words', async () => {
    expect(isRunning(pid)).toBe(true);
    const closed = await botGet(port, sandbox.token, BALANCE);
    expect(closed.status).toBe(503);
    expect(JSON.parse(closed.body)).toEqual({
      error: {
        code: 'browser_closed',
        message: expect.stringContaining('The browser holding your keys is closed'),
        details: 'kalshi-keys-agent',
      },
    });
  });

  it('the browser started again links to the same agent; a second browser meanwhile is told it is busy', async () => {
    const browser = startBrowser(process.execPath, RELAY, sandbox);
    expect(await browser.next('hello')).toMatchObject({ port, pid });
    expect((await botGet(port, sandbox.token, BALANCE)).status).toBe(200);

    const second = startBrowser(process.execPath, RELAY, sandbox);
    expect(await second.next('busy')).toEqual({ type: 'busy', port });
    expect(await second.exited()).toBe(0);
    expect((await botGet(port, sandbox.token, BALANCE)).status).toBe(200); // the first is still linked

    browser.relay.stdin.write(Buffer.from([5, 0, 0, 0, ...Buffer.from('"hi!"')])); // not a message it knows: ignored
    browser.relay.stdin.end();
    await browser.exited();
  });

  it('off: the agent stops, and its port is closed', async () => {
    const browser = startBrowser(process.execPath, RELAY, sandbox);
    await browser.next('hello');
    browser.relay.stdin.write(Buffer.from([14, 0, 0, 0, ...Buffer.from('{"type":"off"}')]));
    expect(await browser.exited()).toBe(0);
    expect(await gone(pid)).toBe(true);
    await expect(botGet(port, sandbox.token, BALANCE)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('an agent that cannot start: the relay says why on the port, in words', async () => {
    const taken = createServer();
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
    const takenPort = (taken.address() as AddressInfo).port;
    const env = { ...sandbox.env, KALSHI_KEYS_AGENT_PORT: String(takenPort), KALSHI_KEYS_AGENT_SOCKET: join(sandbox.folder, 'taken.sock') };
    const browser = startBrowser(process.execPath, RELAY, { ...sandbox, env });
    expect(await browser.next('error')).toEqual({
      type: 'error',
      message: `Port ${takenPort} is in use by another program: close it, or set KALSHI_KEYS_AGENT_PORT to a free port (and point your bots there).`,
    });
    expect(await browser.exited()).toBe(1);
    await new Promise((done) => taken.close(done));
  });
});
