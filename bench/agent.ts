/**
 * The local agent (issue 25), measured as a bot has it: the built extension in Chromium signs
 * through native messaging, the built agent forwards over TLS (tests/helpers/agent-chromium.ts sets
 * them up as the e2e test does, a grant admitted through the options page).
 *
 * Latency: a bot's GET /portfolio/balance through the agent, against the same request signed by the
 * bot itself with kalshi-typescript's own signer (its KalshiAuth: the PEM, RSA-PSS) and sent straight
 * to the exchange on a kept-alive TLS connection. Both reach the local exchange, which verifies
 * every signature: its cost is in both. The two sides alternate, round by round.
 *
 * Throughput: 64 bots' kept-alive connections (raw HTTP/1.1, one request in flight each) for a few
 * seconds, with an RSA-2048 and an Ed25519 grant. The agent sends to a minimal HTTPS server that
 * answers 200 unverified: the exchange's verification is not the agent's cost (the latency rows count
 * it). Beside each, the limit: the worker's own signing rate with the same kind of key (browser.ts).
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { performance } from 'node:perf_hooks';
import { KalshiAuth } from 'kalshi-typescript/dist/auth';
import { ensureTls } from '../exchange/tls';
import { admitBot, agentProfile, serveBots } from '../tests/helpers/agent-chromium';
import { importKey, importWorkerKeys, serviceWorkerOf, workerSignRate, type Extension, type WorkerAlg } from './browser';
import { getOk } from './round-trip';

const BALANCE = '/trade-api/v2/portfolio/balance';
const DEMO_HOST = 'external-api.demo.kalshi.co';
/** Latency: rounds × requests per side per round, sequential. */
const LATENCY = { rounds: 10, perRound: 40, warmUp: 30 };
/** Throughput: bots' connections at once, and seconds measured after a warm-up. */
const LOAD = { connections: 64, seconds: 5, warmUpSeconds: 1 };
/** The worker's signing rate, as section 1 and 2 measure it. */
const LIMIT_SIGNATURES: Record<WorkerAlg, number> = { 'RSA-PSS': 300, Ed25519: 3000 };

interface HeldKey {
  keyId: string;
  pem: string;
}

export interface AgentFigures {
  /** Milliseconds of each request, round by round: through the agent, and straight to the exchange (the SDK signing). */
  latency: { agent: number[][]; direct: number[][] };
  /** With the worker's signing rate before and after, and the TLS connections the upstream took in the warm-up and while measured. */
  throughput: Record<WorkerAlg, { perSecond: number; refused: number; limit: number[]; connections: [number, number] }>;
}

/** A bot's sequential GETs of the balance through the agent, on one kept-alive connection. */
function throughAgent(port: number, token: string) {
  const agent = new HttpAgent({ keepAlive: true, maxSockets: 1 });
  const get = () => getOk(httpRequest, { host: '127.0.0.1', port, path: BALANCE, agent, headers: { 'KALSHI-ACCESS-KEY': token } });
  return { get, close: () => agent.destroy() };
}

/** The same GET signed by the bot with kalshi-typescript's signer, straight to the exchange, one kept-alive TLS connection. */
function direct(exchange: { port: number; ca: string }, key: HeldKey) {
  const auth = new KalshiAuth(key.keyId, key.pem);
  const agent = new HttpsAgent({ keepAlive: true, maxSockets: 1, ca: exchange.ca });
  const get = () =>
    getOk(httpsRequest, {
      host: '127.0.0.1',
      port: exchange.port,
      path: BALANCE,
      servername: DEMO_HOST,
      agent,
      headers: { host: DEMO_HOST, ...auth.generateAuthHeaders('GET', BALANCE) },
    });
  return { get, close: () => agent.destroy() };
}

async function timed(get: () => Promise<unknown>, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await get();
    times.push(performance.now() - start);
  }
  return times;
}

/**
 * The minimal upstream for throughput, in as little of the machine's CPU as can be (the agent's and
 * the browser's share the same two cores): TLS with the exchange's certificate, and for each request
 * (the agent's GETs have no body: a blank line ends each) the same 200 with a balance, unverified.
 */
async function answerAll() {
  const REPLY = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 13\r\n\r\n{"balance":0}';
  const sockets = new Set<TLSSocket>();
  const server = createTlsServer(await ensureTls(), (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let tail = '';
    socket.on('data', (chunk: Buffer) => {
      const parts = (tail + chunk.toString('latin1')).split('\r\n\r\n');
      tail = parts.pop()!.slice(-3);
      if (parts.length > 0) socket.write(REPLY.repeat(parts.length));
    });
  });
  let connections = 0;
  server.on('secureConnection', () => connections++);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () => new Promise<void>((done) => (sockets.forEach((s) => s.destroy()), server.close(() => done()))),
  };
}

/**
 * Answered requests per second with LOAD.connections bots asking at once for `seconds`, each on a
 * kept-alive connection with one request in flight; other answers counted apart. The bots speak
 * HTTP/1.1 on raw sockets, as a load generator (wrk) does: a bot's own HTTP is not the agent's cost.
 */
async function load(port: number, token: string, seconds: number) {
  const ask = Buffer.from(`GET ${BALANCE} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nkalshi-access-key: ${token}\r\n\r\n`);
  let ok = 0;
  let other = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  const bot = () =>
    new Promise<void>((done, fail) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(ask));
      socket.on('error', fail);
      let pending: Buffer = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        for (;;) {
          const headEnd = pending.indexOf('\r\n\r\n');
          if (headEnd < 0) return;
          const head = pending.subarray(0, headEnd).toString('latin1');
          const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
          if (pending.length < headEnd + 4 + length) return;
          pending = pending.subarray(headEnd + 4 + length);
          if (head.startsWith('HTTP/1.1 200 ')) ok++;
          else other++;
          if (performance.now() < end) socket.write(ask);
          else return void (socket.end(), done());
        }
      });
    });
  await Promise.all(Array.from({ length: LOAD.connections }, bot));
  return { perSecond: ok / ((performance.now() - start) / 1000), refused: other };
}

/** Waits until the agent signs for `token` (after a launch, the worker links by itself). */
async function serving(port: number, token: string): Promise<void> {
  const bot = throughAgent(port, token);
  try {
    for (let i = 0; ; i++) {
      const ok = await bot.get().then(
        () => true,
        () => false,
      );
      if (ok) return;
      if (i > 150) throw new Error('the agent did not serve within 30 s');
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    bot.close();
  }
}

export async function measureAgent(
  buildDir: string,
  exchange: { port: number; ca: string },
  keys: Record<WorkerAlg, HeldKey>,
  pkcs8: Record<WorkerAlg, string>,
  log: (line: string) => void,
): Promise<AgentFigures> {
  const upstream = await answerAll();
  const profile = await agentProfile(buildDir, exchange);
  let context = await profile.launch();
  try {
    const ext: Extension = {
      context,
      worker: await serviceWorkerOf(context),
      origin: `chrome-extension://${profile.id}`,
      close: () => context.close(),
    };
    await importKey(ext, keys['RSA-PSS'].keyId, keys['RSA-PSS'].pem);
    await importKey(ext, keys.Ed25519.keyId, keys.Ed25519.pem);
    const options = await context.newPage();
    await options.goto(`${ext.origin}/options.html`);
    await serveBots(options, profile.agentPort);
    const tokens = {} as Record<WorkerAlg, string>;
    for (const alg of ['RSA-PSS', 'Ed25519'] as const)
      tokens[alg] = await admitBot(options, {
        name: `bench ${alg}`,
        preset: /Read only/,
        perSecond: 12_000,
        key: `demo/${keys[alg].keyId}`,
      });
    await options.close();

    // ---- Latency: through the agent against the SDK signing by itself, both to the exchange ----
    const bot = throughAgent(profile.agentPort, tokens['RSA-PSS']);
    const sdk = direct(exchange, keys['RSA-PSS']);
    const latency: AgentFigures['latency'] = { agent: [], direct: [] };
    try {
      await timed(bot.get, LATENCY.warmUp);
      await timed(sdk.get, LATENCY.warmUp);
      for (let r = 0; r < LATENCY.rounds; r++) {
        const sides = [
          async () => latency.agent.push(await timed(bot.get, LATENCY.perRound)),
          async () => latency.direct.push(await timed(sdk.get, LATENCY.perRound)),
        ];
        if (r % 2 === 1) sides.reverse();
        for (const side of sides) await side();
      }
    } finally {
      bot.close();
      sdk.close();
    }

    // ---- Throughput: the agent started again, sending to the minimal server ----
    await context.close();
    profile.stopAgent();
    // The same environment object: the relay the browser starts next passes it to the agent it starts.
    profile.env.KALSHI_KEYS_AGENT_CONNECT_TO = `127.0.0.1:${upstream.port}`;
    context = await profile.launch();
    const worker = await serviceWorkerOf(context);
    await importWorkerKeys(worker, pkcs8);
    const throughput = {} as AgentFigures['throughput'];
    for (const alg of ['RSA-PSS', 'Ed25519'] as const) {
      await serving(profile.agentPort, tokens[alg]);
      const start = upstream.connections();
      await load(profile.agentPort, tokens[alg], LOAD.warmUpSeconds);
      const before = upstream.connections();
      const limit = [await workerSignRate(worker, alg, LIMIT_SIGNATURES[alg])];
      const { perSecond, refused } = await load(profile.agentPort, tokens[alg], LOAD.seconds);
      limit.push(await workerSignRate(worker, alg, LIMIT_SIGNATURES[alg]));
      throughput[alg] = { perSecond, refused, limit, connections: [before - start, upstream.connections() - before] };
      log(
        `  ${alg}: ${Math.round(perSecond)}/s through the agent (${refused} not 200); the worker signs ${limit.map(Math.round).join(', ')}/s`,
      );
    }
    return { latency, throughput };
  } finally {
    await context.close();
    profile.remove();
    await upstream.close();
  }
}
