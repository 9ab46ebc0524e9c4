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

export async function main(): Promise<void> {
  const port = portFrom(process.env);
  const signer = nativeSigner(process.stdin, process.stdout);
  const agent = await startAgent({ port, sign: signer.sign });
  process.stderr.write(`kalshi-keys-agent: serving Kalshi's API on http://127.0.0.1:${agent.port}\n`);
  // The browser closed the port (the extension turned the agent off, or the browser quit): stop.
  process.stdin.on('end', () => void agent.close().then(() => process.exit(0)));
}
