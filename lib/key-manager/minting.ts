/**
 * Making new API keys, in the four ways Kalshi allows: the pair made here or by Kalshi,
 * the private half kept here (non-extractable) or handed to the user once for a bot.
 */
import { generateKeyPair, importPrivateKey } from '../key-formats/crypto-keys';
import type { Environment } from '../shared/environments';
import { AppError } from '../shared/errors';
import type { KalshiClient } from '../kalshi/client';
import type { StoredKey } from '../key-store';
import { parsePrivateKeyPem, type KeyAlgorithm } from '../key-formats/pem';
import { pkcs8RsaToPkcs1Pem, pkcs8ToPem, spkiToPem } from '../key-formats/pem-write';
import type { KeySource } from '../kalshi/tiers';

export interface NewKeyOptions {
  name: string;
  algorithm: KeyAlgorithm;
  scopes: string[];
  subaccount?: number;
  fcmSubtraderId?: string;
  /** Where the pair is made: here (only the public half is uploaded) or on Kalshi. */
  source: KeySource;
  /** Keep the private half in this browser, or hand it to the user once (for a bot or server). */
  destination: 'browser' | 'download';
  /** For a locally made RSA key handed to the user: PKCS#1 for older tools. */
  privateKeyFormat: 'pkcs8' | 'pkcs1';
}

/** A private key shown once, then dropped. */
export interface OneTimeSecret {
  pem: string;
  fileName: string;
}

export interface MintResult {
  keyId: string;
  /** Set when the private half was kept in this browser. */
  stored: StoredKey | null;
  secret: OneTimeSecret | null;
  /** Kalshi's warning about the new key, in its words. */
  warning: string | null;
}

/** e.g. kalshi-demo-trading-bot-a952bcbe.key */
export function secretFileName(environment: Environment, name: string, keyId: string): string {
  const slug =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'key';
  return `kalshi-${environment}-${slug}-${keyId.slice(0, 8)}.key`;
}

/** Called once, just before the request that creates the key is sent. */
export interface MintHooks {
  /**
   * Lets the caller write down what it is about to do (lib/key-store.ts PendingRecord): for a pair
   * made here and kept here, the private half is passed, so a lost answer can still be recovered.
   * If it throws, nothing is sent.
   */
  beforeSend?: (privateKey: CryptoKey | undefined) => Promise<void>;
  /** Kalshi's answer named the new key: from here on, its key id is certain, whatever happens next. */
  answered?: (keyId: string) => void;
}

export async function mintKey(client: KalshiClient, options: NewKeyOptions, now: number, hooks: MintHooks = {}): Promise<MintResult> {
  const { name, algorithm, scopes, subaccount, fcmSubtraderId, destination } = options;
  const environment = client.environment;
  const binding = {
    ...(subaccount === undefined ? {} : { subaccount }),
    ...(fcmSubtraderId === undefined ? {} : { fcm_subtrader_id: fcmSubtraderId }),
  };
  const record = (keyId: string, privateKey: CryptoKey): StoredKey => ({
    environment,
    keyId,
    name,
    algorithm,
    privateKey,
    createdAt: now,
    scopes,
    subaccount: subaccount ?? null,
  });

  if (options.source === 'local') {
    // Exportable only when the user asked to take the private key elsewhere.
    const pair = await generateKeyPair(algorithm, { extractable: destination === 'download' });
    await hooks.beforeSend?.(destination === 'browser' ? pair.privateKey : undefined);
    const { api_key_id, warning } = await client.createApiKey({ name, public_key: spkiToPem(pair.spki), scopes, ...binding });
    hooks.answered?.(api_key_id);
    if (destination === 'browser') return { keyId: api_key_id, stored: record(api_key_id, pair.privateKey), secret: null, warning };
    const pkcs8 = await crypto.subtle.exportKey('pkcs8', pair.privateKey);
    const pem = options.privateKeyFormat === 'pkcs1' && algorithm === 'RSA-PSS' ? pkcs8RsaToPkcs1Pem(pkcs8) : pkcs8ToPem(pkcs8);
    return { keyId: api_key_id, stored: null, secret: { pem, fileName: secretFileName(environment, name, api_key_id) }, warning };
  }

  await hooks.beforeSend?.(undefined);
  const generated = await client.generateApiKey({
    name,
    scopes,
    ...binding,
    ...(algorithm === 'Ed25519' ? { key_type: 'ed25519' as const } : {}),
  });
  hooks.answered?.(generated.api_key_id);
  const warning = generated.warning;
  if (destination === 'download') {
    return {
      keyId: generated.api_key_id,
      stored: null,
      secret: { pem: generated.private_key, fileName: secretFileName(environment, name, generated.api_key_id) },
      warning,
    };
  }
  // Adopted straight into the key store: the user never sees this private key.
  let parsed, privateKey;
  try {
    parsed = parsePrivateKeyPem(generated.private_key);
    privateKey = await importPrivateKey(parsed);
  } catch (cause) {
    // The key exists on Kalshi, but the private key it sent cannot be used: as good as lost.
    throw new AppError('key_lost', `Kalshi made key ${generated.api_key_id} (“${name}”), but its private key could not be read.`, {
      cause,
    });
  }
  return {
    keyId: generated.api_key_id,
    stored: { ...record(generated.api_key_id, privateKey), algorithm: parsed.algorithm },
    secret: null,
    warning,
  };
}
