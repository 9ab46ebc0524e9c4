/** Registering kalshi-keys-agent as a native messaging host: every browser on every system, by injected platform. */
import { describe, expect, it } from 'vitest';
import { BROWSERS, HOST_NAME, installPlan, uninstallPlan, type Browser, type Platform, type Where } from '../../agent/src/install';
import { GECKO_ID } from '../../scripts/firefox';

const ID = 'abcdefghijklmnopabcdefghijklmnop';
const caller = { chromeExtensionId: ID, geckoId: GECKO_ID };
const WHERE: Record<Platform, Where> = {
  linux: { platform: 'linux', home: '/home/ann', agentScript: '/opt/agent/main.js', node: '/usr/bin/node' },
  darwin: { platform: 'darwin', home: "/Users/ann o'hara", agentScript: "/Users/ann o'hara/agent/main.js", node: '/usr/local/bin/node' },
  win32: {
    platform: 'win32',
    home: 'C:\\Users\\ann\\AppData\\Local',
    agentScript: 'C:\\agent\\main.js',
    node: 'C:\\Program Files\\nodejs\\node.exe',
  },
};

const EXPECTED_FOLDER: Record<'linux' | 'darwin', Record<Browser, string>> = {
  linux: {
    chrome: '/home/ann/.config/google-chrome/NativeMessagingHosts',
    chromium: '/home/ann/.config/chromium/NativeMessagingHosts',
    edge: '/home/ann/.config/microsoft-edge/NativeMessagingHosts',
    brave: '/home/ann/.config/BraveSoftware/Brave-Browser/NativeMessagingHosts',
    firefox: '/home/ann/.mozilla/native-messaging-hosts',
  },
  darwin: {
    chrome: "/Users/ann o'hara/Library/Application Support/Google/Chrome/NativeMessagingHosts",
    chromium: "/Users/ann o'hara/Library/Application Support/Chromium/NativeMessagingHosts",
    edge: "/Users/ann o'hara/Library/Application Support/Microsoft Edge/NativeMessagingHosts",
    brave: "/Users/ann o'hara/Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts",
    firefox: "/Users/ann o'hara/Library/Application Support/Mozilla/NativeMessagingHosts",
  },
};
const EXPECTED_KEY: Record<Browser, string> = {
  chrome: 'HKCU\\Software\\Google\\Chrome\\NativeMessagingHosts',
  chromium: 'HKCU\\Software\\Chromium\\NativeMessagingHosts',
  edge: 'HKCU\\Software\\Microsoft\\Edge\\NativeMessagingHosts',
  brave: 'HKCU\\Software\\BraveSoftware\\Brave-Browser\\NativeMessagingHosts',
  firefox: 'HKCU\\Software\\Mozilla\\NativeMessagingHosts',
};

const manifestOf = (plan: ReturnType<typeof installPlan>) => JSON.parse(plan.files[1]!.text) as Record<string, unknown>;

describe('the host registered for every browser and system', () => {
  for (const platform of ['linux', 'darwin'] as const)
    for (const browser of BROWSERS)
      it(`${platform}, ${browser}: the manifest in the browser's folder, naming an absolute launcher`, () => {
        const plan = installPlan(browser, WHERE[platform], caller);
        const folder = EXPECTED_FOLDER[platform][browser];
        expect(plan.files.map((f) => f.path)).toEqual([`${folder}/kalshi-keys-agent.sh`, `${folder}/${HOST_NAME}.json`]);
        expect(plan.registry).toBeUndefined();
        expect(plan.files[0]!.executable).toBe(true);
        const manifest = manifestOf(plan);
        expect(manifest).toMatchObject({ name: HOST_NAME, type: 'stdio', path: `${folder}/kalshi-keys-agent.sh` });
        expect(uninstallPlan(browser, WHERE[platform])).toEqual({ files: plan.files.map((f) => f.path) });
      });

  for (const browser of BROWSERS)
    it(`Windows, ${browser}: the manifest under LOCALAPPDATA, its path in the browser's registry key`, () => {
      const plan = installPlan(browser, WHERE.win32, caller);
      const folder = `C:\\Users\\ann\\AppData\\Local\\kalshi-keys-agent\\${browser}`;
      expect(plan.files.map((f) => f.path)).toEqual([`${folder}\\kalshi-keys-agent.cmd`, `${folder}\\${HOST_NAME}.json`]);
      expect(plan.registry).toEqual({ key: `${EXPECTED_KEY[browser]}\\${HOST_NAME}`, value: `${folder}\\${HOST_NAME}.json` });
      expect(plan.files[0]!.text).toBe('@echo off\r\n"C:\\Program Files\\nodejs\\node.exe" "C:\\agent\\main.js" %*\r\n');
      expect(uninstallPlan(browser, WHERE.win32)).toEqual({ files: plan.files.map((f) => f.path), registryKey: plan.registry!.key });
    });

  it('only this extension may start the agent: its origin for Chromium browsers, its gecko id for Firefox', () => {
    for (const browser of ['chrome', 'chromium', 'edge', 'brave'] as const) {
      const manifest = manifestOf(installPlan(browser, WHERE.linux, caller));
      expect(manifest.allowed_origins).toEqual([`chrome-extension://${ID}/`]);
      expect(manifest.allowed_extensions).toBeUndefined();
    }
    const firefox = manifestOf(installPlan('firefox', WHERE.linux, caller));
    expect(firefox.allowed_extensions).toEqual([GECKO_ID]);
    expect(firefox.allowed_origins).toBeUndefined();
  });

  it('refuses an id that is not one, in words, and writes nothing', () => {
    for (const bad of [undefined, '', 'ABCDEFGHIJKLMNOPABCDEFGHIJKLMNOP', `${ID}q`, '*'])
      expect(() => installPlan('chrome', WHERE.linux, { chromeExtensionId: bad })).toThrow(/32 letters a–p/);
    expect(() => installPlan('firefox', WHERE.linux, { chromeExtensionId: ID })).toThrow(/gecko id/);
  });

  it('the launcher runs the agent with this Node, whatever the paths hold (spaces, quotes)', () => {
    const launcher = installPlan('chrome', WHERE.darwin, caller).files[0]!.text;
    expect(launcher).toBe(`#!/bin/sh\nexec '/usr/local/bin/node' '/Users/ann o'\\''hara/agent/main.js' "$@"\n`);
  });

  it('for one profile: the manifest in its NativeMessagingHosts folder (Chromium browsers on Linux and macOS only)', () => {
    for (const platform of ['linux', 'darwin'] as const) {
      const plan = installPlan('chromium', WHERE[platform], caller, '/tmp/profile');
      expect(plan.files.map((f) => f.path)).toEqual([
        '/tmp/profile/NativeMessagingHosts/kalshi-keys-agent.sh',
        `/tmp/profile/NativeMessagingHosts/${HOST_NAME}.json`,
      ]);
      expect(manifestOf(plan)).toMatchObject({ path: '/tmp/profile/NativeMessagingHosts/kalshi-keys-agent.sh' });
      expect(uninstallPlan('chromium', WHERE[platform], '/tmp/profile')).toEqual({ files: plan.files.map((f) => f.path) });
    }
    expect(() => installPlan('firefox', WHERE.linux, caller, '/tmp/profile')).toThrow(
      /--profile-dir is for Chrome, Chromium, Edge and Brave/,
    );
    expect(() => installPlan('chrome', WHERE.win32, caller, 'C:\\p')).toThrow(/Firefox and Windows find hosts elsewhere/);
  });

  it('the host name is one browsers accept: lowercase letters, digits, _ and . only', () => {
    expect(HOST_NAME).toMatch(/^[a-z0-9_]+(\.[a-z0-9_]+)*$/);
  });
});
