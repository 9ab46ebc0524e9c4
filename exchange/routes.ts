/** The Trade API v2 routes the sandbox serves (see shared/kalshi-api-keys.md). */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { authenticate } from './auth';
import { errorReply, HttpError, invalid, type Reply } from './http';
import {
  addKey,
  DEFAULT_SCOPES,
  makeKeyPair,
  newAccount,
  TIER_LIMITS,
  UPLOAD_TIERS,
  VALID_SCOPES,
  type Account,
  type Env,
  type KeyType,
  type StoredKey,
} from './state';

export const API_PREFIX = '/trade-api/v2';
const MAX_BODY_BYTES = 64 * 1024;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ExchangeState {
  accounts: Map<Env, Account>;
  now: () => number;
  maxSkewMs: number;
}

export interface RouteContext {
  state: ExchangeState;
  env: Env;
  method: string;
  /** Full path including /trade-api/v2, without the query string. */
  path: string;
  headers: IncomingHttpHeaders;
  readBody: (limit: number) => Promise<string>;
}

type Handler = (ctx: RouteContext, params: { id?: string }) => Promise<Reply>;

/** Fetches or creates the environment's account (requests to a never-seeded env just find no keys). */
function account(ctx: RouteContext): Account {
  let acc = ctx.state.accounts.get(ctx.env);
  if (!acc) {
    acc = newAccount();
    ctx.state.accounts.set(ctx.env, acc);
  }
  return acc;
}

/** Signature check, then scope check: 401 before 403, as on Kalshi. */
function requireKey(ctx: RouteContext, anyOfScopes: readonly string[]): StoredKey {
  const result = authenticate(ctx.state.accounts.get(ctx.env), ctx.method, ctx.path, ctx.headers, ctx.state.now(), ctx.state.maxSkewMs);
  if (!result.ok) throw new HttpError(401, 'authentication_error', 'authentication error', result.reason);
  if (!anyOfScopes.some((s) => result.key.record.scopes.includes(s))) {
    throw new HttpError(
      403,
      'insufficient_scope',
      'insufficient scope',
      `this API key needs the ${anyOfScopes.map((s) => `'${s}'`).join(' or ')} scope`,
    );
  }
  return result.key;
}

async function jsonBody(ctx: RouteContext): Promise<Record<string, unknown>> {
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

const present = (v: unknown): boolean => v !== undefined && v !== null;

/** Shared checks for POST /api_keys and /api_keys/generate. */
function keyFields(body: Record<string, unknown>, acc: Account) {
  const { name, scopes, subaccount, fcm_subtrader_id } = body;
  if (typeof name !== 'string' || name.trim() === '') throw invalid('name is required');
  if (name.length > 100) throw invalid('name must be at most 100 characters');

  let scopeList: string[] = [...DEFAULT_SCOPES];
  if (present(scopes)) {
    if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every((s) => typeof s === 'string')) {
      throw invalid('scopes must be a non-empty array of strings');
    }
    const unknown = scopes.filter((s) => !VALID_SCOPES.has(s));
    if (unknown.length > 0) throw invalid(`unknown scope: ${unknown.join(', ')}`);
    scopeList = [...new Set(scopes as string[])];
    if (scopeList.includes('write') && !scopeList.includes('read')) {
      throw invalid("the 'write' scope requires the 'read' scope");
    }
  }

  if (present(subaccount)) {
    if (typeof subaccount !== 'number' || !Number.isInteger(subaccount) || subaccount < 0 || subaccount > 63) {
      throw invalid('subaccount must be an integer from 0 to 63');
    }
  }
  if (present(fcm_subtrader_id)) {
    if (typeof fcm_subtrader_id !== 'string' || fcm_subtrader_id === '') {
      throw invalid('fcm_subtrader_id must be a non-empty string');
    }
    if (present(subaccount)) throw invalid('fcm_subtrader_id and subaccount cannot be used together');
    if (!acc.isFcm) {
      throw new HttpError(403, 'forbidden', 'forbidden', 'fcm_subtrader_id is only available to FCM members');
    }
  }
  return {
    name,
    scopes: scopeList,
    subaccount: present(subaccount) ? (subaccount as number) : null,
    fcm_subtrader_id: present(fcm_subtrader_id) ? (fcm_subtrader_id as string) : null,
  };
}

function parsePublicKey(value: unknown): KeyObject {
  // Insist on SPKI: createPublicKey would also accept a *private* key and derive the public
  // half, and a client that uploads its private key has a bug worth surfacing.
  if (typeof value !== 'string' || !value.includes('-----BEGIN PUBLIC KEY-----')) {
    throw invalid('public_key must be an SPKI PEM (-----BEGIN PUBLIC KEY-----)');
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: value, format: 'pem', type: 'spki' });
  } catch {
    throw invalid('public_key could not be parsed');
  }
  if (key.asymmetricKeyType === 'ed25519') return key;
  if (key.asymmetricKeyType === 'rsa') {
    if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw invalid('RSA public keys must be at least 2048 bits');
    return key;
  }
  throw invalid(`unsupported public key type: ${key.asymmetricKeyType ?? 'unknown'}`);
}

const routes: Record<string, Handler> = {
  'GET /exchange/status': async () => ({ status: 200, body: { exchange_active: true, trading_active: true } }),

  'GET /api_keys': async (ctx) => {
    requireKey(ctx, ['read']);
    const api_keys = [...account(ctx).keys.values()].map(({ record: r }) => ({
      api_key_id: r.api_key_id,
      name: r.name,
      scopes: [...r.scopes],
      subaccount: r.subaccount,
      fcm_subtrader_id: r.fcm_subtrader_id,
    }));
    return { status: 200, body: { api_keys, api_key_region_expiration_ts: null } };
  },

  'POST /api_keys': async (ctx) => {
    requireKey(ctx, ['write']);
    const acc = account(ctx);
    // Tier before anything else: a retail account learns it must use /generate even if
    // its request was also malformed.
    if (!UPLOAD_TIERS.has(acc.usageTier)) {
      throw new HttpError(
        403,
        'insufficient_api_usage_level',
        'insufficient API usage level',
        'creating API keys from your own public key requires Premier or Market Maker usage level',
      );
    }
    const body = await jsonBody(ctx);
    const fields = keyFields(body, acc);
    const publicKey = parsePublicKey(body.public_key);
    const record = addKey(acc, fields, publicKey);
    return { status: 201, body: { api_key_id: record.api_key_id, warning: null } };
  },

  'POST /api_keys/generate': async (ctx) => {
    requireKey(ctx, ['write']);
    const acc = account(ctx);
    const body = await jsonBody(ctx);
    const fields = keyFields(body, acc);
    const keyType = body.key_type ?? 'rsa';
    if (keyType !== 'rsa' && keyType !== 'ed25519') throw invalid("key_type must be 'rsa' or 'ed25519'");
    const { publicKey, privateKeyPem } = await makeKeyPair(keyType as KeyType);
    const record = addKey(acc, fields, publicKey);
    return {
      status: 201,
      body: { api_key_id: record.api_key_id, private_key: privateKeyPem, key_type: keyType, warning: null },
    };
  },

  'DELETE /api_keys/:id': async (ctx, { id = '' }) => {
    requireKey(ctx, ['write']);
    if (!UUID_RE.test(id)) throw invalid('api_key must be a UUID');
    const acc = account(ctx);
    // Deleting the key that signed this request is allowed: it locks the caller out.
    if (!acc.keys.delete(id.toLowerCase())) {
      throw new HttpError(404, 'not_found', 'not found', 'no such API key');
    }
    return { status: 204 };
  },

  'GET /account/limits': async (ctx) => {
    requireKey(ctx, ['read']);
    const tier = account(ctx).usageTier;
    const { read, write } = TIER_LIMITS[tier];
    return {
      status: 200,
      body: {
        usage_tier: tier,
        read: { refill_rate: read, bucket_capacity: read },
        write: { refill_rate: write, bucket_capacity: write },
        grants: [],
      },
    };
  },

  'GET /portfolio/balance': async (ctx) => {
    requireKey(ctx, ['read', 'read::portfolio_balance']);
    return {
      status: 200,
      body: { balance: 100_000, portfolio_value: 0, updated_ts: Math.floor(ctx.state.now() / 1000) },
    };
  },
};

/** Routes one request; never throws (errors become Kalshi-shaped replies). */
export async function route(ctx: RouteContext): Promise<Reply> {
  if (ctx.method === 'OPTIONS') return { status: 204 };
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
    if (err instanceof HttpError) return errorReply(err.status, err.code, err.message, err.details);
    if (err instanceof URIError) return errorReply(400, 'invalid_parameters', 'invalid parameters', 'malformed path');
    console.error('[sandbox] unexpected error:', err);
    return errorReply(500, 'internal_server_error', 'internal server error', 'unexpected sandbox error');
  }
}
