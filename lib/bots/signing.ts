/**
 * The extension's side of a bot's request: its grant checked (grants.ts), its rate (budget.ts),
 * then the three KALSHI-ACCESS-* headers made with the grant's held key, and the host they are for.
 * The agent gets headers or a refusal in words; never a key, and nothing outside the grant.
 */
import { signRequest, type SignedHeaders, type SigningKey } from '../kalshi/signer';
import { HOSTS } from '../shared/environments';
import type { Budgets } from './budget';
import { decide, type Grant } from './grants';
import { grantOf } from './tokens';

/** What the agent asks: the grant's token, and the request as Kalshi signs it (its path without the query). */
export interface BotRequest {
  token: unknown;
  method: unknown;
  path: unknown;
}

export type BotAnswer =
  | { ok: true; grantId: string; host: string; headers: SignedHeaders }
  | { ok: false; status: 401 | 403 | 429; code: string; message: string; grantId?: string };

/** Longer than any Kalshi API path: a longer one is refused before anything else is read. */
const MAX_PATH = 2_048;

export function createBotSigning(deps: {
  grants(): Promise<readonly Grant[]>;
  /** The grant's held key, or undefined once it is no longer held here. */
  keyOf(grant: Grant): Promise<SigningKey | undefined>;
  budgets: Budgets;
  now(): number;
  /** The user paused every bot. */
  paused(): boolean | Promise<boolean>;
}) {
  return async function sign(request: BotRequest): Promise<BotAnswer> {
    const { method, path } = request;
    if (typeof method !== 'string' || typeof path !== 'string' || path.length > MAX_PATH)
      return { ok: false, status: 403, code: 'not_kalshi_api', message: 'Not a request Kalshi signs: nothing was signed.' };
    const grant = await grantOf(await deps.grants(), request.token);
    const now = deps.now();
    const decision = decide(grant, method, path, now);
    if (!decision.ok) {
      const { code, message } = decision.refusal;
      const status = code === 'unknown_grant' || code === 'grant_revoked' || code === 'grant_expired' ? 401 : 403;
      return { ok: false, status, code, message, ...(grant ? { grantId: grant.id } : {}) };
    }
    const refuse = (status: 403 | 429, code: string, message: string): BotAnswer => ({
      ok: false,
      status,
      code,
      message,
      grantId: grant!.id,
    });
    if (await deps.paused()) return refuse(403, 'bots_paused', 'Every bot is paused in the Kalshi key manager: nothing was signed.');
    if (!deps.budgets.take(grant!, now))
      return refuse(
        429,
        'over_grant_budget',
        `The grant “${grant!.name}” allows ${grant!.perSecond} requests a second: this one was not signed.`,
      );
    const key = await deps.keyOf(grant!);
    if (!key)
      return refuse(403, 'grant_key_gone', `The key the grant “${grant!.name}” signs with is no longer held here: admit the bot again.`);
    return { ok: true, grantId: grant!.id, host: HOSTS[grant!.environment].preferred, headers: await signRequest(key, method, path, now) };
  };
}
