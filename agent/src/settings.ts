/**
 * The agent's settings, from its environment. The relay passes its environment (the browser's) on
 * to the agent it starts, so these can be set where the browser is started, or in the launcher.
 */

/** The agent's port unless KALSHI_KEYS_AGENT_PORT says otherwise: what a bot's SDK host names. */
export const DEFAULT_PORT = 8127;

type Env = Record<string, string | undefined>;

/** KALSHI_KEYS_AGENT_PORT: 0 takes any free port (tests; `hello` names the one taken). */
export function portFrom(env: Env): number {
  const text = env.KALSHI_KEYS_AGENT_PORT;
  if (text === undefined || text === '') return DEFAULT_PORT;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535)
    throw new Error(`KALSHI_KEYS_AGENT_PORT must be a port number (1–65535, or 0 for any free one), not “${text}”.`);
  return port;
}

/**
 * KALSHI_KEYS_AGENT_CONNECT_TO=host:port sends every request there instead of to Kalshi's host (whose
 * name still goes in the TLS handshake and the Host header): for the local sandbox exchange, as the
 * extension's tests use Chromium's --host-resolver-rules. Its certificate: NODE_EXTRA_CA_CERTS.
 */
export function upstreamFrom(env: Env): ((host: string) => { host: string; port: number }) | undefined {
  const text = env.KALSHI_KEYS_AGENT_CONNECT_TO;
  if (text === undefined || text === '') return undefined;
  const match = /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(text);
  if (!match) throw new Error(`KALSHI_KEYS_AGENT_CONNECT_TO must be host:port, not “${text}”.`);
  return () => ({ host: match[1]!, port: Number(match[2]) });
}
