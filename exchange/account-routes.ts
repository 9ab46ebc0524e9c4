/** Account facts a key manager can show, the balance that proves a key, and the public status. */
import { jsonBody, nowSeconds, requireKey, type Handler, type RouteContext } from './context';
import { forbidden, HttpError, invalid } from './http';
import { bucketsOf, grantsOf, TIERS, volumeProgressOf, type StoredKey } from './state';

/** A non-negative integer query parameter, or undefined when absent. */
function intParam(ctx: RouteContext, name: string, max: number): number | undefined {
  const raw = ctx.query.get(name);
  if (raw === null) return undefined;
  // Guess: a malformed value is Kalshi's documented "400 invalid input", with our code and words.
  if (!/^\d{1,9}$/.test(raw) || Number(raw) > max) throw invalid(`${name} must be an integer from 0 to ${max}`);
  return Number(raw);
}

/** "1234.56" from cents, without floating-point rounding. */
export function centsToDollars(cents: number): string {
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * The subaccount a request acts for. Kalshi: a key restricted to a subaccount acts for it, also
 * without the query; an unrestricted key's default is 0.
 */
function subaccountFor(key: StoredKey, asked: number | undefined): number {
  const own = key.record.subaccount;
  if (own === null) return asked ?? 0;
  // Guess: naming another subaccount than the key's own is refused (Kalshi does not say what happens).
  if (asked !== undefined && asked !== own) throw forbidden(`this API key is restricted to subaccount ${own}`);
  return own;
}

/** A JSON body (`{}` will do) with its content type, or a 400 invalid_content_type. */
async function requireJsonBody(ctx: RouteContext): Promise<void> {
  // Guess from users' reports: Kalshi refused body-less POSTs with invalid_content_type on another endpoint.
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
  // Guess: the doc names no fields; these two are those of Kalshi's status answer the client reads (exchange_active).
  'GET /exchange/status': async () => ({ status: 200, body: { exchange_active: true, trading_active: true } }),

  'GET /account/limits': async (ctx) => {
    const { account: acc } = requireKey(ctx, ['read']);
    const { read, write } = bucketsOf(acc.usageTier);
    return {
      status: 200,
      body: {
        usage_tier: acc.usageTier,
        read,
        write,
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
    // Guess: the 403's words (the doc gives only the reason).
    if (!acc.hasRecentApiOrder) throw forbidden('none of your last 100 orders was placed through the API');
    // Guess: the permanent Advanced grant's source is 'manual' (the doc says only "permanent").
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
    // Kalshi's location attestation limits trading, not the balance: an expired one changes nothing here.
    const subaccount = subaccountFor(key, intParam(ctx, 'subaccount', 63));
    const { balance, portfolioValue } = acc.balances.get(subaccount) ?? { balance: 0, portfolioValue: 0 };
    return {
      status: 200,
      body: { balance, balance_dollars: centsToDollars(balance), portfolio_value: portfolioValue, updated_ts: nowSeconds(ctx) },
    };
  },
};
