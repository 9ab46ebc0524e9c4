/** Where the agent's control socket is, who may reach it, and what a dead agent leaves there (agent/src/control-socket.ts). */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectTo, controlSocketPath, listenControl, privateFolder, type Computer } from '../../agent/src/control-socket';
import { stopAgent } from '../../agent/src/stop';

const folder = mkdtempSync(join(tmpdir(), 'kka-control-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const ann: Computer = { platform: 'linux', uid: 1000, user: 'ann', tmp: '/tmp' };
const uid = process.getuid!();

describe('the control socket’s path', () => {
  it('is KALSHI_KEYS_AGENT_SOCKET, or one per user and port in the runtime folder, or a named pipe on Windows', () => {
    expect(controlSocketPath({ KALSHI_KEYS_AGENT_SOCKET: '/x/a.sock' }, ann)).toBe('/x/a.sock');
    expect(controlSocketPath({ XDG_RUNTIME_DIR: '/run/user/1000' }, ann)).toBe('/run/user/1000/kalshi-keys-agent-1000/agent-8127.sock');
    expect(controlSocketPath({ KALSHI_KEYS_AGENT_PORT: '9000' }, ann)).toBe('/tmp/kalshi-keys-agent-1000/agent-9000.sock');
    expect(controlSocketPath({}, { ...ann, platform: 'win32' })).toBe('\\\\.\\pipe\\kalshi-keys-agent-ann-8127');
  });

  it('its folder is made for this user alone, and refused when others may open it or it is not theirs', () => {
    const made = join(folder, 'made');
    privateFolder(made, uid);
    expect(statSync(made).mode & 0o777).toBe(0o700);
    expect(() => privateFolder(made, uid + 1)).toThrow(/not a folder only you can open.*KALSHI_KEYS_AGENT_SOCKET/);
    chmodSync(made, 0o777);
    expect(() => privateFolder(made, uid)).toThrow(`${made} is not a folder only you can open`);
  });
});

describe('listening on it', () => {
  it('a socket left by an agent that died is replaced; a live agent’s is refused in words', async () => {
    const path = join(folder, 'stale.sock');
    // An agent killed outright leaves its socket file behind.
    const dead = spawn(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`,
    ]);
    await once(dead, 'exit');
    expect(existsSync(path)).toBe(true);
    await expect(connectTo(path)).rejects.toThrow(/ECONNREFUSED/);

    const server = await listenControl(path, (socket) => socket.end());
    await expect(listenControl(path, () => undefined)).rejects.toThrow(
      /Another kalshi-keys-agent is already running .*kalshi-keys-agent stop/,
    );
    await new Promise((done) => server.close(done));
  });

  it('stop, with no agent running, says so', async () => {
    expect(await stopAgent({ KALSHI_KEYS_AGENT_SOCKET: join(folder, 'none.sock') })).toBe('kalshi-keys-agent is not running.');
  });
});
