/** The test-control side of the exchange: seeding accounts and setting account facts without a request. */
import type { ExchangeState } from './context';
import { isUploadRefusalShape } from './http';
import {
  accountOf,
  addKey,
  copyRecord,
  DEFAULT_SCOPES,
  isSubtraderIdOf,
  isTier,
  makeKeyPairSync,
  VALID_SCOPES,
  type Account,
  type Env,
} from './state';
import type { Exchange } from './types';

export type Controls = Omit<
  Exchange,
  'port' | 'url' | 'ca' | 'close' | 'requests' | 'signatures' | 'failNext' | 'faultMode' | 'setClockOffset' | 'reset'
>;

function validateSeedScopes(scopes: string[]): string[] {
  const bad = scopes.filter((s) => !VALID_SCOPES.has(s));
  if (bad.length > 0) throw new Error(`seedAccount: unknown scope(s) ${bad.join(', ')}`);
  if (scopes.includes('write') && !scopes.includes('read')) throw new Error("seedAccount: 'write' requires 'read'");
  return [...new Set(scopes)];
}

const isSubaccount = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 63;

export function createControls(state: ExchangeState): Controls {
  const acc = (env: Env): Account => accountOf(state.accounts, env);

  return {
    seedAccount(env, opts = {}) {
      if (opts.usageTier !== undefined && !isTier(opts.usageTier)) {
        throw new Error(`seedAccount: unknown usage tier ${String(opts.usageTier)}`);
      }
      if (opts.subaccount !== undefined && !isSubaccount(opts.subaccount)) throw new Error('seedAccount: subaccount must be 0-63');
      const scopes = validateSeedScopes(opts.scopes ?? [...DEFAULT_SCOPES]);
      const account = acc(env);
      if (opts.fcmSubtraderId !== undefined && !(account.isFcm && isSubtraderIdOf(account, opts.fcmSubtraderId))) {
        throw new Error('seedAccount: fcmSubtraderId needs an FCM member account and the form {userId}_{suffix}');
      }
      if (opts.usageTier !== undefined) account.usageTier = opts.usageTier;
      const { publicKey, privateKeyPem } = makeKeyPairSync(opts.keyType ?? 'rsa');
      const record = addKey(
        account,
        { name: opts.name ?? 'sandbox', scopes, subaccount: opts.subaccount ?? null, fcm_subtrader_id: opts.fcmSubtraderId ?? null },
        publicKey,
      );
      return { keyId: record.api_key_id, privateKeyPem };
    },

    setUsageTier(env, tier) {
      if (!isTier(tier)) throw new Error(`setUsageTier: unknown usage tier ${String(tier)}`);
      acc(env).usageTier = tier;
    },

    keys(env) {
      return [...(state.accounts.get(env)?.keys.values() ?? [])].map((k) => copyRecord(k.record));
    },

    setUploadRefusal(shape) {
      if (!isUploadRefusalShape(shape)) throw new Error(`setUploadRefusal: unknown shape ${String(shape)}`);
      state.uploadRefusal = shape;
    },

    setUploadAllowed(env, allowed) {
      if (allowed !== true && allowed !== false && allowed !== 'by-tier') throw new Error('setUploadAllowed: true, false or by-tier');
      acc(env).uploadAllowed = allowed;
    },

    deleteKeyOutOfBand(env, keyId) {
      return state.accounts.get(env)?.keys.delete(keyId.toLowerCase()) ?? false;
    },

    setFcmMember(env, member) {
      acc(env).isFcm = member;
    },

    userId(env) {
      return acc(env).userId;
    },

    setLocationAttestation(env, attestation, options = {}) {
      if (!['ok', 'missing', 'expired'].includes(attestation)) throw new Error(`setLocationAttestation: unknown ${attestation}`);
      const account = acc(env);
      account.attestation = attestation;
      account.attestationGuardsBalance = options.guardBalance ?? false;
      const nowS = Math.floor(state.now() / 1000);
      if (attestation === 'missing') account.regionExpirationTs = null;
      if (attestation === 'expired' && (account.regionExpirationTs === null || account.regionExpirationTs > nowS)) {
        account.regionExpirationTs = nowS - 86_400;
      }
    },

    setRegionExpiration(env, seconds) {
      if (seconds !== null && !Number.isInteger(seconds)) throw new Error('setRegionExpiration: whole seconds or null');
      acc(env).regionExpirationTs = seconds;
    },

    setGrants(env, grants) {
      acc(env).grants = grants === null ? null : grants.map((g) => ({ ...g }));
    },

    setRecentApiOrder(env, has) {
      acc(env).hasRecentApiOrder = has;
    },

    setVolumeProgress(env, progress) {
      acc(env).volumeProgress = progress === null ? null : structuredClone(progress);
    },

    setBalance(env, cents, options = {}) {
      const subaccount = options.subaccount ?? 0;
      if (!Number.isInteger(cents) || !isSubaccount(subaccount)) throw new Error('setBalance: whole cents, subaccount 0-63');
      acc(env).balances.set(subaccount, { balance: cents, portfolioValue: options.portfolioValueCents ?? 0 });
    },
  };
}
