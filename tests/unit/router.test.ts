import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isErrorCode } from '../../lib/shared/errors';
import type { Handlers } from '../../lib/key-manager/service';
import { route } from '../../lib/messages/router';

const self = { id: 'abcdefghijklmnopabcdefghijklmnop', origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop' };
const ownPage = { id: self.id, url: `${self.origin}/popup.html`, origin: self.origin };
const ROTATE = { environment: 'demo', keyId: '00000000-0000-4000-8000-000000000000' };

/** Records what reached the handlers; each answers with what it was given. */
function recordingHandlers() {
  const calls: Array<[string, unknown]> = [];
  const handlers = new Proxy({} as Handlers, {
    get: (_, type: string) => async (data: unknown) => {
      calls.push([type, data]);
      return { echoed: data };
    },
  });
  return { calls, handlers };
}

describe('route', () => {
  it('runs a valid message from our own page and replies ok', async () => {
    const { calls, handlers } = recordingHandlers();
    const reply = await route(handlers, { type: 'listApiKeys', data: { environment: 'demo' } }, ownPage, self);
    expect(reply).toEqual({ ok: true, value: { echoed: { environment: 'demo' } } });
    expect(calls).toEqual([['listApiKeys', { environment: 'demo' }]]);
  });

  it.each([
    ['a web page', { id: self.id, url: 'https://evil.example/', origin: 'https://evil.example' }],
    ['another extension', { id: 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz', url: 'chrome-extension://zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz/x.html' }],
    ['a sender with our id but a foreign url', { id: self.id, url: 'chrome-extension://zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz/popup.html' }],
    ['a sender without url', { id: self.id }],
    ['a sender claiming our origin from a web url', { id: self.id, url: 'https://evil.example/', origin: self.origin }],
  ])('refuses %s, running nothing', async (_, sender) => {
    const { calls, handlers } = recordingHandlers();
    const reply = await route(handlers, { type: 'getOverview', data: {} }, sender, self);
    expect(reply).toMatchObject({ ok: false, error: { code: 'sender_refused' } });
    expect(calls).toEqual([]);
  });

  it.each([
    ['an unknown type', { type: 'exportPrivateKey', data: {} }, 'invalid_request'],
    ['a prototype key as type', { type: 'toString', data: {} }, 'invalid_request'],
    ['no data', { type: 'getOverview' }, 'invalid_request'],
    ['a bad environment', { type: 'listApiKeys', data: { environment: 'staging' } }, 'invalid_request'],
    ['an empty key id', { type: 'importKey', data: { environment: 'demo', keyId: '  ', pem: 'x' } }, 'empty_input'],
    ['a key id that is not a UUID', { type: 'importKey', data: { environment: 'demo', keyId: 'abc', pem: 'x' } }, 'invalid_key_id'],
    [
      'an empty private key',
      { type: 'importKey', data: { environment: 'demo', keyId: '00000000-0000-4000-8000-000000000000', pem: ' ' } },
      'empty_input',
    ],
    ['an empty key name', { type: 'createApiKey', data: { environment: 'demo', name: '' } }, 'empty_input'],
    ['a key name of 1,001 characters', { type: 'createApiKey', data: { environment: 'demo', name: 'x'.repeat(1_001) } }, 'invalid_name'],
    ['a rotation to an unknown preset', { type: 'rotateKey', data: { ...ROTATE, scopes: 'admin' } }, 'invalid_request'],
    ['a rotation to a list of scopes', { type: 'rotateKey', data: { ...ROTATE, scopes: ['read'] } }, 'invalid_request'],
    ['a rotation to a prototype name', { type: 'rotateKey', data: { ...ROTATE, scopes: 'toString' } }, 'invalid_request'],
    ['a rotation to a preset in capitals', { type: 'rotateKey', data: { ...ROTATE, scopes: 'Trade' } }, 'invalid_request'],
    ['a rotation to null scopes', { type: 'rotateKey', data: { ...ROTATE, scopes: null } }, 'invalid_request'],
  ])('refuses %s with a typed error, running nothing', async (_, message, code) => {
    const { calls, handlers } = recordingHandlers();
    const reply = await route(handlers, message, ownPage, self);
    expect(reply).toMatchObject({ ok: false, error: { code } });
    expect(calls).toEqual([]);
  });

  it('a key name over 100 characters reaches the handler whole (Kalshi publishes no limit); 1,000 is the bound', async () => {
    const { calls, handlers } = recordingHandlers();
    const create = { environment: 'demo', algorithm: 'Ed25519', scopes: ['read'], source: 'kalshi', destination: 'browser' };
    for (const name of ['x'.repeat(101), 'y'.repeat(1_000)]) {
      expect(await route(handlers, { type: 'createApiKey', data: { ...create, name } }, ownPage, self)).toMatchObject({ ok: true });
    }
    expect(calls.map(([, data]) => (data as { name: string }).name.length)).toEqual([101, 1_000]);
  });

  it('a rotation preset reaches the handler as sent; none means the same scopes; a bad one is named, not echoed', async () => {
    const { calls, handlers } = recordingHandlers();
    for (const scopes of ['read-only', 'trade', 'full'] as const) {
      expect(await route(handlers, { type: 'rotateKey', data: { ...ROTATE, scopes } }, ownPage, self)).toMatchObject({ ok: true });
    }
    expect(await route(handlers, { type: 'rotateKey', data: ROTATE }, ownPage, self)).toMatchObject({ ok: true });
    expect(calls).toEqual([
      ['rotateKey', { ...ROTATE, scopes: 'read-only' }],
      ['rotateKey', { ...ROTATE, scopes: 'trade' }],
      ['rotateKey', { ...ROTATE, scopes: 'full' }],
      ['rotateKey', ROTATE],
    ]);
    const reply = await route(handlers, { type: 'rotateKey', data: { ...ROTATE, scopes: 'superuser' } }, ownPage, self);
    expect(reply).toEqual({
      ok: false,
      error: {
        code: 'invalid_request',
        detail: 'Unknown scopes for the replacement: choose one of read-only, trade, full, or none to keep them.',
      },
    });
  });

  it('any value at all gets a Reply, never a throw, and a handler only sees validated data', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.anything(),
          fc.record({
            type: fc.constantFrom('getOverview', 'setEnvironment', 'importKey', 'listApiKeys', 'createApiKey', 'deleteApiKey'),
            data: fc.anything(),
          }),
          fc.record({
            type: fc.constantFrom('importKey', 'createApiKey', 'deleteApiKey'),
            data: fc.dictionary(
              fc.constantFrom('environment', 'keyId', 'pem', 'name', 'confirmLockout'),
              fc.oneof(fc.string(), fc.constantFrom('demo', 'production', '00000000-0000-4000-8000-000000000000'), fc.boolean()),
            ),
          }),
        ),
        async (message) => {
          const { calls, handlers } = recordingHandlers();
          const reply = await route(handlers, message, ownPage, self);
          if (reply.ok) {
            expect(calls).toHaveLength(1);
            const data = calls[0]![1] as Record<string, unknown>;
            if ('environment' in data) expect(['demo', 'production']).toContain(data.environment);
          } else {
            expect(isErrorCode(reply.error.code)).toBe(true);
            expect(calls).toEqual([]);
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
