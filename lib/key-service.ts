/**
 * What the background does for each message. Dependencies come in as parameters
 * so tests run the same code against fake-indexeddb and the local exchange.
 */
import { importPrivateKey } from './crypto-keys';
import { ENVIRONMENT_LABEL, type Environment } from './environments';
import { AppError } from './errors';
import { createKalshiClient } from './kalshi-client';
import type { KeyStore, StoredKey } from './key-store';
import { mintKey, type NewKeyOptions } from './minting';
import { readPrivateKey } from './private-key-input';
import type { Handlers as ProtocolHandlers, KeyListItem, KeySummary, Overview } from './protocol';
import { rotate } from './rotation';
import { canManageKeys } from './scopes';
import type { SigningKey } from './signer';
import { keySourceFor } from './tiers';

export interface KeyServiceDeps {
  store: KeyStore;
  fetch?: typeof fetch;
  timeoutMs?: number;
  now?: () => number;
}

export type Handlers = ProtocolHandlers;

export function summarize(key: StoredKey): KeySummary {
  const { environment, keyId, name, algorithm, scopes, createdAt } = key;
  return { environment, keyId, name, algorithm, scopes, createdAt, subaccount: key.subaccount ?? null, lastVerifiedAt: key.lastVerifiedAt ?? null };
}

const otherEnvironment = (env: Environment): Environment => (env === 'production' ? 'demo' : 'production');
const isCode = (error: unknown, code: string) => error instanceof AppError && error.code === code;

export function createKeyService(deps: KeyServiceDeps): Handlers {
  const { store } = deps;
  const now = deps.now ?? Date.now;
  // A StoredKey is itself a SigningKey: its CryptoKey signs directly.
  const client = (environment: Environment, signingKey?: SigningKey) =>
    createKalshiClient({ environment, signingKey, fetch: deps.fetch, timeoutMs: deps.timeoutMs, now });

  async function signingKeyFor(environment: Environment): Promise<StoredKey> {
    const key = await store.getSigningKey(environment);
    if (!key) throw new AppError('no_signing_key');
    return key;
  }

  async function heldKey(environment: Environment, keyId: string): Promise<StoredKey> {
    const key = await store.getKey(environment, keyId);
    if (!key) throw new AppError('not_held');
    return key;
  }

  /** Key management needs read + write; say so before Kalshi answers 403. */
  async function managingKeyFor(environment: Environment): Promise<StoredKey> {
    const key = await signingKeyFor(environment);
    if (key.scopes.length > 0 && !canManageKeys(key.scopes)) throw new AppError('signing_key_cannot_manage');
    return key;
  }

  async function overview(requested?: Environment): Promise<Overview> {
    const environment = requested ?? (await store.getActiveEnvironment());
    const [signing, held] = await Promise.all([store.getSigningKey(environment), store.listKeys(environment)]);
    return { environment, signingKey: signing ? summarize(signing) : null, heldKeys: held.map(summarize) };
  }

  /** A 401 from a key that works on the other environment is named for what it is. */
  async function explainUnauthorized(error: unknown, environment: Environment, key: SigningKey): Promise<never> {
    if (isCode(error, 'unauthorized')) {
      const other = otherEnvironment(environment);
      const worksElsewhere = await client(other, key).getPortfolioBalance().then(
        () => true,
        () => false,
      );
      if (worksElsewhere) {
        throw new AppError('wrong_environment', `This key works on ${ENVIRONMENT_LABEL[other]}, not ${ENVIRONMENT_LABEL[environment]}.`);
      }
    }
    throw error;
  }

  /** Forgetting or deleting the last key this browser signs with needs the user's explicit consent. */
  async function guardLockout(environment: Environment, keyId: string, confirmLockout: boolean): Promise<StoredKey | undefined> {
    const signing = await store.getSigningKey(environment);
    if (signing?.keyId !== keyId) return signing;
    const other = (await store.listKeys(environment)).find((k) => k.keyId !== keyId);
    if (!other && !confirmLockout) throw new AppError('lockout_unconfirmed');
    return other ?? signing;
  }

  /** The usage tier decides where new pairs are made; unreadable limits leave it to the 403. */
  async function account(environment: Environment, signing: StoredKey) {
    const tier = await client(environment, signing)
      .getAccountLimits()
      .then(
        (limits) => limits.usage_tier.toLowerCase(),
        () => null,
      );
    return { tier, keySource: keySourceFor(tier) };
  }

  async function mintAndStore(environment: Environment, signing: StoredKey, options: NewKeyOptions) {
    const result = await mintKey(client(environment, signing), options, now());
    if (result.stored) await store.saveKey(result.stored);
    return result;
  }

  return {
    getOverview: ({ environment }) => overview(environment),

    async setEnvironment({ environment }) {
      await store.setActiveEnvironment(environment);
      return overview(environment);
    },

    getAccount: async ({ environment }) => account(environment, await signingKeyFor(environment)),

    async importKey({ environment, keyId, pem, passphrase }) {
      const parsed = await readPrivateKey(pem, passphrase);
      const signingKey: SigningKey = { keyId, algorithm: parsed.algorithm, privateKey: await importPrivateKey(parsed) };
      // Nothing is stored until the exchange has accepted a request signed with this key.
      const listed = await client(environment, signingKey)
        .listApiKeys()
        .catch((error: unknown) => explainUnauthorized(error, environment, signingKey));
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
      await store.saveKey(key, { makeSigning: true });
      await store.setActiveEnvironment(environment);
      return summarize(key);
    },

    async listApiKeys({ environment }) {
      const signing = await signingKeyFor(environment);
      const [listed, held] = await Promise.all([
        client(environment, signing)
          .listApiKeys()
          .catch((error: unknown) => explainUnauthorized(error, environment, signing)),
        store.listKeys(environment),
      ]);
      const heldById = new Map(held.map((k) => [k.keyId, k]));
      const keys: KeyListItem[] = listed.map((k) => ({
        keyId: k.api_key_id,
        name: k.name,
        scopes: k.scopes,
        subaccount: k.subaccount,
        held: heldById.has(k.api_key_id),
        signing: k.api_key_id === signing.keyId,
        lastVerifiedAt: heldById.get(k.api_key_id)?.lastVerifiedAt ?? null,
      }));
      keys.sort(
        (a, b) =>
          Number(b.signing) - Number(a.signing) ||
          Number(b.held) - Number(a.held) ||
          a.name.localeCompare(b.name) ||
          a.keyId.localeCompare(b.keyId),
      );
      return { keys };
    },

    async createApiKey({ environment, ...options }) {
      const result = await mintAndStore(environment, await managingKeyFor(environment), options);
      return { keyId: result.keyId, name: options.name, held: result.stored !== null, secret: result.secret };
    },

    async setSigningKey({ environment, keyId }) {
      await store.setSigningKey(environment, keyId);
      return overview(environment);
    },

    async testKey({ environment, keyId }) {
      const key = await heldKey(environment, keyId);
      const { balance } = await client(environment, key)
        .getPortfolioBalance()
        .catch((error: unknown) => explainUnauthorized(error, environment, key));
      const verifiedAt = now();
      await store.markVerified(environment, keyId, verifiedAt);
      return { balanceCents: balance, verifiedAt };
    },

    async rotateKey({ environment, keyId }) {
      const old = await heldKey(environment, keyId);
      const signing = await managingKeyFor(environment);
      const wasSigning = signing.keyId === keyId;
      const listedOld = (await client(environment, signing).listApiKeys()).find((k) => k.api_key_id === keyId);
      const { keySource } = await account(environment, signing);
      const options: NewKeyOptions = {
        name: old.name,
        algorithm: old.algorithm,
        scopes: listedOld?.scopes ?? old.scopes,
        ...(listedOld?.subaccount != null ? { subaccount: listedOld.subaccount } : {}),
        source: keySource,
        destination: 'browser',
        privateKeyFormat: 'pkcs8',
      };
      let replacement: StoredKey | undefined;
      return rotate(keyId, {
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
          await client(environment, replacement).getPortfolioBalance();
          await store.markVerified(environment, replacement!.keyId, now());
        },
        async switchSigning(newKeyId) {
          if (wasSigning) await store.setSigningKey(environment, newKeyId);
        },
        async deleteOld() {
          const by = wasSigning ? replacement! : signing;
          await client(environment, by)
            .deleteApiKey(keyId)
            .catch((error: unknown) => {
              if (!isCode(error, 'not_found')) throw error;
            });
        },
        forgetOld: () => store.removeKey(environment, keyId),
      });
    },

    async forgetKey({ environment, keyId, confirmLockout }) {
      await heldKey(environment, keyId);
      await guardLockout(environment, keyId, confirmLockout);
      await store.removeKey(environment, keyId);
      return overview(environment);
    },

    async deleteApiKey({ environment, keyId, confirmLockout }) {
      await managingKeyFor(environment);
      // Sign with another held key when deleting the signing key, so the extension keeps working.
      const signer = (await guardLockout(environment, keyId, confirmLockout))!;
      try {
        await client(environment, signer).deleteApiKey(keyId);
      } catch (error) {
        // Already gone on the exchange: the user's intent holds.
        if (!isCode(error, 'not_found')) throw error;
      }
      if (await store.getKey(environment, keyId)) await store.removeKey(environment, keyId);
      return { deletedKeyId: keyId };
    },
  };
}
