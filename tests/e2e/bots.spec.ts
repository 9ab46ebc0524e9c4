/**
 * A bot trades through the extension's key without holding it (issue 25), end to end: the built
 * extension (with a fixed id, tests/helpers/fixed-id.ts) in Chromium, the built agent registered for
 * this profile only, and Kalshi's own TypeScript SDK configured with nothing but the agent's address
 * and a grant's token. The local exchange checks every signature on its own.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { generateKeyPairSync } from 'node:crypto';
import axios from 'axios';
import { Configuration, PortfolioApi } from 'kalshi-typescript';
import { EXTENSION_DIR } from '../../scripts/chromium';
import { admitBot, agentProfile, botsSection as bots, serveBots, type AgentProfile } from '../helpers/agent-chromium';
import { ORDER, P, raw, refusal, sdk } from '../helpers/bot-sdk';
import { SHOTS, expect, importThroughOptions, test } from './fixtures';

const admit = (options: Page, name: string, preset: RegExp) =>
  admitBot(options, { name, preset }, () => bots(options).screenshot({ path: `${SHOTS}/bots-token-${name.replace(/\W/g, '-')}.png` }));

/** The agent's profile for this test: its daemon is stopped after it, whatever happened. */
let made: AgentProfile | undefined;
test.afterEach(() => {
  made?.remove();
  made = undefined;
});

test('a bot using Kalshi’s SDK trades through the agent; every refusal is made before signing', async ({ exchange }) => {
  test.setTimeout(120_000);
  const seeded = exchange.seedAccount('demo', { name: 'trader' });
  // Registered for this profile only: nothing under $HOME is touched.
  const { id, agentPort, launch } = (made = await agentProfile(EXTENSION_DIR, exchange));
  let context: BrowserContext | undefined = await launch();
  try {
    const options = await context.newPage();
    await options.goto(`chrome-extension://${id}/options.html`);
    await importThroughOptions(options, 'Demo', seeded.keyId, seeded.privateKeyPem);
    await expect(options.getByRole('status')).toContainText('Imported');

    await serveBots(options, agentPort);
    await expect(options.locator('#agent-serving')).toContainText(`http://127.0.0.1:${agentPort}${P}`);
    const trader = await admit(options, 'market maker', /Trade: read/);
    const reader = await admit(options, 'dashboard', /Read only/);

    // The Trade grant: reads the balance and the key list, and places an order Kalshi records.
    const bot = sdk(agentPort, trader);
    expect((await bot.portfolio.getBalance()).data.balance).toEqual(expect.any(Number));
    expect((await bot.keys.getApiKeys()).data.api_keys?.map((k) => k.api_key_id)).toContain(seeded.keyId);
    const placed = await bot.orders.createOrderV2(ORDER);
    expect(placed.status).toBe(201);
    const listed = (await bot.orders.getOrders()).data.orders.map((o) => o.order_id);
    expect(listed).toContain(placed.data.order_id);

    // The bot's SDK may also sign with a placeholder key of its own: its signature is dropped.
    const placeholder = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const signing = new PortfolioApi(
      new Configuration({ basePath: `http://127.0.0.1:${agentPort}${P}`, apiKey: trader, privateKeyPem: placeholder }),
      undefined,
      // Its own axios: the SDK's signing hook on the shared one would sign every other client's requests as this one.
      axios.create(),
    );
    expect((await signing.getBalance()).status).toBe(200);

    // The Read only grant reads, but its order is refused by the agent and never reaches Kalshi.
    const viewer = sdk(agentPort, reader);
    expect((await viewer.portfolio.getBalance()).status).toBe(200);
    const ordersSeen = exchange.requests.filter((r) => r.method === 'POST').length;
    expect(await refusal(viewer.orders.createOrderV2(ORDER))).toMatchObject({ status: 403, code: 'outside_grant' });
    expect(exchange.requests.filter((r) => r.method === 'POST').length).toBe(ordersSeen);

    // An unknown token, a web page (Origin) and another name for the address (DNS rebinding).
    expect(await refusal(sdk(agentPort, `kkb_${'A'.repeat(43)}`).portfolio.getBalance())).toMatchObject({
      status: 401,
      code: 'unknown_grant',
    });
    expect(await raw(agentPort, { 'KALSHI-ACCESS-KEY': trader, origin: 'https://evil.example' })).toMatchObject({ status: 403 });
    expect(await raw(agentPort, { 'KALSHI-ACCESS-KEY': trader, host: `evil.example:${agentPort}` })).toMatchObject({ status: 421 });

    // The popup shows the bots, and pauses every one of them at a click.
    const popup = await context.newPage();
    await popup.setViewportSize({ width: 380, height: 600 });
    await popup.goto(`chrome-extension://${id}/popup.html`);
    await popup.getByRole('button', { name: 'Pause bots' }).click();
    await expect(popup.getByText('Bots admitted: 2, all paused.')).toBeVisible();
    await popup.screenshot({ path: `${SHOTS}/bots-popup-paused.png` });
    expect(await refusal(bot.portfolio.getBalance())).toMatchObject({ status: 403, code: 'bots_paused' });
    await popup.getByRole('button', { name: 'Resume bots' }).click();
    await expect(popup.getByRole('button', { name: 'Pause bots' })).toBeVisible();
    expect((await bot.portfolio.getBalance()).status).toBe(200);
    await popup.close();

    // Revoked in the options page: the next request is refused.
    await options.getByRole('listitem').filter({ hasText: 'dashboard' }).getByRole('button', { name: 'Revoke' }).click();
    await options.getByRole('button', { name: 'Revoke “dashboard” for good' }).click();
    await expect(options.getByRole('status')).toContainText('revoked');
    expect(await refusal(viewer.portfolio.getBalance())).toMatchObject({ status: 401, code: 'grant_revoked' });

    await bots(options).screenshot({ path: `${SHOTS}/bots-granted.png` });
    await options.emulateMedia({ colorScheme: 'dark' });
    await bots(options).screenshot({ path: `${SHOTS}/bots-granted-dark.png` });
    await options.emulateMedia({ colorScheme: 'light' });

    // The activity log shows each grant's requests, Kalshi's answers and the refusals.
    await expect
      .poll(
        async () => {
          await options.getByRole('button', { name: 'Refresh' }).click();
          return options.locator('table.activity').innerText();
        },
        { timeout: 10_000 },
      )
      // The newest first: the revoked grant's refusal was the last request, written within a second.
      .toMatch(/^[^\n]*\n[^\n]*Bot “dashboard”[\s\S]*Not signed: 401 grant_revoked/);
    const log = await options.locator('table.activity').innerText();
    expect(log).toMatch(/Bot “market maker” ×\d[\s\S]*POST \/trade-api\/v2\/portfolio\/events\/orders[\s\S]*Kalshi answered 201/);
    await options.locator('table.activity').screenshot({ path: `${SHOTS}/bots-activity.png` });
    expect(log).toContain('Not signed: 403 outside_grant');
    expect(log).toContain('Not signed: 403 bots_paused');

    // The browser closes: the agent stays, and says why nothing is signed.
    await context.close();
    context = undefined;
    expect(await refusal(bot.portfolio.getBalance())).toMatchObject({ status: 503, code: 'browser_closed' });

    // The browser opens again: the agent was on, so the worker reconnects by itself.
    context = await launch();
    await expect.poll(async () => (await bot.portfolio.getBalance().catch(() => ({ status: 0 }))).status, { timeout: 15_000 }).toBe(200);
  } finally {
    await context?.close();
  }
});
