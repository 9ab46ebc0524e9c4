/**
 * What `npm start` (scripts/start.ts) and `npm run start:firefox` (scripts/start-firefox.ts) share:
 * the build, the sandbox, a temporary browser profile removed on exit, Ctrl+C, and the sandbox's demo
 * key imported through the options page exactly as a person would.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Browser, Page, Viewport } from 'puppeteer-core';
import { describeSandbox, sandboxPort, startSandbox, type Sandbox } from '../exchange/cli';
import { TIERS, type Tier } from '../exchange/server';
import { REPO_ROOT, SANDBOX_DIR } from '../exchange/tls';
import type { System } from './start-discovery';

export const thisSystem = (): System => ({
  platform: process.platform,
  env: process.env,
  exists: (path) => existsSync(path) && statSync(path).isFile(),
});

/** An error's first line, without a closing full stop, to put inside a sentence. */
export const firstLine = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0]!.replace(/[.!]\s*$/, '');

/** Prints a problem in words and exits; nothing has been started yet that needs stopping. */
export function fail(message: string): never {
  console.error(`\n${message}`);
  process.exit(1);
}

// ---- stopping: Ctrl+C, kill, or a closed terminal stop everything, newest first ----

type Cleanup = () => Promise<void> | void;
const cleanups: Cleanup[] = [];
const lastResorts: Array<() => void> = [];
let stopping = false;

/** True once Ctrl+C (or a kill) started stopping everything. */
export const isStopping = () => stopping;

/** `cleanup` runs on Ctrl+C; `lastResort` (synchronous) runs at exit in case `cleanup` never could. */
export function onStop(cleanup: Cleanup, lastResort?: () => void): void {
  cleanups.push(cleanup);
  if (lastResort) lastResorts.push(lastResort);
}

export function stopOnCtrlC(): void {
  const stop = (signal: string) => {
    // A terminal's Ctrl+C reaches both tsx and this process, which may then see it twice: ignore repeats.
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the browser and the sandbox…`);
    setTimeout(() => {
      console.error('Still not stopped after 15 s; exiting anyway.');
      process.exit(1);
    }, 15_000).unref();
    void (async () => {
      for (const cleanup of [...cleanups].reverse()) {
        try {
          await cleanup();
        } catch (error) {
          console.error(`While stopping: ${firstLine(error)}.`);
        }
      }
      console.log('Stopped.');
      process.exit(0);
    })();
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
  process.on('exit', () => {
    for (const lastResort of lastResorts) {
      try {
        lastResort();
      } catch {
        // best effort: the process is leaving anyway
      }
    }
  });
}

/**
 * If this process is killed outright (SIGKILL, a crash, or tsx's own Ctrl+C relay giving up after
 * 30 ms on a busy machine), its Ctrl+C handler never runs and the browser, started in a process group
 * of its own, would stay open on the profile. A small detached watcher then kills the browser and
 * removes the profile. After a normal stop it finds nothing left to do and exits.
 */
function cleanUpIfKilled(browserPid: number, profile: string): void {
  const watcher = `
    const parent = ${process.pid}, browser = ${browserPid}, profile = process.env.KKM_PROFILE;
    const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
    const timer = setInterval(() => {
      if (alive(parent)) return;
      clearInterval(timer);
      try { process.kill(process.platform === 'win32' ? browser : -browser, 'SIGKILL'); } catch {}
      setTimeout(() => require('node:fs').rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }), 500);
    }, 500);`;
  // The profile goes by environment, not argv, so it never looks like a browser of that profile.
  spawn(process.execPath, ['-e', watcher], {
    detached: true,
    stdio: 'ignore',
    windowsHide: true,
    env: { ...process.env, KKM_PROFILE: profile },
  }).unref();
}

/**
 * The browser stops with us: closed first on Ctrl+C (before its profile is removed), killed at exit if
 * it is somehow still there, and by the watcher if we are killed. Returns the close function.
 */
export function stopWithUs(browser: Browser, profile: string): () => Promise<void> {
  const pid = browser.process()?.pid;
  const close = async () => {
    if (browser.connected) await browser.close().catch(() => browser.process()?.kill('SIGKILL'));
  };
  if (pid !== undefined) cleanUpIfKilled(pid, profile);
  onStop(close, () => {
    // Its whole process group on Linux and macOS (puppeteer starts it in one of its own), itself on Windows.
    if (pid !== undefined && browser.connected) process.kill(process.platform === 'win32' ? pid : -pid, 'SIGKILL');
  });
  return close;
}

// ---- build, sandbox, profile ----

/** `--no-build` skips it (the end-to-end check has just built). */
export function build(target: 'chrome' | 'firefox'): void {
  if (process.argv.includes('--no-build')) return;
  console.log(`Building the extension for ${target === 'chrome' ? 'Chromium browsers' : 'Firefox'}…`);
  // wxt's own script under this Node: `npx` cannot be started without a shell on Windows.
  const wxt = join(REPO_ROOT, 'node_modules', 'wxt', 'bin', 'wxt.mjs');
  try {
    execFileSync(process.execPath, [wxt, 'build', ...(target === 'firefox' ? ['-b', 'firefox'] : [])], {
      stdio: 'inherit',
      cwd: REPO_ROOT,
    });
  } catch {
    fail('The build failed (its messages are above). Did `npm install` finish?');
  }
}

/** The sandbox exchange with its two accounts; stopped on Ctrl+C. */
export async function startSandboxForStart(): Promise<Sandbox> {
  const tier = (process.env.SANDBOX_TIER || 'premier') as Tier;
  if (!TIERS.includes(tier)) fail(`SANDBOX_TIER must be one of ${TIERS.join(', ')}.`);
  let sandbox: Sandbox;
  try {
    sandbox = await startSandbox();
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') fail(`Port ${sandboxPort()} is in use: stop the other sandbox (or program) or set SANDBOX_PORT.`);
    if (e.code === 'ENOENT' && /openssl/.test(`${e.message} ${e.path ?? ''}`))
      fail('The sandbox needs the `openssl` command to make its certificate: install OpenSSL and make sure `openssl` is on your PATH.');
    fail(`Could not start the sandbox: ${e.message}`);
  }
  onStop(() => sandbox.exchange.close());
  // Every account, the SANDBOX_SECOND_ACCOUNT one included, so the two differ only in ids and keys.
  for (const env of ['demo', 'production'] as const) {
    for (const account of sandbox.exchange.accounts(env)) sandbox.exchange.setUsageTier({ env, account }, tier);
  }
  console.log(
    `\n${describeSandbox(sandbox)}\nUsage tier: ${tier} (set SANDBOX_TIER=basic to see the 403 a retail account gets on Create key)\n`,
  );
  return sandbox;
}

/** Removes a profile; retries while the browser's last processes let go of its files. */
export function removeProfile(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
}

/**
 * A fresh, empty profile: the sandbox's browser flags (--ignore-certificate-errors above all) must
 * never touch the profile you browse with every day. Removed when you stop.
 */
export function temporaryProfile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kalshi-keys-profile-'));
  onStop(
    () => removeProfile(dir),
    () => rmSync(dir, { recursive: true, force: true }),
  );
  console.log(`Temporary profile: ${dir} (removed when you stop)`);
  return dir;
}

// ---- the import, on the extension's own pages ----

/** Puppeteer's ARIA selector: the element with this role and exact accessible name. */
const role = (r: string, name: string) => `::-p-aria([name=${JSON.stringify(name)}][role=${JSON.stringify(r)}])`;

const statusText = (page: Page) =>
  page.evaluate(() => [...document.querySelectorAll('[role=status]')].map((el) => el.textContent ?? '').join(' | '));

export type OpenPage = (name: 'options' | 'popup') => Promise<Page>;

/** Imports the sandbox's demo key on the options page, then waits for the popup to list it. */
export async function importSandboxKey(open: OpenPage, sandbox: Sandbox): Promise<{ options: Page; popup: Page }> {
  const { keyId, keyPath } = sandbox.accounts.demo;
  const options = await open('options');
  await options.locator(role('combobox', 'Environment')).fill('demo');
  await options.locator(role('textbox', 'API key ID')).fill(keyId);
  await options.locator(role('textbox', 'Private key')).fill(readFileSync(keyPath, 'utf8'));
  await options.locator(role('button', 'Import key')).click();
  try {
    await options.waitForFunction(
      () => [...document.querySelectorAll('[role=status]')].some((el) => el.textContent?.includes('Imported')),
      {
        timeout: 20_000,
      },
    );
  } catch {
    throw new Error(`the options page did not confirm the import; it says: “${await statusText(options)}”`);
  }
  const popup = await open('popup');
  await popup.waitForFunction(
    (id) => [...document.querySelectorAll('li')].some((li) => li.textContent?.includes(id)),
    { timeout: 15_000 },
    keyId,
  );
  return { options, popup };
}

/** Sets a page's viewport; Firefox 140 needs its own (see firefox-bidi.ts). */
export type SetViewport = (page: Page, viewport: Viewport) => Promise<void>;

/** Headless: what a person would have seen, as PNGs in .sandbox/screenshots. */
export async function saveScreenshots(
  { options, popup }: { options: Page; popup: Page },
  setViewport: SetViewport = (page, viewport) => page.setViewport(viewport),
): Promise<string[]> {
  const dir = join(SANDBOX_DIR, 'screenshots');
  mkdirSync(dir, { recursive: true });
  const paths = [join(dir, 'popup.png'), join(dir, 'options.png')] as const;
  // Each to the front first: a background tab paints no new frame, and its screenshot would wait forever.
  for (const [page, path, viewport] of [
    [popup, paths[0], { width: 380, height: 600 }],
    [options, paths[1], { width: 800, height: 900 }],
  ] as const) {
    await page.bringToFront();
    await setViewport(page, viewport);
    await page.screenshot({ path });
  }
  return paths.map((p) => relative(process.cwd(), p) || p);
}
