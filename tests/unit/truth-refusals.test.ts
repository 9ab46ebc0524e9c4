/**
 * Issue 13, scenario 1 and the smaller cases: Kalshi's refusals recognised by status and endpoint,
 * never by a code string; the upload refusal remembered; rotation falling back to generating.
 */
import { describe, expect, it } from 'vitest';
import { UPLOAD_REFUSAL_SHAPES } from '../../exchange/server';
import { expectCode, newKey, onExchange, P, signedIn, useHarness } from '../helpers/service-harness';

const h = useHarness();

describe('the upload refusal, whatever its body', () => {
  it.each(UPLOAD_REFUSAL_SHAPES)(
    'body shape %s at a “prime” account: usage_tier, remembered, and the next create goes to Kalshi',
    async (shape) => {
      await signedIn(h.exchange, h.service, 'prime');
      h.exchange.setUploadRefusal(shape);
      h.exchange.setUploadAllowed('demo', false);
      expect(await h.service.getAccount({ environment: 'demo' })).toMatchObject({
        tier: 'prime',
        keySource: 'local',
        uploadRefused: false,
      });

      await expectCode(h.service.createApiKey(newKey('laptop')), 'usage_tier');
      expect(onExchange(h.exchange)).toHaveLength(1);
      expect((await h.store.listPending('demo')).records).toEqual([]);
      expect(await h.service.getAccount({ environment: 'demo' })).toMatchObject({ keySource: 'kalshi', uploadRefused: true });

      const generated = await h.service.createApiKey(newKey('laptop', { source: 'kalshi' }));
      expect(generated.held).toBe(true);
      expect(onExchange(h.exchange)).toContain(generated.keyId);
    },
  );

  it('rotation falls back to generating the replacement when Kalshi refuses the upload', async () => {
    const seeded = await signedIn(h.exchange, h.service, 'prime');
    h.exchange.setUploadAllowed('demo', false);
    const report = await h.service.rotateKey({ environment: 'demo', keyId: seeded.keyId });
    expect(report).toMatchObject({ completed: true, oldKeyState: 'deleted', newKeyState: 'signing' });
    expect(onExchange(h.exchange)).toEqual([report.newKeyId]);
    expect(h.exchange.requests.some((r) => r.method === 'POST' && r.path === `${P}/api_keys/generate` && r.status === 201)).toBe(true);
    expect((await h.service.getOverview({ environment: 'demo' })).signingKey?.keyId).toBe(report.newKeyId);
  });

  it('a 403 on generate is not taken for the upload refusal', async () => {
    await signedIn(h.exchange, h.service, 'basic');
    h.exchange.failNext({ method: 'POST', path: `${P}/api_keys/generate` }, { status: 403 });
    await expectCode(h.service.createApiKey(newKey('bot', { source: 'kalshi' })), 'forbidden');
    expect(await h.service.getAccount({ environment: 'demo' })).toMatchObject({ uploadRefused: false });
  });

  it('a successful upload forgets an earlier refusal', async () => {
    await signedIn(h.exchange, h.service, 'premier');
    h.exchange.setUploadAllowed('demo', false);
    await expectCode(h.service.createApiKey(newKey('a')), 'usage_tier');
    h.exchange.setUploadAllowed('demo', true);
    await h.service.createApiKey(newKey('b'));
    expect(await h.service.getAccount({ environment: 'demo' })).toMatchObject({ uploadRefused: false, keySource: 'local' });
  });
});

describe('keys Kalshi treats apart', () => {
  it('an FCM-bound key is never kept in the browser: refused before any request', async () => {
    await signedIn(h.exchange, h.service);
    const before = h.exchange.requests.length;
    const error = await expectCode(h.service.createApiKey(newKey('fix', { fcmSubtraderId: 'u1_desk' })), 'invalid_fcm_subtrader');
    expect(error.detail).toContain('Download once');
    expect(h.exchange.requests.length).toBe(before);
  });

  it('a key restricted to a subaccount is tested with its own subaccount', async () => {
    await signedIn(h.exchange, h.service);
    const created = await h.service.createApiKey(newKey('sub', { subaccount: 3 }));
    const result = await h.service.testKey({ environment: 'demo', keyId: created.keyId });
    expect(result.verifiedAt).toBeGreaterThan(0);
    expect(h.exchange.requests.at(-1)).toMatchObject({ method: 'GET', status: 200 });
    expect(h.exchange.requests.at(-1)).toMatchObject({ path: `${P}/portfolio/balance`, query: 'subaccount=3' });
  });
});
