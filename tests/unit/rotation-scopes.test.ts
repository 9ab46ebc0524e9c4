/**
 * Issue 11, least privilege: a rotation may narrow a key's scopes to a preset (Kalshi cannot change
 * them in place), never widen them, and never leave the extension's own signing key unable to manage keys.
 * The real key service against the local exchange and fake-indexeddb.
 */
import { describe, expect, it } from 'vitest';
import { expectCode, newKey, onExchange, signedIn, useHarness } from '../helpers/service-harness';

const h = useHarness();

const scopesOnExchange = (keyId: string | null) => h.exchange.keys('demo').find((k) => k.api_key_id === keyId)?.scopes;

/** Everything a refused rotation must leave as it was: the keys on Kalshi and in the store, pending records. */
async function everything() {
  return {
    onKalshi: h.exchange.keys('demo').map((k) => ({ id: k.api_key_id, scopes: k.scopes, name: k.name })),
    held: (await h.store.listKeys('demo')).map((k) => ({ id: k.keyId, scopes: k.scopes })),
    signing: (await h.store.getSigningKey('demo'))?.keyId,
    pending: (await h.store.listPending('demo')).records,
  };
}

describe('rotating to narrower scopes', () => {
  it.each([
    [['read', 'write'], 'trade', ['read', 'write::trade']],
    [['read', 'write'], 'read-only', ['read']],
    [['read', 'write::trade'], 'read-only', ['read']],
    [['read', 'write::trade', 'write::transfer'], 'trade', ['read', 'write::trade']],
    [['read', 'write'], 'full', ['read', 'write']],
  ] as const)(
    'a held key with %j rotated to %s: the replacement has exactly %j on Kalshi, the old key is deleted',
    async (from, preset, to) => {
      const signing = await signedIn(h.exchange, h.service);
      const bot = await h.service.createApiKey(newKey('bot', { scopes: [...from] }));
      expect(scopesOnExchange(bot.keyId)).toEqual(from);

      const report = await h.service.rotateKey({ environment: 'demo', keyId: bot.keyId, scopes: preset });
      expect(report).toMatchObject({ completed: true, oldKeyState: 'deleted', newScopes: to });
      expect(scopesOnExchange(report.newKeyId)).toEqual(to);
      expect(onExchange(h.exchange).sort()).toEqual([signing.keyId, report.newKeyId].sort());
      expect(await h.store.getKey('demo', bot.keyId)).toBeUndefined();
      expect((await h.store.getKey('demo', report.newKeyId!))?.scopes).toEqual(to);
      // The signing key was not the one rotated: it still signs.
      expect((await h.store.getSigningKey('demo'))?.keyId).toBe(signing.keyId);
      // Kalshi's list, as the popup sees it.
      const listed = (await h.service.listApiKeys({ environment: 'demo' })).keys.find((k) => k.keyId === report.newKeyId);
      expect(listed).toMatchObject({ name: 'bot', scopes: to, held: true });
    },
  );

  it('without a preset the replacement keeps the old scopes, as Kalshi lists them', async () => {
    await signedIn(h.exchange, h.service);
    const bot = await h.service.createApiKey(newKey('bot', { scopes: ['read', 'write::trade', 'write::transfer'] }));
    const report = await h.service.rotateKey({ environment: 'demo', keyId: bot.keyId });
    expect(report.completed).toBe(true);
    expect(scopesOnExchange(report.newKeyId)).toEqual(['read', 'write::trade', 'write::transfer']);
    expect(report.newScopes).toEqual(['read', 'write::trade', 'write::transfer']);
  });
});

describe('a rotation never widens', () => {
  it.each([
    [['read'], 'trade'],
    [['read'], 'full'],
    [['read', 'write::trade'], 'full'],
    [['write::trade'], 'trade'], // would add read
    [['read::portfolio_balance'], 'read-only'],
  ] as const)('a key with %j and the preset %s: refused in words, nothing changed on Kalshi or here', async (from, preset) => {
    await signedIn(h.exchange, h.service);
    const bot = await h.service.createApiKey(newKey('bot', { scopes: [...from] }));
    const before = await everything();
    const requests = h.exchange.requests.length;

    const error = await expectCode(
      h.service.rotateKey({ environment: 'demo', keyId: bot.keyId, scopes: preset }),
      'rotation_widens_scopes',
    );
    expect(error.detail).toContain(from.join(', '));
    expect(await everything()).toEqual(before);
    // Only Kalshi's list was read (for the key's scopes): nothing was created or deleted.
    expect(h.exchange.requests.slice(requests).map((r) => r.method)).toEqual(['GET']);
  });
});

describe('the signing key keeps the right to manage keys', () => {
  it.each(['trade', 'read-only'] as const)('rotating the signing key to %s is refused before any request to Kalshi', async (preset) => {
    const signing = await signedIn(h.exchange, h.service);
    const before = await everything();
    const requests = h.exchange.requests.length;

    await expectCode(h.service.rotateKey({ environment: 'demo', keyId: signing.keyId, scopes: preset }), 'rotation_locks_out');
    expect(h.exchange.requests.length).toBe(requests);
    expect(await everything()).toEqual(before);
  });

  it('to Full access it rotates; once another key signs, the old signing key may be narrowed', async () => {
    const first = await signedIn(h.exchange, h.service);
    const report = await h.service.rotateKey({ environment: 'demo', keyId: first.keyId, scopes: 'full' });
    expect(report).toMatchObject({ completed: true, newKeyState: 'signing', newScopes: ['read', 'write'] });

    const other = await h.service.createApiKey(newKey('desk'));
    await h.service.setSigningKey({ environment: 'demo', keyId: other.keyId });
    const narrowed = await h.service.rotateKey({ environment: 'demo', keyId: report.newKeyId!, scopes: 'trade' });
    expect(narrowed.completed).toBe(true);
    expect(scopesOnExchange(narrowed.newKeyId)).toEqual(['read', 'write::trade']);
    expect((await h.store.getSigningKey('demo'))?.keyId).toBe(other.keyId);
  });
});
