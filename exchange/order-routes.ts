/**
 * Orders, as much as a bot needs to be tested: POST /portfolio/orders and its successor POST
 * /portfolio/events/orders (the V2 shape Kalshi's SDKs 3.30 send) accepted, checked and recorded,
 * GET /portfolio/orders listing them, in Kalshi's documented shapes. Nothing is matched or filled:
 * every order rests.
 */
import { randomUUID } from 'node:crypto';
import { centsToDollars } from './account-routes';
import { jsonBody, requireKey, type Handler } from './context';
import { invalid } from './http';
import type { SandboxOrder } from './state';

const oneOf = <T extends string>(value: unknown, allowed: readonly T[], name: string): T => {
  if (typeof value !== 'string' || !allowed.includes(value as T)) throw invalid(`${name} must be one of ${allowed.join(', ')}`);
  return value as T;
};

const cents = (value: unknown, name: string): number | undefined => {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 99) throw invalid(`${name} must be an integer from 1 to 99`);
  return value as number;
};

/** A fixed-point count ("10", "10.00"): positive, at most 2 decimals. */
function count(value: unknown): number {
  if (typeof value !== 'string' || !/^\d+(\.\d{1,2})?$/.test(value) || Number(value) <= 0)
    throw invalid('count must be a positive fixed-point string, e.g. "10.00"');
  return Number(value);
}

/** A price in dollars ("0.56"): above 0 and below 1, whole cents here. */
function price(value: unknown): number {
  if (typeof value !== 'string' || !/^0\.\d{2,4}$/.test(value))
    throw invalid('price must be a dollar string from 0.01 to 0.99, e.g. "0.56"');
  const cents = Math.round(Number(value) * 100);
  if (cents < 1 || cents > 99 || cents / 100 !== Number(value)) throw invalid('price must be whole cents from 0.01 to 0.99');
  return cents;
}

export const orderRoutes: Record<string, Handler> = {
  // The V2 shape: one book, `bid` buys YES and `ask` sells it; counts and prices as fixed-point strings.
  'POST /portfolio/events/orders': async (ctx) => {
    const { key, account } = requireKey(ctx, ['write', 'write::trade']);
    const body = await jsonBody(ctx);
    if (typeof body.ticker !== 'string' || body.ticker === '') throw invalid('ticker is required');
    const side = oneOf(body.side, ['bid', 'ask'] as const, 'side');
    const initial = count(body.count);
    const yesPrice = price(body.price);
    oneOf(body.time_in_force, ['fill_or_kill', 'good_till_canceled', 'immediate_or_cancel'] as const, 'time_in_force');
    oneOf(body.self_trade_prevention_type, ['taker_at_cross', 'maker'] as const, 'self_trade_prevention_type');
    const order: SandboxOrder = {
      order_id: randomUUID(),
      user_id: account.userId,
      client_order_id: typeof body.client_order_id === 'string' ? body.client_order_id : randomUUID(),
      ticker: body.ticker,
      side: 'yes',
      action: side === 'bid' ? 'buy' : 'sell',
      type: 'limit',
      status: 'resting',
      yes_price: yesPrice,
      no_price: 100 - yesPrice,
      yes_price_dollars: centsToDollars(yesPrice),
      no_price_dollars: centsToDollars(100 - yesPrice),
      initial_count: initial,
      remaining_count: initial,
      fill_count: 0,
      created_time: new Date(ctx.state.now()).toISOString(),
      placed_by: key.record.api_key_id,
    };
    account.orders.push(order);
    return {
      status: 201,
      body: {
        order_id: order.order_id,
        client_order_id: order.client_order_id,
        fill_count: '0.00',
        remaining_count: initial.toFixed(2),
        ts_ms: ctx.state.now(),
      },
    };
  },

  'POST /portfolio/orders': async (ctx) => {
    const { key, account } = requireKey(ctx, ['write', 'write::trade']);
    const body = await jsonBody(ctx);
    // Guess: the checks and words for a malformed order (Kalshi documents 400, not its body).
    if (typeof body.ticker !== 'string' || body.ticker === '') throw invalid('ticker is required');
    const side = oneOf(body.side, ['yes', 'no'] as const, 'side');
    const action = oneOf(body.action, ['buy', 'sell'] as const, 'action');
    const type = body.type === undefined ? 'limit' : oneOf(body.type, ['limit', 'market'] as const, 'type');
    if (!Number.isInteger(body.count) || (body.count as number) < 1) throw invalid('count must be a positive integer');
    const yes = cents(body.yes_price, 'yes_price');
    const no = cents(body.no_price, 'no_price');
    if ((yes === undefined) === (no === undefined)) throw invalid('exactly one of yes_price and no_price is required');
    const yesPrice = yes ?? 100 - no!;
    const order: SandboxOrder = {
      order_id: randomUUID(),
      user_id: account.userId,
      client_order_id: typeof body.client_order_id === 'string' ? body.client_order_id : randomUUID(),
      ticker: body.ticker,
      side,
      action,
      type,
      status: 'resting',
      yes_price: yesPrice,
      no_price: 100 - yesPrice,
      yes_price_dollars: centsToDollars(yesPrice),
      no_price_dollars: centsToDollars(100 - yesPrice),
      initial_count: body.count as number,
      remaining_count: body.count as number,
      fill_count: 0,
      created_time: new Date(ctx.state.now()).toISOString(),
      placed_by: key.record.api_key_id,
    };
    account.orders.push(order);
    const { placed_by: _by, ...shown } = order;
    return { status: 201, body: { order: shown } };
  },

  'GET /portfolio/orders': async (ctx) => {
    const { account } = requireKey(ctx, ['read']);
    const ticker = ctx.query.get('ticker');
    const orders = account.orders
      .filter((o) => ticker === null || o.ticker === ticker)
      .reverse()
      .map(({ placed_by: _by, ...shown }) => shown);
    return { status: 200, body: { orders, cursor: '' } };
  },
};
