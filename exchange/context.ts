/** What every route sees, and the checks every signed route shares (see shared/kalshi-api-keys.md). */
import type { IncomingHttpHeaders } from 'node:http';
import { ownerOf, type Accounts } from './accounts';
import { authenticate, type SignedBy } from './auth';
import { authenticationError, forbidden, HttpError, invalid, type Reply, type UploadRefusalShape } from './http';
import type { Env } from './state';

export const API_PREFIX = '/trade-api/v2';
// Guess: a bound on request bodies (Kalshi documents none; a key request is under 2 KiB).
const MAX_BODY_BYTES = 64 * 1024;

export interface ExchangeState {
  accounts: Accounts;
  now: () => number;
  maxSkewMs: number;
  /** Body of the 403 on POST /api_keys below the upload tiers. */
  uploadRefusal: UploadRefusalShape;
}

export interface RouteContext {
  state: ExchangeState;
  env: Env;
  method: string;
  /** Full path including /trade-api/v2, without the query string. */
  path: string;
  /** The query string, parsed. */
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  readBody: (limit: number) => Promise<string>;
}

export type Handler = (ctx: RouteContext, params: { id?: string }) => Promise<Reply>;

export const nowSeconds = (ctx: RouteContext): number => Math.floor(ctx.state.now() / 1000);

/**
 * Signature check (401), then a key bound to an FCM subtrader (403: such keys are for FIX and
 * the margin WebSocket only), then the scope check (403), as on Kalshi. The key may belong to any
 * account of the environment; the route then acts on that account only, never on another.
 */
export function requireKey(ctx: RouteContext, anyOfScopes: readonly string[]): SignedBy {
  const { state } = ctx;
  const result = authenticate(
    (id) => ownerOf(state.accounts, ctx.env, id),
    ctx.method,
    ctx.path,
    ctx.headers,
    state.now(),
    state.maxSkewMs,
  );
  if (!result.ok) throw authenticationError(result.reason);
  // Guess: the status and words (the doc says such keys are denied on every REST endpoint, not how).
  if (result.key.record.fcm_subtrader_id !== null) {
    throw forbidden('API keys bound to an FCM subtrader cannot be used on REST endpoints');
  }
  if (!anyOfScopes.some((s) => result.key.record.scopes.includes(s))) {
    // Guess: a 403 with this code and words (the doc documents the scopes, not the refusal's body).
    throw new HttpError(
      403,
      'insufficient_scope',
      'insufficient scope',
      `this API key needs the ${anyOfScopes.map((s) => `'${s}'`).join(' or ')} scope`,
    );
  }
  return { key: result.key, account: result.account };
}

export async function jsonBody(ctx: RouteContext): Promise<Record<string, unknown>> {
  const text = await ctx.readBody(MAX_BODY_BYTES);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid('request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid('request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}
