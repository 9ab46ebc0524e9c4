/**
 * The popup's first answers, begun when the worker sees it open (lib/key-manager/opening.ts): they
 * save the user time, and may never answer with something stale.
 */
import { describe, expect, it, vi } from 'vitest';
import { createOpening, OPENING_MS } from '../../lib/key-manager/opening';
import { route } from '../../lib/messages/router';
import { P, useHarness } from '../helpers/service-harness';

const h = useHarness();
const self = { id: 'abcdefghijklmnopabcdefghijklmnop', origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop' };
const popup = { id: self.id, url: `${self.origin}/popup.html` };
const lists = () => h.exchange.requests.filter((r) => r.method === 'GET' && r.path === `${P}/api_keys`);

/** A held signing key in demo (the active environment), and an opening over the service with a clock we move. */
async function opened() {
  const account = h.exchange.seedAccount('demo', { name: 'sandbox' });
  await h.service.importKey({ environment: 'demo', keyId: account.keyId, pem: account.privateKeyPem });
  await h.store.setActiveEnvironment('demo');
  let now = 1_000_000;
  const opening = createOpening(h.service, { activeEnvironment: () => h.store.getActiveEnvironment(), now: () => now });
  return { account, opening, later: (ms: number) => void (now += ms) };
}

describe('the popup’s first answers, asked for at its navigation', () => {
  it('the first asks marked opening take them: Kalshi is asked once, and the answer holds a key made just before', async () => {
    const { opening } = await opened();
    const before = lists().length;
    const made = h.exchange.seedAccount('demo', { name: 'made on kalshi.com', keyType: 'ed25519' });
    await opening.begin();
    const overview = await opening.handlers.getOverview({ opening: true });
    const list = await opening.handlers.listApiKeys({ environment: 'demo', opening: true });
    const account = await opening.handlers.getAccount({ environment: 'demo', opening: true });
    expect(overview.signingKey?.name).toBe('sandbox');
    expect(list.keys.map((k) => k.keyId)).toContain(made.keyId);
    expect(account.tier).not.toBeUndefined();
    expect(lists().length - before).toBe(1);
    // Handed once: the next ask reads Kalshi again.
    await opening.handlers.listApiKeys({ environment: 'demo', opening: true });
    expect(lists().length - before).toBe(2);
  });

  it('never to an ask not marked opening (the options page, a reload), for another environment, or late', async () => {
    const { opening, later } = await opened();
    const before = lists().length;
    await opening.begin();
    await opening.handlers.listApiKeys({ environment: 'demo' });
    await expect(opening.handlers.listApiKeys({ environment: 'production', opening: true })).rejects.toMatchObject({
      code: 'no_signing_key',
    });
    // The early one (it may still be on its way), and the unmarked ask's own: had the ask taken the
    // early answer, there would be one only.
    await vi.waitFor(() => expect(lists().length - before).toBe(2));
    later(OPENING_MS + 1);
    await opening.handlers.listApiKeys({ environment: 'demo', opening: true });
    expect(lists().length - before).toBe(3);
  });

  it('a change between the navigation and the ask drops them: the list is read after the change', async () => {
    const { opening } = await opened();
    const bot = h.exchange.seedAccount('demo', { name: 'bot', keyType: 'ed25519' });
    await opening.begin();
    await opening.handlers.deleteApiKey({ environment: 'demo', keyId: bot.keyId, confirmLockout: false });
    const list = await opening.handlers.listApiKeys({ environment: 'demo', opening: true });
    expect(list.keys.map((k) => k.keyId)).not.toContain(bot.keyId);
  });

  it('the options page’s bots beside the opening popup (it looks every 2 s) cost it nothing: Kalshi is asked once', async () => {
    const { opening } = await opened();
    const before = lists().length;
    await opening.begin();
    await opening.handlers.getBots({});
    await opening.handlers.pauseBots({ paused: true });
    await opening.handlers.listApiKeys({ environment: 'demo', opening: true });
    expect(lists().length - before).toBe(1);
  });

  it('a popup opened while a change runs (an import from the options page) gets what the change made', async () => {
    const account = h.exchange.seedAccount('demo', { name: 'sandbox' });
    const opening = createOpening(h.service, { activeEnvironment: () => h.store.getActiveEnvironment(), now: Date.now });
    // The import proves the key with Kalshi's list, slowly: the popup opens meanwhile.
    h.exchange.failNext({ method: 'GET', path: `${P}/api_keys` }, { delayMs: 200 });
    const importing = opening.handlers.importKey({ environment: 'demo', keyId: account.keyId, pem: account.privateKeyPem });
    await opening.begin();
    await importing;
    const overview = await opening.handlers.getOverview({ opening: true });
    expect(overview.environment).toBe('demo');
    expect(overview.signingKey?.name).toBe('sandbox');
  });

  it('a popup with no signing key: nothing is asked of Kalshi, and the overview says so', async () => {
    const opening = createOpening(h.service, { activeEnvironment: () => h.store.getActiveEnvironment(), now: Date.now });
    await opening.begin();
    expect(lists()).toHaveLength(0);
    expect((await opening.handlers.getOverview({ opening: true })).signingKey).toBeNull();
  });

  it('`opening` arrives checked: true or absent, nothing else', async () => {
    const { opening } = await opened();
    for (const value of ['yes', 1, false, null]) {
      const reply = await route(opening.handlers, { type: 'listApiKeys', data: { environment: 'demo', opening: value } }, popup, self);
      expect(reply, String(value)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    }
  });
});

describe('the key the next list is signed with', () => {
  /** Two held keys; the first signs and has just read a list (the store's reads are kept). */
  async function rememberedFirst() {
    const { account } = await opened();
    const other = h.exchange.seedAccount('demo', { name: 'second', keyType: 'ed25519' });
    await h.service.importKey({ environment: 'demo', keyId: other.keyId, pem: other.privateKeyPem });
    await h.service.setSigningKey({ environment: 'demo', keyId: account.keyId });
    await h.service.listApiKeys({ environment: 'demo' });
    return { account, other };
  }
  /** The key ids the lists read after `before` requests were signed with, in any order. */
  const signedSince = (before: number) =>
    lists()
      .slice(before)
      .map((r) => r.keyId)
      .sort();

  it('after Use for signing, the next list is signed with the new key only', async () => {
    const { other } = await rememberedFirst();
    await h.service.setSigningKey({ environment: 'demo', keyId: other.keyId });
    const before = lists().length;
    const list = await h.service.listApiKeys({ environment: 'demo' });
    expect(signedSince(before)).toEqual([other.keyId]);
    expect(list.keys.find((k) => k.signing)?.keyId).toBe(other.keyId);
  });

  it('a store changed without a message (another key signs now): the next list is signed with that key only', async () => {
    const { other } = await rememberedFirst();
    await h.store.setSigningKey('demo', other.keyId); // the store's own write: what it had read goes
    const before = lists().length;
    const list = await h.service.listApiKeys({ environment: 'demo' });
    expect(signedSince(before)).toEqual([other.keyId]);
    expect(list.keys.find((k) => k.signing)?.keyId).toBe(other.keyId);
  });
});
