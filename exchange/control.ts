/** The test-control side of the exchange: seeding accounts and setting account facts without a request. */
import { accountIn, accountsIn, findAccount, resolveRef } from './accounts';
import type { ExchangeState } from './context';
import { isUploadRefusalShape } from './http';
import { addKey, copyRecord, DEFAULT_SCOPES, isSubtraderIdOf, isTier, makeKeyPairSync, VALID_SCOPES, type Account } from './state';
import type { AccountRef, Exchange } from './types';

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
  // Setters make the account on first use, as seeding does; reads of keys never make one.
  const acc = (ref: AccountRef): Account => accountIn(state.accounts, ref);

  /** The account `(env, { account })` or `({ env, account })` names; two different names are a test bug. */
  const seedRef = (ref: AccountRef, label: string | undefined): AccountRef => {
    if (label === undefined) return ref;
    const { env, label: named } = resolveRef(ref);
    if (typeof ref !== 'string' && named !== label) throw new Error(`seedAccount: account ${named} or ${label}?`);
    return { env, account: label };
  };

  return {
    seedAccount(ref, opts = {}) {
      if (opts.usageTier !== undefined && !isTier(opts.usageTier)) {
        throw new Error(`seedAccount: unknown usage tier ${String(opts.usageTier)}`);
      }
      if (opts.subaccount !== undefined && !isSubaccount(opts.subaccount)) throw new Error('seedAccount: subaccount must be 0-63');
      const scopes = validateSeedScopes(opts.scopes ?? [...DEFAULT_SCOPES]);
      const account = acc(seedRef(ref, opts.account));
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

    setUsageTier(ref, tier) {
      if (!isTier(tier)) throw new Error(`setUsageTier: unknown usage tier ${String(tier)}`);
      acc(ref).usageTier = tier;
    },

    keys(ref) {
      return [...(findAccount(state.accounts, ref)?.keys.values() ?? [])].map((k) => copyRecord(k.record));
    },

    accounts(env) {
      return accountsIn(state.accounts, resolveRef(env).env).map((a) => a.label);
    },

    setUploadRefusal(shape) {
      if (!isUploadRefusalShape(shape)) throw new Error(`setUploadRefusal: unknown shape ${String(shape)}`);
      state.uploadRefusal = shape;
    },

    setUploadAllowed(ref, allowed) {
      if (allowed !== true && allowed !== false && allowed !== 'by-tier') throw new Error('setUploadAllowed: true, false or by-tier');
      acc(ref).uploadAllowed = allowed;
    },

    deleteKeyOutOfBand(ref, keyId) {
      return findAccount(state.accounts, ref)?.keys.delete(keyId.toLowerCase()) ?? false;
    },

    setFcmMember(ref, member) {
      acc(ref).isFcm = member;
    },

    userId(ref) {
      return acc(ref).userId;
    },

    communicationsId(ref) {
      return acc(ref).communicationsId;
    },

    setLocationAttestation(ref, attestation) {
      if (!['ok', 'missing', 'expired'].includes(attestation)) throw new Error(`setLocationAttestation: unknown ${attestation}`);
      const account = acc(ref);
      const nowS = Math.floor(state.now() / 1000);
      if (attestation === 'missing') account.regionExpirationTs = null;
      if (attestation === 'expired' && (account.regionExpirationTs === null || account.regionExpirationTs > nowS)) {
        account.regionExpirationTs = nowS - 86_400;
      }
    },

    setRegionExpiration(ref, seconds) {
      if (seconds !== null && !Number.isInteger(seconds)) throw new Error('setRegionExpiration: whole seconds or null');
      acc(ref).regionExpirationTs = seconds;
    },

    setGrants(ref, grants) {
      acc(ref).grants = grants === null ? null : grants.map((g) => ({ ...g }));
    },

    setRecentApiOrder(ref, has) {
      acc(ref).hasRecentApiOrder = has;
    },

    setVolumeProgress(ref, progress) {
      acc(ref).volumeProgress = progress === null ? null : structuredClone(progress);
    },

    setBalance(ref, cents, options = {}) {
      const subaccount = options.subaccount ?? 0;
      if (!Number.isInteger(cents) || !isSubaccount(subaccount)) throw new Error('setBalance: whole cents, subaccount 0-63');
      acc(ref).balances.set(subaccount, { balance: cents, portfolioValue: options.portfolioValueCents ?? 0 });
    },
  };
}
