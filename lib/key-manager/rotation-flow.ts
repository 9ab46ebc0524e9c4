/** Rotating a held key on Kalshi: the steps of rotation.ts, each done against the exchange and the store. */
import { canManageKeys, isWithin, PRESETS } from '../kalshi/scopes';
import type { StoredKey } from '../key-store';
import { AppError } from '../shared/errors';
import type { Handlers } from './api';
import { accountFor } from './account';
import { isCode, type Context } from './context';
import type { NewKeyOptions } from './minting';
import type { createMinting } from './minting-flow';
import { rotate } from './rotation';

export function createRotation(ctx: Context, { mintAndStore }: ReturnType<typeof createMinting>): Pick<Handlers, 'rotateKey'> {
  const { store, client, now } = ctx;
  return {
    async rotateKey({ environment, keyId, scopes: preset }) {
      // Only a key of the signing account: the replacement is made, and the old key deleted, for that account.
      const { key: old } = await ctx.ownHeldKey(environment, keyId);
      const signing = await ctx.managingKeyFor(environment);
      const wasSigning = signing.keyId === keyId;
      const chosen = preset === undefined ? undefined : PRESETS[preset];
      // Before any request: the replacement would sign here, and could no longer list, create or delete keys.
      if (wasSigning && chosen && !canManageKeys(chosen)) throw new AppError('rotation_locks_out', chosen.join(', '));
      // Proof that the old key is this account's, and its scopes as Kalshi has them: its list names it.
      const listedOld = (await client(environment, signing).listApiKeys()).find((k) => k.api_key_id === keyId);
      if (!listedOld) throw new AppError('key_not_listed', `Key ${keyId}.`);
      const oldScopes = listedOld.scopes;
      // Kalshi may omit a key's scopes; what `[]` would make is undocumented, so the user chooses.
      if (oldScopes.length === 0 && !chosen) throw new AppError('rotation_scopes_unknown', `Key ${keyId}.`);
      // Kalshi cannot change scopes in place: a rotation may keep or narrow them, never widen.
      if (chosen && oldScopes.length > 0 && !isWithin(chosen, oldScopes)) {
        throw new AppError('rotation_widens_scopes', `From ${oldScopes.join(', ') || 'no scopes'} to ${chosen.join(', ')}.`);
      }
      const { keySource } = await accountFor(ctx, environment, signing);
      const options: NewKeyOptions = {
        name: old.name,
        algorithm: old.algorithm,
        scopes: chosen ?? oldScopes,
        ...(listedOld.subaccount != null ? { subaccount: listedOld.subaccount } : {}),
        source: keySource,
        destination: 'browser',
        privateKeyFormat: 'pkcs8',
      };
      let replacement: StoredKey | undefined;
      const report = await rotate(keyId, {
        async mint() {
          const result = await mintAndStore(environment, signing, options).catch((error: unknown) => {
            // The tier is a hint; the 403 is the authority.
            if (options.source === 'local' && isCode(error, 'usage_tier')) {
              return mintAndStore(environment, signing, { ...options, source: 'kalshi' });
            }
            throw error;
          });
          replacement = result.stored!;
          return result.keyId;
        },
        async verify() {
          await client(environment, replacement).getPortfolioBalance(replacement!.subaccount ?? undefined);
          await store.markVerified(environment, replacement!.keyId, now());
        },
        async switchSigning(newKeyId) {
          if (wasSigning) await store.setSigningKey(environment, newKeyId);
        },
        async deleteOld() {
          // The old key was in this account's list when the rotation began: a 404 now means it is gone.
          const by = wasSigning ? replacement! : signing;
          await client(environment, by)
            .deleteApiKey(keyId)
            .catch((error: unknown) => {
              if (!isCode(error, 'not_found')) throw error;
            });
        },
        forgetOld: () => store.removeKey(environment, keyId),
      });
      return report.newKeyId === null ? report : { ...report, newScopes: [...options.scopes] };
    },
  };
}
