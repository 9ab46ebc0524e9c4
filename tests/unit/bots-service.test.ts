/**
 * Bots in the worker (lib/key-manager/bots.ts): a grant admitted through the key service, each
 * request the agent asks about signed or refused by it, and the activity log. The signed headers go
 * to the local exchange, which checks every signature on its own.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createBots, type AgentControl, type Bots } from '../../lib/key-manager/bots';
import { hashToken } from '../../lib/bots/tokens';
import type { AgentStatus } from '../../lib/bots/link';
import { P, useHarness } from '../helpers/service-harness';
import { exchangeFetch } from '../helpers/exchange-fetch';

const h = useHarness();
let clock = Date.now();
const agentCalls: string[] = [];
const agent: AgentControl = {
  start: () => void agentCalls.push('start'),
  stop: () => void agentCalls.push('stop'),
  status: (): AgentStatus => ({ state: 'serving', port: 8127, version: '0.1.0' }),
};
let bots: Bots;
afterEach(() => void (agentCalls.length = 0));

/** A held demo key (imported as a user would), and the service with these bots. */
async function setUp() {
  const seeded = h.exchange.seedAccount('demo', { name: 'trader' });
  bots = createBots({ store: h.store, now: () => clock, agent });
  const service = h.make({ bots });
  await service.importKey({ environment: 'demo', keyId: seeded.keyId, pem: seeded.privateKeyPem });
  return { service, keyId: seeded.keyId };
}

async function admit(powers: ('read' | 'trade')[] = ['read', 'trade'], perSecond = 100) {
  const { service, keyId } = await setUp();
  const { token, bots: view } = await service.admitBot({
    name: 'market maker',
    environment: 'demo',
    keyId,
    powers,
    expiresInDays: 7,
    perSecond,
  });
  return { service, keyId, token, view };
}

/** The request as the agent sends it on: Kalshi's host, the signed headers. */
async function forward(answer: Awaited<ReturnType<Bots['sign']>>, method: string, path: string, body?: string) {
  if (!answer.ok) throw new Error(`refused: ${answer.code}`);
  return exchangeFetch(h.exchange)(`https://${answer.host}${path}`, {
    method,
    headers: { ...answer.headers, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body } : {}),
  });
}

describe('a grant', () => {
  it('is shown once as a token; only its SHA-256 is stored', async () => {
    const { token, view } = await admit();
    expect(token).toMatch(/^kkb_[A-Za-z0-9_-]{43}$/);
    const [stored] = await h.store.listGrants();
    expect(stored!.tokenHash).toBe(await hashToken(token));
    expect(JSON.stringify(await h.store.listGrants())).not.toContain(token.slice(4));
    expect(view.grants).toHaveLength(1);
    expect(view.grants[0]).toMatchObject({ name: 'market maker', state: 'live', keyName: 'trader', powers: ['read', 'trade'] });
    expect(view.grants[0]).not.toHaveProperty('tokenHash');
  });

  it('signs reads and an order the exchange accepts; refuses making a key, and a wrong token, before signing', async () => {
    const { token } = await admit();
    const balance = await bots.sign({ token, method: 'GET', path: `${P}/portfolio/balance` });
    expect((await forward(balance, 'GET', `${P}/portfolio/balance`)).status).toBe(200);
    const order = JSON.stringify({ ticker: 'KXTEST-1', side: 'yes', action: 'buy', count: 1, type: 'limit', yes_price: 40 });
    const placed = await bots.sign({ token, method: 'POST', path: `${P}/portfolio/orders` });
    expect((await forward(placed, 'POST', `${P}/portfolio/orders`, order)).status).toBe(201);
    const keys = await bots.sign({ token, method: 'GET', path: `${P}/api_keys` });
    expect((await forward(keys, 'GET', `${P}/api_keys`)).status).toBe(200);
    expect(await bots.sign({ token, method: 'POST', path: `${P}/api_keys/generate` })).toMatchObject({
      ok: false,
      status: 403,
      code: 'outside_grant',
    });
    expect(
      await bots.sign({ token: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, method: 'GET', path: `${P}/portfolio/balance` }),
    ).toMatchObject({
      ok: false,
      status: 401,
      code: 'unknown_grant',
    });
  });

  it('revoked, paused or its key forgotten: the next request is refused in words', async () => {
    const { service, keyId, token, view } = await admit();
    const ask = () => bots.sign({ token, method: 'GET', path: `${P}/portfolio/balance` });
    expect((await ask()).ok).toBe(true);
    await service.pauseBots({ paused: true });
    expect(await ask()).toMatchObject({ ok: false, status: 403, code: 'bots_paused' });
    await service.pauseBots({ paused: false });
    expect((await ask()).ok).toBe(true);
    await service.forgetKey({ environment: 'demo', keyId, confirmLockout: true });
    expect(await ask()).toMatchObject({ ok: false, status: 403, code: 'grant_key_gone' });
    expect((await service.getBots({})).grants[0]!.state).toBe('key_gone');
    const after = await service.revokeBot({ grantId: view.grants[0]!.id });
    expect(after.grants[0]!.state).toBe('revoked');
    expect(await ask()).toMatchObject({ ok: false, status: 401, code: 'grant_revoked' });
  });

  it('over its budget: refused with 429 until the second has passed', async () => {
    const { token } = await admit(['read'], 2);
    const ask = () => bots.sign({ token, method: 'GET', path: `${P}/portfolio/balance` });
    expect((await ask()).ok).toBe(true);
    expect((await ask()).ok).toBe(true);
    expect(await ask()).toMatchObject({ ok: false, status: 429, code: 'over_grant_budget' });
    clock += 1_000;
    expect((await ask()).ok).toBe(true);
  });

  it('for a key not held here, or with bad fields: refused, and nothing stored', async () => {
    const { service } = await setUp();
    await expect(
      service.admitBot({
        name: 'x',
        environment: 'demo',
        keyId: '00000000-0000-4000-8000-000000000000',
        powers: ['read'],
        expiresInDays: 1,
        perSecond: 1,
      }),
    ).rejects.toMatchObject({ code: 'not_held' });
    expect(await h.store.listGrants()).toEqual([]);
  });
});

describe('the activity log', () => {
  it('counts a bot’s requests per grant, request and answer each minute, and logs refusals with their code', async () => {
    const { service, token } = await admit(['read']);
    const path = `${P}/portfolio/balance`;
    for (let i = 0; i < 5; i++) {
      const answer = await bots.sign({ token, method: 'GET', path });
      if (!answer.ok) throw new Error('refused');
      bots.outcome(answer, { method: 'GET', path }, 200);
    }
    await bots.sign({ token, method: 'POST', path: `${P}/portfolio/orders` });
    await new Promise((r) => setTimeout(r, 20)); // outcomes are noted after the grant is read
    await bots.flushLog();
    const { entries } = await service.getActivity({});
    const logged = entries.filter((e) => e.operation === 'bot_request');
    expect(logged.map((e) => e.bot)).toEqual(
      expect.arrayContaining([
        { grantId: expect.any(String), grantName: 'market maker', method: 'GET', path, status: 200, count: 5 },
        {
          grantId: expect.any(String),
          grantName: 'market maker',
          method: 'POST',
          path: `${P}/portfolio/orders`,
          status: 403,
          refusal: 'outside_grant',
          count: 1,
        },
      ]),
    );
    expect(logged).toHaveLength(2);
    expect(logged.find((e) => e.bot!.status === 200)).toMatchObject({ environment: 'demo', keyName: 'trader', outcome: 'ok' });
    // More in the same minute count up the same entry; a new minute starts another.
    const answer = await bots.sign({ token, method: 'GET', path });
    if (answer.ok) bots.outcome(answer, { method: 'GET', path }, 200);
    clock += 60_000;
    const later = await bots.sign({ token, method: 'GET', path });
    if (later.ok) bots.outcome(later, { method: 'GET', path }, 200);
    await new Promise((r) => setTimeout(r, 20));
    await bots.flushLog();
    const counts = (await service.getActivity({})).entries.filter((e) => e.bot?.status === 200).map((e) => e.bot!.count);
    expect(counts).toEqual([1, 6]);
  });
});

describe('the agent switch', () => {
  it('on: kept, and the agent starts again with the next worker; off: stopped', async () => {
    const { service } = await setUp();
    await service.setAgent({ on: true });
    expect(agentCalls).toEqual(['start']);
    await createBots({ store: h.store, now: () => clock, agent }).resume();
    expect(agentCalls).toEqual(['start', 'start']);
    await service.setAgent({ on: false });
    await createBots({ store: h.store, now: () => clock, agent }).resume();
    expect(agentCalls).toEqual(['start', 'start', 'stop']);
  });
});
