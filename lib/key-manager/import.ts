/** Importing a key the user already holds: proved against Kalshi before anything is stored. */
import { importPrivateKey } from '../key-formats/crypto-keys';
import { readPrivateKey } from '../key-formats/private-key-input';
import type { SigningKey } from '../kalshi/signer';
import type { StoredKey } from '../key-store';
import type { Handlers } from './api';
import { AppError } from '../shared/errors';
import { summarize, type Context } from './context';

export function createImport(ctx: Context): Pick<Handlers, 'importKey'> {
  const { store, client, now, explainUnauthorized } = ctx;
  return {
    async importKey({ environment, keyId, pem, passphrase }) {
      const parsed = await readPrivateKey(pem, passphrase);
      const signingKey: SigningKey = { keyId, algorithm: parsed.algorithm, privateKey: await importPrivateKey(parsed) };
      // Nothing is stored until the exchange has accepted a request signed with this key; its account
      // (communications id) is asked at once, so a key of another account adds that account.
      const kalshi = client(environment, signingKey);
      const account = kalshi.getCommunicationsId().catch(() => undefined);
      const listed = await kalshi.listApiKeys().catch((error: unknown) => explainUnauthorized(error, environment, signingKey));
      const own = listed.find((k) => k.api_key_id.toLowerCase() === keyId);
      const key: StoredKey = {
        environment,
        keyId,
        name: own?.name || 'Imported key',
        algorithm: parsed.algorithm,
        privateKey: signingKey.privateKey,
        createdAt: now(),
        scopes: own?.scopes ?? [],
        subaccount: own?.subaccount ?? null,
        lastVerifiedAt: now(),
      };
      // A key of no known account would be nobody's and everybody's: it is saved only once Kalshi named it.
      const id = await account;
      if (id === undefined)
        throw new AppError(
          'account_unknown',
          `Kalshi accepted key ${keyId} but did not say which account it belongs to; nothing was saved.`,
        );
      key.account = id;
      await store.saveKey(key, { makeSigning: true });
      await store.setActiveEnvironment(environment);
      return summarize(key);
    },
  };
}
