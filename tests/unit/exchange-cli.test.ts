/**
 * The sandbox exchange: its TLS certificate, and `npm run sandbox` (startSandbox and its SANDBOX_* settings).
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeSandbox, SECOND_ACCOUNT, sandboxSettingsFromEnv, startSandbox } from '../../exchange/cli';
import { callExchange, freshSpki, HOSTS, type CallOptions } from '../../exchange/client';
import { ensureTls } from '../../exchange/tls';
import { useExchange } from '../helpers/exchange-harness';

const { production: PROD, productionAlt: PROD_ALT, demo: DEMO, demoPreferred: DEMO_PREFERRED } = HOSTS;

const sx = useExchange();
const { call } = sx;

describe('TLS and the sandbox CLI', () => {
  it('makes one certificate even when two callers race, and reuses it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-tls-'));
    try {
      const tlsDir = join(dir, 'tls');
      const [a, b] = await Promise.all([ensureTls(tlsDir), ensureTls(tlsDir)]);
      expect(a.cert).toBe(b.cert);
      expect(a.key).toBe(b.key);
      const x509 = new X509Certificate(a.cert);
      expect(x509.checkPrivateKey(createPrivateKey(a.key))).toBe(true);
      for (const name of [PROD, PROD_ALT, DEMO, DEMO_PREFERRED, 'localhost']) expect(x509.checkHost(name)).toBe(name);
      expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
      expect((await ensureTls(tlsDir)).cert).toBe(a.cert);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('startSandbox seeds both environments and writes 0600 PKCS#1 key files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-cli-'));
    const sandbox = await startSandbox(0, { dir });
    const saved = sx.ex;
    try {
      sx.ex = sandbox.exchange;
      for (const env of ['demo', 'production'] as const) {
        const { keyId, keyPath } = sandbox.accounts[env];
        expect(keyPath).toBe(join(dir, `${env}-key.pem`));
        expect((await stat(keyPath)).mode & 0o777).toBe(0o600);
        const privateKeyPem = await readFile(keyPath, 'utf8');
        expect(privateKeyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
        expect(sx.ex.keys(env)).toEqual([expect.objectContaining({ api_key_id: keyId, name: 'sandbox', scopes: ['read', 'write'] })]);
        const a = await call('/account/limits', { key: { keyId, privateKeyPem }, host: env === 'demo' ? DEMO : PROD });
        expect(a.json.usage_tier).toBe('basic');
        expect(sx.ex.accounts(env)).toEqual(['main']); // no second account unless asked for
      }
      expect(sandbox.secondAccounts).toBeUndefined();
    } finally {
      sx.ex = saved;
      await sandbox.exchange.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('SANDBOX_* settings', () => {
  it('reads the variables, leaving unset or empty ones at their defaults', () => {
    expect(sandboxSettingsFromEnv({})).toEqual({});
    expect(sandboxSettingsFromEnv({ SANDBOX_TIER: '', SANDBOX_UPLOAD_REFUSAL: '' })).toEqual({});
    expect(
      sandboxSettingsFromEnv({
        SANDBOX_TIER: 'prime',
        SANDBOX_UPLOAD_REFUSAL: 'no-code',
        SANDBOX_UPLOAD: 'refused',
        SANDBOX_FCM: '1',
        SANDBOX_ATTESTATION: 'expired',
        SANDBOX_REGION_EXPIRATION: '1795000000',
        SANDBOX_API_ORDER: '1',
        SANDBOX_SECOND_ACCOUNT: '1',
      }),
    ).toEqual({
      tier: 'prime',
      uploadRefusal: 'no-code',
      uploadAllowed: false,
      fcm: true,
      attestation: 'expired',
      regionExpirationTs: 1_795_000_000,
      recentApiOrder: true,
      secondAccount: true,
    });
    expect(sandboxSettingsFromEnv({ SANDBOX_UPLOAD: 'allowed' }).uploadAllowed).toBe(true);
    expect(sandboxSettingsFromEnv({ SANDBOX_UPLOAD: 'by-tier' }).uploadAllowed).toBe('by-tier');
  });

  it.each([
    ['SANDBOX_TIER', 'gold'],
    ['SANDBOX_UPLOAD_REFUSAL', 'insufficient_api_usage_level'],
    ['SANDBOX_UPLOAD', 'maybe'],
    ['SANDBOX_FCM', 'yes'],
    ['SANDBOX_ATTESTATION', 'lapsed'],
    ['SANDBOX_REGION_EXPIRATION', 'tomorrow'],
    ['SANDBOX_SECOND_ACCOUNT', 'yes'],
  ])('refuses %s=%s', (name, value) => {
    expect(() => sandboxSettingsFromEnv({ [name]: value })).toThrow(name);
  });

  it('startSandbox applies them to both accounts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-cli-'));
    const settings = sandboxSettingsFromEnv({
      SANDBOX_TIER: 'prime',
      SANDBOX_UPLOAD: 'refused',
      SANDBOX_UPLOAD_REFUSAL: 'spec',
      SANDBOX_ATTESTATION: 'missing',
    });
    const sandbox = await startSandbox(0, { dir, settings });
    try {
      for (const env of ['demo', 'production'] as const) {
        const key = { keyId: sandbox.accounts[env].keyId, privateKeyPem: await readFile(sandbox.accounts[env].keyPath, 'utf8') };
        const host = env === 'demo' ? DEMO : PROD;
        const via = (path: string, o: CallOptions = {}) => callExchange(sandbox.exchange, path, { key, host, ...o });
        expect((await via('/account/limits')).json.usage_tier).toBe('prime');
        const up = await via('/api_keys', { method: 'POST', body: { name: 'x', public_key: freshSpki().publicKeyPem } });
        expect(up.status).toBe(403);
        expect(up.json).toEqual({ message: 'Forbidden - insufficient API usage level, or fcm_subtrader_id from a non-FCM caller' });
        // A missing attestation shows in the key list only: Kalshi limits trading, not the balance.
        expect('api_key_region_expiration_ts' in (await via('/api_keys')).json).toBe(false);
        expect((await via('/portfolio/balance')).status).toBe(200);
      }
    } finally {
      await sandbox.exchange.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('SANDBOX_SECOND_ACCOUNT=1', () => {
  it('seeds a second account per environment with its own key file, ids and settings', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-cli-'));
    const settings = sandboxSettingsFromEnv({ SANDBOX_SECOND_ACCOUNT: '1', SANDBOX_TIER: 'expert' });
    const sandbox = await startSandbox(0, { dir, settings });
    try {
      const { exchange, accounts, secondAccounts } = sandbox;
      for (const env of ['demo', 'production'] as const) {
        const host = env === 'demo' ? DEMO : PROD;
        const second = secondAccounts![env];
        expect(second.keyPath).toBe(join(dir, `${env}-second-key.pem`));
        expect((await stat(second.keyPath)).mode & 0o777).toBe(0o600);
        expect(exchange.accounts(env)).toEqual(['main', SECOND_ACCOUNT]);
        const ref = { env, account: SECOND_ACCOUNT };
        expect(exchange.keys(ref).map((k) => k.api_key_id)).toEqual([second.keyId]);
        expect(exchange.keys(env).map((k) => k.api_key_id)).toEqual([accounts[env].keyId]);
        const key = { keyId: second.keyId, privateKeyPem: await readFile(second.keyPath, 'utf8') };
        const via = (path: string) => callExchange(exchange, path, { key, host });
        expect((await via('/api_keys')).json.api_keys.map((k: { api_key_id: string }) => k.api_key_id)).toEqual([second.keyId]);
        expect((await via('/account/limits')).json.usage_tier).toBe('expert');
        const commsId = (await via('/communications/id')).json.communications_id;
        expect(commsId).toBe(exchange.communicationsId(ref));
        expect(commsId).not.toBe(exchange.communicationsId(env));
      }
      const text = describeSandbox(sandbox);
      expect(text).toContain(`demo, ${SECOND_ACCOUNT} account`);
      expect(text).toContain(secondAccounts!.production.keyId);
      expect(text).toContain(exchange.userId({ env: 'production', account: SECOND_ACCOUNT }));
      expect(text).not.toMatch(/PRIVATE KEY-----/);
    } finally {
      await sandbox.exchange.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
