/**
 * The agent as users run it: the esbuild bundle (`npm run build:agent`), registered for one
 * Chromium profile and started through its launcher as Chromium starts a native host; stopped
 * with `stop`, unregistered with `uninstall`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_NAME } from '../../agent/src/install';
import { botGet, CHROME_ORIGIN, gone, ROOT, startBrowser, startSandbox, type Sandbox } from '../helpers/agent-browser';

const BUNDLE = join(ROOT, 'agent/dist/kalshi-keys-agent.mjs');
let sandbox: Sandbox;
const agentSays = (...args: string[]) => execFileSync(process.execPath, [BUNDLE, ...args], { env: sandbox.env, encoding: 'utf8' }).trim();

beforeAll(async () => {
  sandbox = await startSandbox();
  execFileSync('npm', ['run', 'build:agent', '--silent'], { cwd: ROOT });
});
afterAll(() => sandbox.close());

describe('the built agent', () => {
  it('registered for a profile, runs from its launcher as Chromium runs it, signs, stops and is removed', async () => {
    const profile = join(sandbox.folder, 'profile');
    const id = CHROME_ORIGIN.slice('chrome-extension://'.length, -1);
    expect(agentSays('install', 'chromium', '--profile-dir', profile, '--extension-id', id)).toContain('registered for chromium');
    const manifestPath = join(profile, 'NativeMessagingHosts', `${HOST_NAME}.json`);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { path: string; allowed_origins: string[] };
    expect(manifest.allowed_origins).toEqual([CHROME_ORIGIN]);
    expect(readFileSync(manifest.path, 'utf8')).toBe(`#!/bin/sh\nexec '${process.execPath}' '${BUNDLE}' "$@"\n`);

    const browser = startBrowser(manifest.path, [CHROME_ORIGIN], sandbox);
    const hello = await browser.next('hello');
    expect((await botGet(hello.port, sandbox.token, '/trade-api/v2/portfolio/balance')).status).toBe(200);
    expect(await browser.next('outcome')).toMatchObject({ status: 200 });

    expect(agentSays('stop')).toBe('kalshi-keys-agent has stopped.');
    expect(await browser.exited()).toBe(0);
    expect(await gone(hello.pid)).toBe(true);
    expect(agentSays('stop')).toBe('kalshi-keys-agent is not running.');

    agentSays('uninstall', 'chromium', '--profile-dir', profile);
    expect(existsSync(manifestPath)).toBe(false);
  });
});
