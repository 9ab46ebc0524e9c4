/**
 * Orders, as much as a bot needs to be tested: POST /portfolio/orders accepted, checked and
 * recorded, GET /portfolio/orders listing them, in Kalshi's documented shapes. Nothing is matched
 * or filled: every order rests.
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

export const orderRoutes: Record<string, Handler> = {
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
