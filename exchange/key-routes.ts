/** The four API-key endpoints: list, create from a public key, generate, delete. */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { jsonBody, requireKey, type Handler, type RouteContext } from './context';
import { HttpError, invalid, UPLOAD_REFUSALS } from './http';
import { addKey, DEFAULT_SCOPES, isSubtraderIdOf, makeKeyPair, mayUpload, VALID_SCOPES, type Account, type KeyType } from './state';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** What Kalshi may say when binding a key to a subtrader (the field is `string | null`). */
// Guess: the words (the doc gives "the subtrader has no risk caps" as an example of a warning).
export const FCM_WARNING = 'subtrader has no risk caps configured';

const present = (v: unknown): boolean => v !== undefined && v !== null;

/** Shared checks for POST /api_keys and /api_keys/generate. */
function keyFields(body: Record<string, unknown>, acc: Account) {
  const { name, scopes, subaccount, fcm_subtrader_id } = body;
  // Guess: a name is required and not blank (the spec lists it in the body; Kalshi publishes no length limit).
  if (typeof name !== 'string' || name.trim() === '') throw invalid('name is required');

  let scopeList: string[] = [...DEFAULT_SCOPES];
  if (present(scopes)) {
    // Guess: an empty list and an unknown scope are invalid input (400), not ignored.
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
    if (!isSubtraderIdOf(acc, fcm_subtrader_id)) {
      throw invalid('fcm_subtrader_id must be {user_id}_{suffix}, suffix 1-16 letters or digits');
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
    // Guess: RSA under 2048 bits is refused (Kalshi hands out 2048-bit keys; it documents no minimum).
    if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw invalid('RSA public keys must be at least 2048 bits');
    return key;
  }
  // Guess: a key of another type (EC, …) is invalid input: Kalshi documents RSA and Ed25519 only.
  throw invalid(`unsupported public key type: ${key.asymmetricKeyType ?? 'unknown'}`);
}

/** Every 201 carries `warning`: a string for a subtrader-bound key, null otherwise. */
// Guess: only a subtrader binding draws a warning.
const warningFor = (fcmSubtraderId: string | null): string | null => (fcmSubtraderId === null ? null : FCM_WARNING);

/** The signing key's account only: other accounts' keys are none of its business. */
function listKeys(ctx: RouteContext, acc: Account) {
  const only = ctx.query.get('fcm_subtrader_id');
  const api_keys = [...acc.keys.values()]
    .filter(({ record: r }) => only === null || r.fcm_subtrader_id === only)
    .map(({ record: r }) => ({
      api_key_id: r.api_key_id,
      name: r.name,
      scopes: [...r.scopes],
      subaccount: r.subaccount,
      fcm_subtrader_id: r.fcm_subtrader_id,
    }));
  // Seconds; absent when the account never attested its location (newer field).
  return { api_keys, ...(acc.regionExpirationTs !== null ? { api_key_region_expiration_ts: acc.regionExpirationTs } : {}) };
}

export const keyRoutes: Record<string, Handler> = {
  'GET /api_keys': async (ctx) => {
    const { account } = requireKey(ctx, ['read']);
    return { status: 200, body: listKeys(ctx, account) };
  },

  'POST /api_keys': async (ctx) => {
    const { account: acc } = requireKey(ctx, ['write']);
    // Guess: the tier is checked before the body, so a retail account learns it must use /generate
    // even if its request was also malformed. The body carries no code a client could rely on (see http.ts).
    if (!mayUpload(acc)) {
      throw new HttpError(403, 'forbidden', 'insufficient API usage level', undefined, UPLOAD_REFUSALS[ctx.state.uploadRefusal]);
    }
    const body = await jsonBody(ctx);
    const fields = keyFields(body, acc);
    const publicKey = parsePublicKey(body.public_key);
    const record = addKey(acc, fields, publicKey);
    return { status: 201, body: { api_key_id: record.api_key_id, warning: warningFor(record.fcm_subtrader_id) } };
  },

  'POST /api_keys/generate': async (ctx) => {
    const { account: acc } = requireKey(ctx, ['write']);
    const body = await jsonBody(ctx);
    const fields = keyFields(body, acc);
    const keyType = body.key_type ?? 'rsa';
    if (keyType !== 'rsa' && keyType !== 'ed25519') throw invalid("key_type must be 'rsa' or 'ed25519'");
    const { publicKey, privateKeyPem } = await makeKeyPair(keyType as KeyType);
    const record = addKey(acc, fields, publicKey);
    return {
      status: 201,
      body: { api_key_id: record.api_key_id, private_key: privateKeyPem, key_type: keyType, warning: warningFor(record.fcm_subtrader_id) },
    };
  },

  'DELETE /api_keys/:id': async (ctx, { id = '' }) => {
    const { account: acc } = requireKey(ctx, ['write']);
    // Guess: "400 invalid id" means an id that is not a UUID (Kalshi's ids are UUIDs).
    if (!UUID_RE.test(id)) throw invalid('api_key must be a UUID');
    // Deleting the key that signed this request is allowed: it locks the caller out (documented).
    // Guess: another account's key gets the same 404 as an id that never existed.
    if (!acc.keys.delete(id.toLowerCase())) {
      throw new HttpError(404, 'not_found', 'not found', 'no such API key');
    }
    return { status: 204 };
  },
};
