/** Account facts a key manager can show, the balance that proves a key, and the public status. */
import { jsonBody, nowSeconds, requireKey, type Handler, type RouteContext } from './context';
import { forbidden, HttpError, invalid, LOCATION_ATTESTATION_MESSAGE } from './http';
import { grantsOf, TIER_LIMITS, TIERS, volumeProgressOf, type StoredKey } from './state';

/** A non-negative integer query parameter, or `fallback` when absent. */
function intParam(ctx: RouteContext, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = ctx.query.get(name);
  if (raw === null) return fallback;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) > max) throw invalid(`${name} must be an integer from 0 to ${max}`);
  return Number(raw);
}

/** "1234.56" from cents, without floating-point rounding. */
export function centsToDollars(cents: number): string {
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** A key restricted to a subaccount acts for that subaccount only (the default 0 included). */
function checkSubaccount(key: StoredKey, subaccount: number): void {
  const own = key.record.subaccount;
  if (own !== null && own !== subaccount) {
    throw forbidden(`this API key is restricted to subaccount ${own}`);
  }
}

/**
 * Guess, from users' reports (shared/kalshi-api-keys.md): Kalshi refuses a body-less POST with a 400
 * whose code is invalid_content_type; seen on another endpoint, applied here so a client that sends
 * nothing finds out. A JSON body (`{}`) with its content type passes.
 */
async function requireJsonBody(ctx: RouteContext): Promise<void> {
  const type = ctx.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new HttpError(
      400,
      'invalid_content_type',
      'invalid content type',
      'the request body must be JSON (content-type: application/json)',
    );
  }
  await jsonBody(ctx);
}

export const accountRoutes: Record<string, Handler> = {
  'GET /exchange/status': async () => ({ status: 200, body: { exchange_active: true, trading_active: true } }),

  'GET /account/limits': async (ctx) => {
    const { account: acc } = requireKey(ctx, ['read']);
    const { read, write } = TIER_LIMITS[acc.usageTier];
    return {
      status: 200,
      body: {
        usage_tier: acc.usageTier,
        read: { refill_rate: read, bucket_capacity: read },
        write: { refill_rate: write, bucket_capacity: write },
        grants: grantsOf(acc, nowSeconds(ctx)),
      },
    };
  },

  'GET /account/api_usage_level/volume_progress': async (ctx) => {
    const { account } = requireKey(ctx, ['read']);
    return { status: 200, body: { volume_progress: volumeProgressOf(account, nowSeconds(ctx)) } };
  },

  // A permanent Advanced grant when 1 of the last 100 orders came through the API; 201 with no body (the spec).
  'POST /account/api_usage_level/upgrade': async (ctx) => {
    // Guess: the write scope, as for every other write endpoint Kalshi documents.
    const { account: acc } = requireKey(ctx, ['write']);
    await requireJsonBody(ctx);
    if (!acc.hasRecentApiOrder) throw forbidden('none of your last 100 orders was placed through the API');
    const grants = grantsOf(acc, nowSeconds(ctx)).filter((g) => !(g.level === 'advanced' && g.source === 'manual'));
    acc.grants = [...grants, { exchange_instance: 'event_contract', level: 'advanced', source: 'manual' }];
    if (TIERS.indexOf(acc.usageTier) < TIERS.indexOf('advanced')) acc.usageTier = 'advanced';
    return { status: 201 };
  },

  'GET /communications/id': async (ctx) => {
    const { account } = requireKey(ctx, ['read']);
    return { status: 200, body: { communications_id: account.communicationsId } };
  },

  'GET /portfolio/balance': async (ctx) => {
    const { key, account: acc } = requireKey(ctx, ['read', 'read::portfolio_balance']);
    const subaccount = intParam(ctx, 'subaccount', 0, 63);
    intParam(ctx, 'exchange_index', 0); // accepted; the sandbox has a single exchange index
    checkSubaccount(key, subaccount);
    // Kalshi refuses trading without a location attestation; the sandbox serves no trading
    // endpoint, so the balance stands in for one when a test asks for it.
    if (acc.attestation !== 'ok' && acc.attestationGuardsBalance) throw forbidden(LOCATION_ATTESTATION_MESSAGE);
    const { balance, portfolioValue } = acc.balances.get(subaccount) ?? { balance: 0, portfolioValue: 0 };
    return {
      status: 200,
      body: { balance, balance_dollars: centsToDollars(balance), portfolio_value: portfolioValue, updated_ts: nowSeconds(ctx) },
    };
  },
};
