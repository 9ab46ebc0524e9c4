/**
 * What the background does for each message. Dependencies come in as parameters
 * so tests run the same code against fake-indexeddb and the local exchange.
 */
import { generateKeyPair, importPrivateKey } from './crypto-keys';
import { ENVIRONMENT_LABEL, type Environment } from './environments';
import { AppError } from './errors';
import { createKalshiClient } from './kalshi-client';
import type { KeyStore, StoredKey } from './key-store';
import { parsePrivateKeyPem, spkiToPem } from './pem';
import type { KeyListItem, KeySummary, MessageType, Overview, RequestOf, ResponseOf } from './protocol';
import type { SigningKey } from './signer';

export interface KeyServiceDeps {
  store: KeyStore;
  fetch?: typeof fetch;
  timeoutMs?: number;
  now?: () => number;
}

export type Handlers = { [K in MessageType]: (request: RequestOf<K>) => Promise<ResponseOf<K>> };

const FULL_ACCESS = ['read', 'write'];

export function summarize(key: StoredKey): KeySummary {
  const { environment, keyId, name, algorithm, scopes, createdAt } = key;
  return { environment, keyId, name, algorithm, scopes, createdAt };
}

const otherEnvironment = (env: Environment): Environment => (env === 'production' ? 'demo' : 'production');

export function createKeyService(deps: KeyServiceDeps): Handlers {
  const { store } = deps;
  const now = deps.now ?? Date.now;
  // A StoredKey is itself a SigningKey: its CryptoKey signs directly.
  const client = (environment: Environment, signingKey?: SigningKey) =>
    createKalshiClient({
      environment,
      signingKey,
      fetch: deps.fetch,
      timeoutMs: deps.timeoutMs,
      now,
    });

  async function requireSigningKey(environment: Environment): Promise<StoredKey> {
    const key = await store.getSigningKey(environment);
    if (!key) throw new AppError('no_signing_key');
    return key;
  }

  async function overview(requested?: Environment): Promise<Overview> {
    const environment = requested ?? (await store.getActiveEnvironment());
    const [signing, held] = await Promise.all([store.getSigningKey(environment), store.listKeys(environment)]);
    return { environment, signingKey: signing ? summarize(signing) : null, heldKeys: held.map(summarize) };
  }

  return {
    getOverview: ({ environment }) => overview(environment),

    async setEnvironment({ environment }) {
      await store.setActiveEnvironment(environment);
      return overview(environment);
    },

    async importKey({ environment, keyId, pem }) {
      const parsed = parsePrivateKeyPem(pem);
      const signingKey: SigningKey = { keyId, algorithm: parsed.algorithm, privateKey: await importPrivateKey(parsed) };
      // Nothing is stored until the exchange has accepted a request signed with this key.
      let listed;
      try {
        listed = await client(environment, signingKey).listApiKeys();
      } catch (error) {
        if (error instanceof AppError && error.code === 'unauthorized') {
          const worksElsewhere = await client(otherEnvironment(environment), signingKey)
            .listApiKeys()
            .then(() => true, () => false);
          if (worksElsewhere) throw new AppError('wrong_environment', `This key works on ${ENVIRONMENT_LABEL[otherEnvironment(environment)]}, not ${ENVIRONMENT_LABEL[environment]}.`);
        }
        throw error;
      }
      const own = listed.find((k) => k.api_key_id.toLowerCase() === keyId);
      const key: StoredKey = {
        environment,
        keyId,
        name: own?.name || 'Imported key',
        algorithm: parsed.algorithm,
        privateKey: signingKey.privateKey,
        createdAt: now(),
        scopes: own?.scopes ?? [],
      };
      await store.saveKey(key, { makeSigning: true });
      await store.setActiveEnvironment(environment);
      return summarize(key);
    },

    async listApiKeys({ environment }) {
      const signing = await requireSigningKey(environment);
      const [listed, held] = await Promise.all([client(environment, signing).listApiKeys(), store.listKeys(environment)]);
      const heldIds = new Set(held.map((k) => k.keyId));
      const keys: KeyListItem[] = listed.map((k) => ({
        keyId: k.api_key_id,
        name: k.name,
        scopes: k.scopes,
        subaccount: k.subaccount,
        held: heldIds.has(k.api_key_id),
        signing: k.api_key_id === signing.keyId,
      }));
      keys.sort((a, b) => Number(b.signing) - Number(a.signing) || a.name.localeCompare(b.name) || a.keyId.localeCompare(b.keyId));
      return { keys };
    },

    async createApiKey({ environment, name }) {
      const signing = await requireSigningKey(environment);
      const pair = await generateKeyPair('RSA-PSS');
      const created = await client(environment, signing).createApiKey({
        name,
        public_key: spkiToPem(pair.spki),
        scopes: FULL_ACCESS,
      });
      const key: StoredKey = {
        environment,
        keyId: created.api_key_id,
        name,
        algorithm: 'RSA-PSS',
        privateKey: pair.privateKey,
        createdAt: now(),
        scopes: FULL_ACCESS,
      };
      await store.saveKey(key);
      return summarize(key);
    },

    async deleteApiKey({ environment, keyId, confirmLockout }) {
      const signing = await requireSigningKey(environment);
      let signer = signing;
      if (keyId === signing.keyId) {
        // Sign with another held key when there is one, so the extension keeps working.
        const other = (await store.listKeys(environment)).find((k) => k.keyId !== keyId);
        if (other) signer = other;
        else if (!confirmLockout) throw new AppError('lockout_unconfirmed');
      }
      try {
        await client(environment, signer).deleteApiKey(keyId);
      } catch (error) {
        // Already gone on the exchange: the user's intent holds.
        if (!(error instanceof AppError && error.code === 'not_found')) throw error;
      }
      if (await store.getKey(environment, keyId)) await store.removeKey(environment, keyId);
      return { deletedKeyId: keyId };
    },
  };
}
