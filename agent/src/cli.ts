/**
 * kalshi-keys-agent's `install` and `uninstall`, for one browser (bin.ts runs the others):
 *
 *   kalshi-keys-agent install chrome --extension-id <32 letters a–p>
 *   kalshi-keys-agent install firefox
 *   kalshi-keys-agent uninstall chrome
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname } from 'node:path';
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

/** Runs a command; returns what to tell the user. Throws with words on a bad command. */
export function command(args: string[], system: System): string {
  const [verb, browser, ...rest] = args;
  if ((verb !== 'install' && verb !== 'uninstall') || !BROWSERS.includes(browser as Browser))
    throw new Error(`Usage: kalshi-keys-agent install|uninstall ${BROWSERS.join('|')} [--extension-id <id>], or kalshi-keys-agent stop`);
  const b = browser as Browser;
  if (verb === 'uninstall') {
    const plan = uninstallPlan(b, system.where);
    for (const path of plan.files) system.remove(path);
    if (plan.registryKey) system.reg(['delete', plan.registryKey, '/f']);
    return `kalshi-keys-agent is no longer registered for ${b}.`;
  }
  const at = rest.indexOf('--extension-id');
  const caller: Caller = { geckoId: GECKO_ID, ...(at >= 0 && rest[at + 1] ? { chromeExtensionId: rest[at + 1] } : {}) };
  const plan = installPlan(b, system.where, caller);
  carryOut(plan, system);
  return `kalshi-keys-agent is registered for ${b}: ${plan.files[1]!.path}. Turn it on in the extension's options.`;
}
