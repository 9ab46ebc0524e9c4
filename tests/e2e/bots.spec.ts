/**
 * A bot trades through the extension's key without holding it (issue 25), end to end: the built
 * extension (with a fixed id, tests/helpers/fixed-id.ts) in Chromium, the built agent registered for
 * this profile only, and Kalshi's own TypeScript SDK configured with nothing but the agent's address
 * and a grant's token. The local exchange checks every signature on its own.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { generateKeyPairSync } from 'node:crypto';
import { request } from 'node:http';
import axios from 'axios';
import { ApiKeysApi, Configuration, OrdersApi, PortfolioApi } from 'kalshi-typescript';
import { EXTENSION_DIR } from '../../scripts/chromium';
import { admitBot, agentProfile, botsSection as bots, serveBots, type AgentProfile } from '../helpers/agent-chromium';
import { SHOTS, expect, importThroughOptions, test } from './fixtures';

const P = '/trade-api/v2';

/** The SDK as a bot sets it up: the agent's address and the token, no private key. */
function sdk(port: number, token: string) {
  const config = new Configuration({ basePath: `http://127.0.0.1:${port}${P}`, baseOptions: { headers: { 'KALSHI-ACCESS-KEY': token } } });
  return { portfolio: new PortfolioApi(config), keys: new ApiKeysApi(config), orders: new OrdersApi(config) };
}

/** An SDK call's refusal: its status and Kalshi-shaped error. */
async function refusal(call: Promise<unknown>): Promise<{ status: number; code: string; message: string }> {
  const error = (await call.then(
    () => {
      throw new Error('it was not refused');
    },
    (e: unknown) => e,
  )) as { response?: { status: number; data: { error: { code: string; message: string } } } };
  if (!error.response) throw error;
  return { status: error.response.status, ...error.response.data.error };
}

/** A raw request to the agent, with headers a bot's SDK would never send. */
const raw = (port: number, headers: Record<string, string>) =>
  new Promise<{ status: number; body: string }>((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path: `${P}/portfolio/balance`, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });

const ORDER = {
  ticker: 'KXBOT-26DEC31',
  side: 'bid',
  count: '2.00',
  price: '0.41',
  time_in_force: 'good_till_canceled',
  self_trade_prevention_type: 'taker_at_cross',
} as const;

/** Admits a bot through the options page, as a person would; returns its token, shown once. */
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

    // Revoked in the options page: the next request is refused.
    await options.getByRole('listitem').filter({ hasText: 'dashboard' }).getByRole('button', { name: 'Revoke' }).click();
    await options.getByRole('alertdialog').getByRole('button', { name: 'Revoke' }).click();
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
      .toMatch(/Bot “market maker” ×\d[\s\S]*POST \/trade-api\/v2\/portfolio\/events\/orders[\s\S]*Kalshi answered 201/);
    const log = await options.locator('table.activity').innerText();
    await options.locator('table.activity').screenshot({ path: `${SHOTS}/bots-activity.png` });
    expect(log).toContain('Not signed: 403 outside_grant');
    expect(log).toContain('Not signed: 401 grant_revoked');

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
