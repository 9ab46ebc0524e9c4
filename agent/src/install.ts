/**
 * Where the agent is registered as a native messaging host, per browser and system, and what is
 * written there: a plan of files (and, on Windows, registry keys), made without touching anything,
 * so every system is checked on any machine (tests/unit/agent-install.test.ts). cli.ts carries a
 * plan out.
 */
import { posix, win32 } from 'node:path';

/** The host's name, as the extension calls connectNative with it: lowercase letters, digits, `_` and `.` only. */
export const HOST_NAME = 'com.kalshi_key_manager.agent';

export const BROWSERS = ['chrome', 'chromium', 'edge', 'brave', 'firefox'] as const;
export type Browser = (typeof BROWSERS)[number];
export type Platform = 'linux' | 'darwin' | 'win32';

export interface Where {
  platform: Platform;
  /** The user's home folder (Linux, macOS); %LOCALAPPDATA% on Windows. */
  home: string;
  /** The agent's own script, an absolute path. */
  agentScript: string;
  /** The Node that runs it, an absolute path. */
  node: string;
}

export interface Plan {
  /** Files to write: the launcher the browser starts, and the host manifest. */
  files: Array<{ path: string; text: string; executable: boolean }>;
  /** Windows: the key whose default value is the manifest's path. */
  registry?: { key: string; value: string };
}

/** Each browser's folder for host manifests under the home folder (Linux, macOS). */
const FOLDERS: Record<'linux' | 'darwin', Record<Browser, string>> = {
  linux: {
    chrome: '.config/google-chrome/NativeMessagingHosts',
    chromium: '.config/chromium/NativeMessagingHosts',
    edge: '.config/microsoft-edge/NativeMessagingHosts',
    brave: '.config/BraveSoftware/Brave-Browser/NativeMessagingHosts',
    firefox: '.mozilla/native-messaging-hosts',
  },
  darwin: {
    chrome: 'Library/Application Support/Google/Chrome/NativeMessagingHosts',
    chromium: 'Library/Application Support/Chromium/NativeMessagingHosts',
    edge: 'Library/Application Support/Microsoft Edge/NativeMessagingHosts',
    brave: 'Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts',
    firefox: 'Library/Application Support/Mozilla/NativeMessagingHosts',
  },
};

/** Each browser's registry key for host manifests on Windows (per user). */
const REGISTRY: Record<Browser, string> = {
  chrome: 'HKCU\\Software\\Google\\Chrome\\NativeMessagingHosts',
  chromium: 'HKCU\\Software\\Chromium\\NativeMessagingHosts',
  edge: 'HKCU\\Software\\Microsoft\\Edge\\NativeMessagingHosts',
  brave: 'HKCU\\Software\\BraveSoftware\\Brave-Browser\\NativeMessagingHosts',
  firefox: 'HKCU\\Software\\Mozilla\\NativeMessagingHosts',
};

/** The extension allowed to start the host: Chromium's by id, Firefox's by its gecko id. */
export interface Caller {
  chromeExtensionId?: string;
  geckoId?: string;
}

const CHROME_ID = /^[a-p]{32}$/;

/** The host manifest: only this extension may start the agent. */
export function manifestFor(browser: Browser, launcher: string, caller: Caller): object {
  const common = { name: HOST_NAME, description: 'Kalshi key manager: signs for programs on this computer', path: launcher, type: 'stdio' };
  if (browser === 'firefox') {
    if (!caller.geckoId) throw new Error('Firefox needs the extension’s id (its gecko id).');
    return { ...common, allowed_extensions: [caller.geckoId] };
  }
  if (!caller.chromeExtensionId || !CHROME_ID.test(caller.chromeExtensionId))
    throw new Error('Chrome, Chromium, Edge and Brave need the extension’s id: 32 letters a–p, as chrome://extensions shows it.');
  return { ...common, allowed_origins: [`chrome-extension://${caller.chromeExtensionId}/`] };
}

/**
 * The plan that registers the agent for `browser`; with `profileDir` (a Chromium browser's
 * --user-data-dir, absolute), for that profile alone, where Chromium also looks on Linux and macOS.
 */
export function installPlan(browser: Browser, where: Where, caller: Caller, profileDir?: string): Plan {
  if (profileDir !== undefined && (browser === 'firefox' || where.platform === 'win32'))
    throw new Error('--profile-dir is for Chrome, Chromium, Edge and Brave on Linux and macOS: Firefox and Windows find hosts elsewhere.');
  if (where.platform === 'win32') {
    const folder = win32.join(where.home, 'kalshi-keys-agent', browser);
    const launcher = win32.join(folder, 'kalshi-keys-agent.cmd');
    const manifest = win32.join(folder, `${HOST_NAME}.json`);
    return {
      files: [
        { path: launcher, text: `@echo off\r\n"${where.node}" "${where.agentScript}" %*\r\n`, executable: false },
        { path: manifest, text: `${JSON.stringify(manifestFor(browser, launcher, caller), null, 2)}\n`, executable: false },
      ],
      registry: { key: `${REGISTRY[browser]}\\${HOST_NAME}`, value: manifest },
    };
  }
  const folder = profileDir ? posix.join(profileDir, 'NativeMessagingHosts') : posix.join(where.home, FOLDERS[where.platform][browser]);
  // The manifest's path must be absolute, and the browser starts it without a shell's PATH.
  const launcher = posix.join(folder, 'kalshi-keys-agent.sh');
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return {
    files: [
      { path: launcher, text: `#!/bin/sh\nexec ${quote(where.node)} ${quote(where.agentScript)} "$@"\n`, executable: true },
      {
        path: posix.join(folder, `${HOST_NAME}.json`),
        text: `${JSON.stringify(manifestFor(browser, launcher, caller), null, 2)}\n`,
        executable: false,
      },
    ],
  };
}

/** What removing the agent from `browser` deletes: the same files and key its install made. */
export function uninstallPlan(browser: Browser, where: Where, profileDir?: string): { files: string[]; registryKey?: string } {
  // The caller does not change where things are: any valid one makes the same paths.
  const plan = installPlan(browser, where, { chromeExtensionId: 'a'.repeat(32), geckoId: 'any' }, profileDir);
  return { files: plan.files.map((f) => f.path), ...(plan.registry ? { registryKey: plan.registry.key } : {}) };
}
