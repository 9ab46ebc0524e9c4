/** kalshi-keys-agent's install and uninstall commands (agent/src/cli.ts), and its port setting. */
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { command, thisSystem, type System } from '../../agent/src/cli';
import { HOST_NAME } from '../../agent/src/install';
import { VERSION } from '../../agent/src/protocol';
import { DEFAULT_PORT, portFrom, upstreamFrom } from '../../agent/src/settings';
import { GECKO_ID } from '../../scripts/firefox';

const ID = 'abcdefghijklmnopabcdefghijklmnop';

/** A system that records what the commands do. */
function recording(platform: 'linux' | 'win32'): System & { files: Map<string, string>; regs: string[][] } {
  const files = new Map<string, string>();
  const regs: string[][] = [];
  return {
    files,
    regs,
    where: { platform, home: platform === 'win32' ? 'C:\\L' : '/home/ann', agentScript: '/a/main.js', node: '/n' },
    write: (path, text) => void files.set(path, text),
    remove: (path) => void files.delete(path),
    reg: (args) => void regs.push(args),
  };
}

describe('kalshi-keys-agent install / uninstall', () => {
  const realHome = process.env.HOME;
  afterEach(() => {
    process.env.HOME = realHome;
  });

  it('installs for Chrome with the extension’s id, and uninstall takes it all away', () => {
    const system = recording('linux');
    expect(command(['install', 'chrome', '--extension-id', ID], system)).toContain('registered for chrome');
    expect([...system.files.keys()]).toEqual([
      '/home/ann/.config/google-chrome/NativeMessagingHosts/kalshi-keys-agent.sh',
      `/home/ann/.config/google-chrome/NativeMessagingHosts/${HOST_NAME}.json`,
    ]);
    command(['uninstall', 'chrome'], system);
    expect(system.files.size).toBe(0);
  });

  it('on Windows, the manifest’s path goes into the browser’s registry key, and comes out again', () => {
    const system = recording('win32');
    command(['install', 'edge', '--extension-id', ID], system);
    const manifest = `C:\\L\\kalshi-keys-agent\\edge\\${HOST_NAME}.json`;
    const key = `HKCU\\Software\\Microsoft\\Edge\\NativeMessagingHosts\\${HOST_NAME}`;
    expect(system.regs).toEqual([['add', key, '/ve', '/t', 'REG_SZ', '/d', manifest, '/f']]);
    command(['uninstall', 'edge'], system);
    expect(system.regs[1]).toEqual(['delete', key, '/f']);
  });

  it('--profile-dir registers for that browser profile alone, and uninstall takes it away', () => {
    const system = recording('linux');
    command(['install', 'chromium', '--profile-dir', '/tmp/p', '--extension-id', ID], system);
    expect([...system.files.keys()]).toEqual([
      '/tmp/p/NativeMessagingHosts/kalshi-keys-agent.sh',
      `/tmp/p/NativeMessagingHosts/${HOST_NAME}.json`,
    ]);
    command(['uninstall', 'chromium', '--profile-dir', '/tmp/p'], system);
    expect(system.files.size).toBe(0);
    expect(() => command(['install', 'chromium', '--extension-id', ID, '--profile-dir'], system)).toThrow(/--profile-dir needs a folder/);
  });

  it('a bad command or a missing id: words, and nothing written', () => {
    const system = recording('linux');
    expect(() => command(['install', 'safari'], system)).toThrow(
      /Usage: kalshi-keys-agent install\|uninstall chrome\|chromium\|edge\|brave\|firefox .*--profile-dir.*stop/,
    );
    expect(() => command(['install', 'chrome'], system)).toThrow(/32 letters a–p/);
    expect(() => command(['install', 'chrome', '--extension-id', 'nope'], system)).toThrow(/32 letters a–p/);
    expect(system.files.size).toBe(0);
  });

  it('on this computer: writes the launcher (executable) and a Firefox manifest naming the add-on', () => {
    process.env.HOME = mkdtempSync(join(tmpdir(), 'kka-home-'));
    command(['install', 'firefox'], thisSystem('/opt/agent/main.js'));
    const folder = join(process.env.HOME, '.mozilla/native-messaging-hosts');
    const manifest = JSON.parse(readFileSync(join(folder, `${HOST_NAME}.json`), 'utf8')) as { allowed_extensions: string[]; path: string };
    expect(manifest.allowed_extensions).toEqual([GECKO_ID]);
    expect(statSync(manifest.path).mode & 0o111).not.toBe(0);
    command(['uninstall', 'firefox'], thisSystem('/opt/agent/main.js'));
    expect(existsSync(manifest.path)).toBe(false);
  });
});

describe('the agent’s port', () => {
  it('is 8127 unless KALSHI_KEYS_AGENT_PORT names another (0: any free one); a bad one is refused in words', () => {
    expect(portFrom({})).toBe(DEFAULT_PORT);
    expect(portFrom({ KALSHI_KEYS_AGENT_PORT: '9000' })).toBe(9000);
    expect(portFrom({ KALSHI_KEYS_AGENT_PORT: '0' })).toBe(0); // any free port
    for (const bad of ['70000', 'http', '80.5', '-1', '1e3'])
      expect(() => portFrom({ KALSHI_KEYS_AGENT_PORT: bad })).toThrow(/must be a port number/);
  });

  it('sends to Kalshi’s host unless KALSHI_KEYS_AGENT_CONNECT_TO names a host:port (the local sandbox)', () => {
    expect(upstreamFrom({})).toBeUndefined();
    expect(upstreamFrom({ KALSHI_KEYS_AGENT_CONNECT_TO: '127.0.0.1:8443' })?.('external-api.kalshi.com')).toEqual({
      host: '127.0.0.1',
      port: 8443,
    });
    for (const bad of ['127.0.0.1', 'https://x:1', 'a b:1'])
      expect(() => upstreamFrom({ KALSHI_KEYS_AGENT_CONNECT_TO: bad })).toThrow(/must be host:port/);
  });
});

describe('the agent’s package', () => {
  it('says its version in hello, and runs the bundle that build:agent makes', () => {
    const agentPackage = JSON.parse(readFileSync(join(import.meta.dirname, '../../agent/package.json'), 'utf8')) as Record<string, unknown>;
    const rootPackage = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(agentPackage.version).toBe(VERSION);
    expect(agentPackage.bin).toEqual({ 'kalshi-keys-agent': 'dist/kalshi-keys-agent.mjs' });
    expect(rootPackage.scripts['build:agent']).toContain('--outfile=agent/dist/kalshi-keys-agent.mjs');
  });
});
