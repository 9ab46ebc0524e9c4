/**
 * kalshi-keys-agent's local server: Kalshi's REST API on 127.0.0.1, for programs on this computer.
 * A bot points its SDK's host here and sends a grant's token as its key id (or as a bearer token);
 * the agent asks the extension to sign each request (`sign`: native messaging in the product),
 * adds the three KALSHI-ACCESS-* headers it gets back, forwards the request over TLS to the Kalshi
 * host the extension names, and streams the answer back. It never sees a private key, and it
 * cannot sign: a request the extension refuses is answered with the extension's words, unsent.
 */
import { createServer, STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import type { AddressInfo } from 'node:net';

/** The extension's answer for one request (lib/bots/signing.ts). */
export type SignAnswer =
  { ok: true; host: string; headers: Record<string, string> } | { ok: false; status: number; code: string; message: string };

export interface SignRequest {
  token: string | undefined;
  method: string;
  /** As Kalshi signs it: without the query. */
  path: string;
}

export interface AgentOptions {
  /** 0: any free port. */
  port: number;
  /** Asks the extension; rejects when the browser holding the keys cannot be reached. */
  sign(request: SignRequest): Promise<SignAnswer>;
  /** Where a Kalshi host is reached: the host itself, unless tests point it at a local exchange. */
  upstream?: (host: string) => { host: string; port: number; ca?: string };
  /** Kalshi's status for a request the extension signed (101: a WebSocket joined; 502: Kalshi could not be reached). */
  outcome?: (answer: SignAnswer, status: number) => void;
}

export interface Agent {
  port: number;
  close(): Promise<void>;
}

/** Request headers that describe this hop or carry the bot's own credentials: never forwarded. */
const NOT_FORWARDED = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'authorization',
  'cookie',
  'kalshi-access-key',
  'kalshi-access-signature',
  'kalshi-access-timestamp',
]);
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'trailer']);

/** Kalshi's error shape, so a bot's SDK shows the words. */
function errorBody(code: string, message: string): string {
  return JSON.stringify({ error: { code, message, details: 'kalshi-keys-agent' } });
}

function refuse(res: ServerResponse, status: number, code: string, message: string): void {
  const body = errorBody(code, message);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** The same answer on a socket whose upgrade is refused (no ServerResponse there). */
function refuseUpgrade(socket: Duplex, status: number, code: string, message: string): void {
  const body = errorBody(code, message);
  const head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close`;
  socket.end(`${head}\r\n\r\n${body}`);
}

/** A WebSocket upgrade keeps its own headers (upgrade, connection, sec-websocket-*); never the bot's credentials. */
const NOT_FORWARDED_UPGRADE = new Set([
  'host',
  'origin',
  'authorization',
  'cookie',
  'proxy-authorization',
  'proxy-connection',
  'kalshi-access-key',
  'kalshi-access-signature',
  'kalshi-access-timestamp',
]);

/** The grant's token: the SDK's key id, or a bearer token. */
function tokenOf(headers: IncomingHttpHeaders): string | undefined {
  const key = headers['kalshi-access-key'];
  if (typeof key === 'string' && key !== '') return key;
  const bearer = /^Bearer (\S+)$/.exec(headers.authorization ?? '');
  return bearer?.[1];
}

export async function startAgent(options: AgentOptions): Promise<Agent> {
  const upstream = options.upstream ?? ((host: string): { host: string; port: number; ca?: string } => ({ host, port: 443 }));
  let port = options.port;
  const outcome = options.outcome ?? (() => {});
  // Connections to Kalshi are kept and reused: a new TLS handshake per request would add milliseconds
  // to each (bench/agent.ts measures what the agent adds). One pool per agent, closed with it.
  const kept = new HttpsAgent({ keepAlive: true, scheduling: 'lifo' });

  /** The extension's answer for `req`, or the refusal to send instead: [status, code, words]. */
  async function signed(req: IncomingMessage): Promise<Extract<SignAnswer, { ok: true }> | [number, string, string]> {
    // A web page's request carries an Origin: pages never reach Kalshi through this agent.
    if (req.headers.origin !== undefined)
      return [403, 'origin_refused', 'Requests from web pages are refused: only programs on this computer may use the agent.'];
    // Another name for this address (DNS rebinding) is refused, whatever it resolves to.
    if (req.headers.host !== `127.0.0.1:${port}` && req.headers.host !== `localhost:${port}`)
      return [421, 'host_refused', `Address the agent as 127.0.0.1:${port} or localhost:${port}.`];
    const target = req.url ?? '';
    const queryAt = target.indexOf('?');
    const path = queryAt < 0 ? target : target.slice(0, queryAt);
    let answer: SignAnswer;
    try {
      answer = await options.sign({ token: tokenOf(req.headers), method: req.method ?? '', path });
    } catch {
      return [503, 'browser_closed', 'The browser holding your keys is closed: open it, with the Kalshi key manager, and try again.'];
    }
    return answer.ok ? answer : [answer.status, answer.code, answer.message];
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const answer = await signed(req);
    if (Array.isArray(answer)) return refuse(res, ...answer);
    const target = req.url ?? '';
    const method = req.method ?? '';

    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !NOT_FORWARDED.has(name)) headers[name] = value;
    const to = upstream(answer.host);
    const forwarded = httpsRequest(
      {
        host: to.host,
        port: to.port,
        servername: answer.host,
        ca: to.ca,
        agent: kept,
        method,
        path: target,
        headers: { ...headers, host: answer.host, ...answer.headers },
      },
      (reply) => {
        const back: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(reply.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) back[name] = value;
        outcome(answer, reply.statusCode ?? 502);
        res.writeHead(reply.statusCode ?? 502, back);
        reply.pipe(res);
      },
    );
    forwarded.on('error', () => {
      if (res.headersSent) return res.destroy();
      outcome(answer, 502);
      refuse(res, 502, 'kalshi_unreachable', `${answer.host} could not be reached.`);
    });
    req.pipe(forwarded);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) refuse(res, 500, 'agent_error', 'The agent failed on this request: nothing was sent to Kalshi.');
      else res.destroy();
    });
  });
  // Kalshi's WebSocket: the upgrade signed as a GET, then the two connections joined byte for byte.
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    void signed(req).then((answer) => {
      if (Array.isArray(answer)) return refuseUpgrade(socket, ...answer);
      const to = upstream(answer.host);
      const kalshi = tlsConnect({ host: to.host, port: to.port, servername: answer.host, ca: to.ca }, () => {
        const lines = [`GET ${req.url ?? ''} HTTP/1.1`, `host: ${answer.host}`];
        for (let i = 0; i < req.rawHeaders.length; i += 2)
          if (!NOT_FORWARDED_UPGRADE.has(req.rawHeaders[i]!.toLowerCase())) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
        for (const [name, value] of Object.entries(answer.headers)) lines.push(`${name}: ${value}`);
        kalshi.write(`${lines.join('\r\n')}\r\n\r\n`);
        kalshi.write(head);
        socket.pipe(kalshi).pipe(socket);
      });
      let joined = false;
      kalshi.once('secureConnect', () => (joined = true));
      // Kalshi's status line: 101 when it took the upgrade.
      kalshi.once('data', (chunk: Buffer) => outcome(answer, Number(/^HTTP\/1\.[01] (\d{3})/.exec(chunk.toString('latin1'))?.[1] ?? 502)));
      kalshi.on('error', () => {
        if (joined) return socket.destroy();
        outcome(answer, 502);
        refuseUpgrade(socket, 502, 'kalshi_unreachable', `${answer.host} could not be reached.`);
      });
      socket.on('close', () => kalshi.destroy());
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        kept.destroy();
        server.close(() => resolve());
      }),
  };
}
