/**
 * The built extension and the built agent together in Chromium, as a user runs them: the extension
 * with a fixed id (fixed-id.ts), the agent registered as its native messaging host for one
 * Playwright profile only (nothing under $HOME is touched), its daemon on a port and control socket
 * of its own, sending to the local exchange. Used by tests/e2e/bots.spec.ts and bench/agent.ts.
 */
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM, chromiumArgs } from '../../scripts/chromium';
import { agentFor } from './bot-sdk';
import { withFixedId } from './fixed-id';

export interface AgentProfile {
  /** The extension's fixed id. */
  id: string;
  /** Where bots reach the agent. */
  agentPort: number;
  /** The browser's environment, which the relay passes on to the agent it starts. */
  env: NodeJS.ProcessEnv;
  /** Starts Chromium on this profile (again after `close`: the profile keeps keys, grants and the agent's switch). */
  launch(): Promise<BrowserContext>;
  /** Stops the agent's daemon, if one runs (`kalshi-keys-agent stop` with the same environment). */
  stopAgent(): void;
  /** Stops the daemon and removes the profile. */
  remove(): void;
}

/**
 * A profile with the agent registered, the extension at `buildDir` loaded with a fixed id, the
 * exchange (`exchange.port`, certificate `exchange.ca`) in Kalshi's place for the browser and for
 * the agent: `connectTo` sends the agent elsewhere (a server with the exchange's certificate).
 */
export async function agentProfile(
  buildDir: string,
  exchange: { port: number; ca: string },
  { connectTo = `127.0.0.1:${exchange.port}`, viewport = { width: 800, height: 900 } } = {},
): Promise<AgentProfile> {
  const { dir, id } = withFixedId(buildDir);
  const agent = await agentFor(exchange, { KALSHI_KEYS_AGENT_CONNECT_TO: connectTo });
  const { env, work } = agent;
  const profile = join(work, 'profile');
  agent.run('install', 'chromium', '--profile-dir', profile, '--extension-id', id);
  const stopAgent = agent.stop;
  return {
    id,
    agentPort: agent.port,
    env,
    launch: () =>
      chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: chromiumArgs(dir, exchange.port),
        env,
        viewport,
      }),
    stopAgent,
    remove() {
      stopAgent();
      rmSync(work, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The options page's section for bots. */
export const botsSection = (options: Page) => options.locator('section[aria-labelledby="bots-heading"]');

/** Turns the agent on in the options page and waits until it serves on `port`. */
export async function serveBots(options: Page, port: number): Promise<void> {
  await options.getByLabel('Serve bots through the local agent').check();
  await options
    .locator('#agent-serving')
    .filter({ hasText: `http://127.0.0.1:${port}/` })
    .waitFor({ timeout: 30_000 });
}

/**
 * Admits a bot through the options page, as a person would, and returns its token (shown once).
 * `key` picks the held key (`<environment>/<key id>`: the first held one otherwise); `whileShown`
 * runs while the token is on screen.
 */
export async function admitBot(
  options: Page,
  bot: { name: string; preset: RegExp; perSecond?: number; key?: string },
  whileShown: () => Promise<unknown> = async () => {},
): Promise<string> {
  await options.getByLabel("Bot's name").fill(bot.name);
  if (bot.key !== undefined) await options.locator('#bot-key').selectOption(bot.key);
  await options.getByRole('radio', { name: bot.preset }).check();
  if (bot.perSecond !== undefined) await options.locator('#bot-rate').fill(String(bot.perSecond));
  await options.getByRole('button', { name: 'Admit bot' }).click();
  const token = (await options.locator('#bot-token').textContent({ timeout: 30_000 })) ?? '';
  if (!token.startsWith('kkb_')) throw new Error(`no token was shown: “${token}”`);
  await whileShown();
  await options.getByRole('button', { name: 'I have saved it' }).click();
  await options.locator('#bot-token').waitFor({ state: 'detached' });
  return token;
}
