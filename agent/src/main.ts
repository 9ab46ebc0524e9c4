/**
 * kalshi-keys-agent as the browser starts it: a native messaging host whose stdin and stdout are the
 * extension's port, serving Kalshi's API to programs on this computer on 127.0.0.1. stdout carries
 * only the extension's messages: everything the agent says goes to stderr, which the browser logs.
 */
import { nativeSigner } from './native-messaging';
import { startAgent } from './server';

/** The agent's port unless KALSHI_KEYS_AGENT_PORT says otherwise: what a bot's SDK host names. */
export const DEFAULT_PORT = 8127;

export function portFrom(env: Record<string, string | undefined>): number {
  const text = env.KALSHI_KEYS_AGENT_PORT;
  if (text === undefined || text === '') return DEFAULT_PORT;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new Error(`KALSHI_KEYS_AGENT_PORT must be a port number (1–65535), not “${text}”.`);
  return port;
}

/**
 * KALSHI_KEYS_AGENT_CONNECT_TO=host:port sends every request there instead of to Kalshi's host (whose
 * name still goes in the TLS handshake and the Host header): for the local sandbox exchange, as the
 * extension's tests use Chromium's --host-resolver-rules. Its certificate: NODE_EXTRA_CA_CERTS.
 */
export function upstreamFrom(env: Record<string, string | undefined>): ((host: string) => { host: string; port: number }) | undefined {
  const text = env.KALSHI_KEYS_AGENT_CONNECT_TO;
  if (text === undefined || text === '') return undefined;
  const match = /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(text);
  if (!match) throw new Error(`KALSHI_KEYS_AGENT_CONNECT_TO must be host:port, not “${text}”.`);
  return () => ({ host: match[1]!, port: Number(match[2]) });
}

export async function main(): Promise<void> {
  const port = portFrom(process.env);
  const upstream = upstreamFrom(process.env);
  const signer = nativeSigner(process.stdin, process.stdout);
  const agent = await startAgent({ port, sign: signer.sign, ...(upstream ? { upstream } : {}) });
  process.stderr.write(`kalshi-keys-agent: serving Kalshi's API on http://127.0.0.1:${agent.port}\n`);
  // The browser closed the port (the extension turned the agent off, or the browser quit): stop.
  process.stdin.on('end', () => void agent.close().then(() => process.exit(0)));
}
