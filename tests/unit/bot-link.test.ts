/**
 * The worker's end of the agent's port (lib/bots/link.ts), with a port that records what is posted
 * and lets the test play the agent: every sign request is answered with its own id, outcomes reach
 * the log, stale or malformed messages are ignored, and turning off tells the agent before closing.
 */
import { describe, expect, it } from 'vitest';
import { createAgentLink, type AgentStatus, type NativePort } from '../../lib/bots/link';
import type { BotAnswer, BotRequest } from '../../lib/bots/signing';

function fakePort() {
  const onMessage: ((m: unknown) => void)[] = [];
  const onDisconnect: ((p: object) => void)[] = [];
  const port = {
    posted: [] as unknown[],
    disconnected: false,
    postMessage: (m: unknown) => void port.posted.push(m),
    disconnect: () => void (port.disconnected = true),
    onMessage: { addListener: (l: (m: unknown) => void) => void onMessage.push(l) },
    onDisconnect: { addListener: (l: (p: object) => void) => void onDisconnect.push(l) },
    /** The agent sends. */
    send: (m: unknown) => onMessage.forEach((l) => l(m)),
    /** The agent's process ends. */
    close: (p: object = {}) => onDisconnect.forEach((l) => l(p)),
  };
  return port satisfies NativePort;
}

const SIGNED: BotAnswer = { ok: true, grantId: 'g1', host: 'external-api.demo.kalshi.co', headers: { 'KALSHI-ACCESS-KEY': 'k' } as never };

function setUp(sign: (r: BotRequest) => Promise<BotAnswer> = async () => SIGNED) {
  const ports: ReturnType<typeof fakePort>[] = [];
  const statuses: AgentStatus[] = [];
  const outcomes: unknown[] = [];
  const link = createAgentLink({
    connect: () => {
      const p = fakePort();
      ports.push(p);
      return p;
    },
    sign,
    outcome: (answer, request, status) => void outcomes.push({ grantId: answer.grantId, ...request, status }),
    onStatus: (s) => void statuses.push(s),
    lastError: () => undefined,
  });
  return { link, ports, statuses, outcomes };
}
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('the agent link', () => {
  it('serving after hello; each sign request answered with its id; the outcome noted once', async () => {
    const { link, ports, outcomes } = setUp();
    link.start();
    expect(link.status()).toEqual({ state: 'starting' });
    const [port] = ports;
    port!.send({ type: 'hello', port: 8127, version: '0.1.0' });
    expect(link.status()).toEqual({ state: 'serving', port: 8127, version: '0.1.0' });
    port!.send({ id: 7, type: 'sign', token: 't', method: 'GET', path: '/trade-api/v2/portfolio/balance' });
    await settle();
    expect(port!.posted).toEqual([
      { type: 'batches' }, // on hello: this extension reads sign-batch and outcomes
      { id: 7, answer: { ok: true, host: SIGNED.ok && SIGNED.host, headers: { 'KALSHI-ACCESS-KEY': 'k' } } },
    ]);
    port!.send({ type: 'outcome', id: 7, status: 200 });
    port!.send({ type: 'outcome', id: 7, status: 200 });
    expect(outcomes).toEqual([{ grantId: 'g1', method: 'GET', path: '/trade-api/v2/portfolio/balance', status: 200 }]);
  });

  it('a sign-batch is answered in one message, each answer with its id; outcomes come back in one too', async () => {
    const refusal: BotAnswer = { ok: false, status: 429, code: 'over_grant_budget', message: 'slow down', grantId: 'g1' };
    const { link, ports, outcomes } = setUp(async (r) => (r.method === 'GET' ? SIGNED : refusal));
    link.start();
    const port = ports[0]!;
    const balance = '/trade-api/v2/portfolio/balance';
    port.send({
      type: 'sign-batch',
      requests: [
        { id: 1, token: 't', method: 'GET', path: balance },
        { id: 2, token: 't', method: 'POST', path: '/trade-api/v2/portfolio/orders' },
        { id: 'x', token: 't', method: 'GET', path: balance }, // not an id: left out
        { id: 3, token: 't', method: 'GET', path: '/trade-api/v2/markets' },
      ],
    });
    await settle();
    const signed = { ok: true, host: SIGNED.ok && SIGNED.host, headers: { 'KALSHI-ACCESS-KEY': 'k' } };
    expect(port.posted).toEqual([
      {
        type: 'answers',
        answers: [
          { id: 1, answer: signed },
          { id: 2, answer: { ok: false, status: 429, code: 'over_grant_budget', message: 'slow down' } },
          { id: 3, answer: signed },
        ],
      },
    ]);
    port.send({ type: 'outcomes', outcomes: [{ id: 3, status: 200 }, { id: 2, status: 200 }, { id: 1, status: 404 }, null] });
    expect(outcomes).toEqual([
      { grantId: 'g1', method: 'GET', path: '/trade-api/v2/markets', status: 200 },
      { grantId: 'g1', method: 'GET', path: balance, status: 404 },
    ]);
  });

  it('a refusal goes back in words, without the grant’s id; a failing signer refuses rather than hangs', async () => {
    const refusal: BotAnswer = { ok: false, status: 403, code: 'outside_grant', message: 'no', grantId: 'g1' };
    let fail = false;
    const { link, ports } = setUp(async () => {
      if (fail) throw new Error('store gone');
      return refusal;
    });
    link.start();
    ports[0]!.send({ id: 1, type: 'sign', token: 't', method: 'POST', path: '/x' });
    fail = true;
    ports[0]!.send({ id: 2, type: 'sign', token: 't', method: 'POST', path: '/x' });
    await settle();
    expect(ports[0]!.posted).toEqual([
      { id: 1, answer: { ok: false, status: 403, code: 'outside_grant', message: 'no' } },
      { id: 2, answer: { ok: false, status: 403, code: 'extension_error', message: expect.stringContaining('nothing was signed') } },
    ]);
  });

  it('ignores what is not one of the messages, and messages from a port already closed', async () => {
    const { link, ports, statuses } = setUp();
    link.start();
    for (const junk of [
      null,
      1,
      'sign',
      [],
      { type: 'sign' },
      { type: 'sign', id: 'x' },
      { type: 'hello', port: 0 },
      { type: 'hello', port: 70_000 },
    ])
      ports[0]!.send(junk);
    await settle();
    expect(ports[0]!.posted).toEqual([]);
    expect(statuses).toEqual([{ state: 'starting' }]);
    const old = ports[0]!;
    old.close();
    link.start();
    old.send({ id: 3, type: 'sign', token: 't', method: 'GET', path: '/x' });
    old.send({ type: 'hello', port: 1 });
    await settle();
    expect(old.posted).toEqual([]);
    expect(link.status()).toEqual({ state: 'starting' });
  });

  it('the agent stopping, busy or failing says why; turning off tells the agent, then closes', () => {
    const { link, ports } = setUp();
    link.start();
    ports[0]!.close({ error: { message: 'Specified native messaging host not found.' } });
    expect(link.status()).toEqual({ state: 'stopped', message: 'Specified native messaging host not found.' });
    link.start();
    ports[1]!.send({ type: 'busy', port: 8127 });
    ports[1]!.close();
    expect(link.status()).toEqual({ state: 'busy', port: 8127 });
    link.start();
    ports[2]!.send({ type: 'error', message: 'Port 8127 is in use.' });
    expect(link.status()).toEqual({ state: 'stopped', message: 'Port 8127 is in use.' });
    link.start(); // still open: no second port
    expect(ports).toHaveLength(3);
    link.stop();
    expect(ports[2]!.posted).toEqual([{ type: 'off' }]);
    expect(ports[2]!.disconnected).toBe(true);
    expect(link.status()).toEqual({ state: 'off' });
  });
});
