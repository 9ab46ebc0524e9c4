/**
 * What a user types or pastes to set a bot up: code, the same in every language, so it lives here
 * and not in the pages' words. The agent's default port is agent/src/main.ts's.
 */
export const AGENT_DEFAULT_PORT = 8127;

/** The command that registers the agent for this browser: Firefox by the add-on's id, the others by the extension's. */
export const agentInstallCommand = (firefox: boolean, extensionId: string): string =>
  firefox ? 'npm run agent -- install firefox' : `npm run agent -- install chrome --extension-id ${extensionId}`;

/** Kalshi's TypeScript SDK, configured with the agent's address and a grant's token, and no private key. */
export const sdkConfiguration = (token: string, port: number = AGENT_DEFAULT_PORT): string =>
  [
    'const config = new Configuration({',
    `  basePath: 'http://127.0.0.1:${port}/trade-api/v2',`,
    `  baseOptions: { headers: { 'KALSHI-ACCESS-KEY': '${token}' } },`,
    '});',
  ].join('\n');
