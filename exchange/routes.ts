/** The Trade API v2 routes the sandbox serves, and the dispatch (see shared/kalshi-api-keys.md). */
import { accountRoutes } from './account-routes';
import { API_PREFIX, type Handler, type RouteContext } from './context';
import { errorReply, HttpError, type Reply } from './http';
import { keyRoutes } from './key-routes';
import { orderRoutes } from './order-routes';

export { API_PREFIX, type ExchangeState, type RouteContext } from './context';

const routes: Record<string, Handler> = { ...keyRoutes, ...accountRoutes, ...orderRoutes };

/** Routes one request; never throws (errors become Kalshi-shaped replies). */
export async function route(ctx: RouteContext): Promise<Reply> {
  // Guess: a preflight is answered 204 (Kalshi documents none; the extension's requests need none).
  if (ctx.method === 'OPTIONS') return { status: 204 };
  // Guess: the code and words of a 404 for an unknown route.
  const notFound = errorReply(404, 'not_found', 'not found', `no route for ${ctx.method} ${ctx.path}`);
  if (!ctx.path.startsWith(API_PREFIX + '/')) return notFound;
  const sub = ctx.path.slice(API_PREFIX.length);

  let handler = routes[`${ctx.method} ${sub}`];
  const params: { id?: string } = {};
  const del = /^\/api_keys\/([^/]+)$/.exec(sub);
  if (!handler && ctx.method === 'DELETE' && del) {
    handler = routes['DELETE /api_keys/:id'];
    params.id = del[1] ?? '';
  }
  if (!handler) return notFound;

  try {
    if (params.id !== undefined) params.id = decodeURIComponent(params.id);
    return await handler(ctx, params);
  } catch (err) {
    if (err instanceof HttpError) return { status: err.status, body: err.body };
    // Guess: a path that does not decode is an invalid input (400).
    if (err instanceof URIError) return errorReply(400, 'invalid_parameters', 'invalid parameters', 'malformed path');
    console.error('[sandbox] unexpected error:', err);
    return errorReply(500, 'internal_server_error', 'internal server error', 'unexpected sandbox error');
  }
}
