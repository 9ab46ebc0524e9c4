/**
 * kalshi-keys-agent's `install` and `uninstall`, for one browser (bin.ts runs the others):
 *
 *   kalshi-keys-agent install chrome --extension-id <32 letters a–p>
 *   kalshi-keys-agent install firefox
 *   kalshi-keys-agent uninstall chrome
 *   kalshi-keys-agent install chromium --profile-dir <user data dir> --extension-id <id>   (that profile only)
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { BROWSERS, installPlan, uninstallPlan, type Browser, type Caller, type Plan, type Where } from './install';

/** The Firefox add-on's id (scripts/firefox.ts in the extension). */
const GECKO_ID = 'kalshi-key-manager@kalshi-keys.local';

export interface System {
  where: Where;
  write(path: string, text: string, executable: boolean): void;
  remove(path: string): void;
  /** Windows only: reg.exe with these arguments. */
  reg(args: string[]): void;
}

/** This computer, as the commands act on it. */
export function thisSystem(agentScript: string): System {
  const platform = process.platform === 'win32' || process.platform === 'darwin' ? process.platform : 'linux';
  const home = platform === 'win32' ? (process.env.LOCALAPPDATA ?? homedir()) : homedir();
  return {
    where: { platform, home, agentScript, node: process.execPath },
    write(path, text, executable) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      if (executable) chmodSync(path, 0o755);
    },
    remove: (path) => rmSync(path, { force: true }),
    reg: (args) => void execFileSync('reg', args, { stdio: 'ignore' }),
  };
}

export function carryOut(plan: Plan, system: System): void {
  for (const file of plan.files) system.write(file.path, file.text, file.executable);
  if (plan.registry) system.reg(['add', plan.registry.key, '/ve', '/t', 'REG_SZ', '/d', plan.registry.value, '/f']);
}

/** The value after `name` in `args`, if given. */
const optionOf = (args: string[], name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};

/** Runs a command; returns what to tell the user. Throws with words on a bad command. */
export function command(args: string[], system: System): string {
  const [verb, browser, ...rest] = args;
  if ((verb !== 'install' && verb !== 'uninstall') || !BROWSERS.includes(browser as Browser))
    throw new Error(
      `Usage: kalshi-keys-agent install|uninstall ${BROWSERS.join('|')} [--extension-id <id>] [--profile-dir <dir>], or kalshi-keys-agent stop`,
    );
  const b = browser as Browser;
  const profile = optionOf(rest, '--profile-dir');
  if (rest.includes('--profile-dir') && !profile) throw new Error('--profile-dir needs a folder: the browser’s user data dir.');
  // The manifest names the launcher by an absolute path.
  const profileDir = profile === undefined ? undefined : resolve(profile);
  if (verb === 'uninstall') {
    const plan = uninstallPlan(b, system.where, profileDir);
    for (const path of plan.files) system.remove(path);
    if (plan.registryKey) system.reg(['delete', plan.registryKey, '/f']);
    return `kalshi-keys-agent is no longer registered for ${b}.`;
  }
  const id = optionOf(rest, '--extension-id');
  const caller: Caller = { geckoId: GECKO_ID, ...(id ? { chromeExtensionId: id } : {}) };
  const plan = installPlan(b, system.where, caller, profileDir);
  carryOut(plan, system);
  return `kalshi-keys-agent is registered for ${b}: ${plan.files[1]!.path}. Turn it on in the extension's options.`;
}
