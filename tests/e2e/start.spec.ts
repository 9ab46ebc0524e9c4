/**
 * `npm start` end to end on this Linux machine: scripts/start.ts in its own process group, its output
 * read until the sandbox key is imported, then Ctrl+C (SIGINT to the group, as a terminal sends it).
 * Afterwards the temporary profile must be gone and no browser process of it left. Headless (CI set),
 * headed under xvfb-run, and a Chromium posing as Google Chrome (the DevTools-protocol path) killed
 * outright. Uses the build test:e2e just made (--no-build).
 *
 * It runs under `node --import tsx`, not the tsx command: on a busy machine tsx's signal relay gives its
 * child 30 ms before SIGKILLing it, which would make the graceful stop checked here a matter of luck
 * (that case is covered by the last test: the watcher in scripts/start-common.ts cleans up).
 */
import { test, expect } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXTENSION_DIR } from '../../scripts/chromium';

/** The key is imported and start has said all it will say until Ctrl+C. */
const READY = /Sandbox key imported[\s\S]*The sandbox keeps running/;
const hasXvfb = spawnSync('sh', ['-c', 'command -v xvfb-run'], { encoding: 'utf8' }).status === 0;

test.skip(process.platform !== 'linux', 'runs the Linux path; other systems are covered by tests/unit/start-*.test.ts');
test.describe.configure({ timeout: 90_000 });

/** Command lines of the processes still running with this profile. */
function processesOf(profile: string): string[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
        return cmd.includes(profile) ? [`${pid}: ${cmd}`] : [];
      } catch {
        return []; // exited meanwhile
      }
    });
}

interface Run {
  output: () => string;
  profile: string;
  /** The process group: start, and xvfb-run when wrapped. */
  pgid: number;
  /** Ctrl+C; resolves once every process of the group is gone, with start's own exit code when unwrapped. */
  stop(): Promise<number | null>;
}

const groupAlive = (pgid: number) => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

async function start(env: NodeJS.ProcessEnv, wrapper: string[] = []): Promise<Run> {
  const [command, ...args] = [...wrapper, process.execPath, '--import', 'tsx', 'scripts/start.ts', '--no-build'];
  const child = spawn(command!, args, { detached: true, env: { ...env, SANDBOX_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 60_000;
  while (!READY.test(output) && !gone && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (!READY.test(output)) {
    if (!gone) process.kill(-child.pid!, 'SIGKILL');
    throw new Error(`npm start never imported the sandbox key. It printed:\n${output}`);
  }
  const profile = /Temporary profile: (\S+)/.exec(output)?.[1] ?? '';
  const run: Run = {
    output: () => output,
    profile,
    pgid: child.pid!,
    async stop() {
      const pgid = child.pid!;
      if (!groupAlive(pgid)) return exited;
      process.kill(-pgid, 'SIGINT');
      const until = Date.now() + 20_000;
      while (groupAlive(pgid) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      if (groupAlive(pgid)) {
        process.kill(-pgid, 'SIGKILL');
        throw new Error(`still running 20 s after Ctrl+C. It printed:\n${output}`);
      }
      return exited;
    },
  };
  running.push(run);
  return run;
}

/** Runs a failed test left behind: stopped after each test, whatever happened in it. */
const running: Run[] = [];
test.afterEach(async () => {
  for (const run of running.splice(0)) await run.stop().catch(() => {});
});

/** Waits until `done` holds, up to `ms`. */
async function eventually(done: () => boolean, ms = 10_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (!done() && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
  return done();
}

/** The pid of start itself (node running scripts/start.ts) in this process group. */
function startPid(pgid: number): number {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const group = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (group === pgid && cmd.includes('scripts/start.ts') && !cmd.includes('xvfb-run')) return Number(pid);
    } catch {
      // exited meanwhile
    }
  }
  throw new Error(`no start process in group ${pgid}`);
}

/** This environment without what would decide the window for it. */
function envWithout(...names: string[]): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of [...names, 'HEADLESS', 'CHROMIUM_PATH', 'BROWSER_PATH']) delete env[name];
  return env;
}

test('headless when CI is set: imports the key, saves screenshots, Ctrl+C leaves nothing behind', async () => {
  const run = await start({ ...envWithout('DISPLAY', 'WAYLAND_DISPLAY'), CI: '1' });
  expect(run.output()).toContain('Browser: Chromium (found at');
  expect(run.output()).toContain('headless because CI is set');
  // --load-extension, or the DevTools protocol when a loaded machine made the worker later than 10 s.
  expect(run.output()).toMatch(/Extension loaded \(chrome-extension:\/\/[a-p]{32}\) (with --load-extension|over the DevTools protocol)/);
  expect(run.output()).toMatch(/Screenshots: .*popup\.png/);
  expect(run.profile).not.toBe('');
  expect(await run.stop()).toBe(0);
  expect(run.output()).toContain('Stopped.');
  expect(existsSync(run.profile)).toBe(false);
  expect(processesOf(run.profile)).toEqual([]);
});

test('headed under xvfb-run: the window stays open with the key until Ctrl+C, then nothing is left', async () => {
  test.skip(!hasXvfb, 'xvfb-run is not installed');
  const run = await start(envWithout('CI', 'DISPLAY', 'WAYLAND_DISPLAY'), ['xvfb-run', '-a', '-s', '-screen 0 1280x900x24']);
  expect(run.output()).toContain('in a window');
  expect(run.output()).toContain('is open with the extension and the sandbox demo key');
  // The browser is really there, on the temporary profile, until Ctrl+C.
  expect(existsSync(run.profile)).toBe(true);
  expect(processesOf(run.profile).length).toBeGreaterThan(0);
  await run.stop(); // xvfb-run's shell itself dies of the SIGINT: what matters is start's own word and what is left
  expect(run.output()).toContain('Stopped.');
  expect(existsSync(run.profile)).toBe(false);
  expect(processesOf(run.profile)).toEqual([]);
});

test('Google Chrome (Chromium named google-chrome) gets it over DevTools; killed outright, nothing is left', async () => {
  test.skip(!hasXvfb, 'xvfb-run is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'kkm-fake-chrome-'));
  try {
    symlinkSync('/usr/bin/chromium', join(dir, 'google-chrome'));
    const env = { ...envWithout('CI', 'DISPLAY', 'WAYLAND_DISPLAY'), CHROMIUM_PATH: join(dir, 'google-chrome') };
    const run = await start(env, ['xvfb-run', '-a', '-s', '-screen 0 1280x900x24']);
    expect(run.output()).toContain('Browser: Google Chrome (from CHROMIUM_PATH), in a window');
    expect(run.output()).toContain('Google Chrome ignores --load-extension since version 137');
    expect(run.output()).toContain('over the DevTools protocol.');
    const browsers = processesOf(run.profile);
    expect(browsers.length).toBeGreaterThan(0);
    // Not even passed to a browser that ignores it (Debian's wrapper adds an empty --load-extension= of its own).
    expect(browsers.join('\n')).not.toContain(`--load-extension=${EXTENSION_DIR}`);
    // No Ctrl+C handler runs after SIGKILL: the detached watcher must close the browser and remove the profile.
    process.kill(startPid(run.pgid), 'SIGKILL');
    expect(await eventually(() => !existsSync(run.profile) && processesOf(run.profile).length === 0)).toBe(true);
    expect(run.output()).not.toContain('Stopped.');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
