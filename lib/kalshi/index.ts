/**
 * Kalshi's protocol: signing a request (signer.ts), the client for the endpoints we use with its
 * timeouts, retries and typed errors (client.ts, retry.ts), the answers' shapes checked on arrival
 * (wire-types.ts), and Kalshi's rules: scopes, usage tiers, the hosts the extension may reach.
 *
 * May import: lib/shared and lib/key-formats. Knows nothing of the store or the pages.
 */
export { createKalshiClient, type KalshiClient } from './client';
export { signRequest, type SigningKey } from './signer';
