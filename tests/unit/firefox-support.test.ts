import { describe, expect, it } from 'vitest';
import { hasHostAccess, KALSHI_ORIGINS, requestHostAccess } from '../../lib/kalshi/host-access';
import { AppError } from '../../lib/shared/errors';
import { isPrivateModeRefusal, openKeyStore } from '../../lib/key-store';

describe('host access', () => {
  it('asks about exactly the four Kalshi origins in the manifest', async () => {
    const asked: string[][] = [];
    const granted = await hasHostAccess({ contains: async ({ origins }) => (asked.push(origins), true) });
    expect(granted).toBe(true);
    expect(asked).toEqual([[...KALSHI_ORIGINS]]);
    expect(KALSHI_ORIGINS).toEqual([
      'https://external-api.kalshi.com/*',
      'https://api.elections.kalshi.com/*',
      'https://external-api.demo.kalshi.co/*',
      'https://demo-api.kalshi.co/*',
    ]);
  });

  it('reports no access when the browser says no or the API fails', async () => {
    expect(await hasHostAccess({ contains: async () => false })).toBe(false);
    expect(await hasHostAccess({ contains: () => Promise.reject(new Error('x')) })).toBe(false);
  });

  it('requests synchronously (inside the click) and turns refusals into false', async () => {
    let calledSync = false;
    const pending = requestHostAccess({ request: async () => ((calledSync = true), true) });
    expect(calledSync).toBe(true);
    expect(await pending).toBe(true);
    expect(await requestHostAccess({ request: () => Promise.reject(new Error('may only be called from a user input handler')) })).toBe(
      false,
    );
    expect(
      await requestHostAccess({
        request: () => {
          throw new Error('sync');
        },
      }),
    ).toBe(false);
  });
});

describe('private browsing refusal', () => {
  it('recognises the error Firefox gives when it refuses IndexedDB', () => {
    expect(
      isPrivateModeRefusal(
        new DOMException('A mutation operation was attempted on a database that did not allow mutations.', 'InvalidStateError'),
      ),
    ).toBe(true);
    expect(isPrivateModeRefusal(new DOMException('quota', 'QuotaExceededError'))).toBe(false);
    expect(isPrivateModeRefusal(undefined)).toBe(false);
  });

  it('openKeyStore answers private_browsing, not storage_failed, when opening is refused that way', async () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB');
    const refusing = (name: string) => ({
      open() {
        throw new DOMException('refused', name);
      },
    });
    const code = (e: unknown) => (e instanceof AppError ? e.code : String(e));
    try {
      Object.defineProperty(globalThis, 'indexedDB', { value: refusing('InvalidStateError'), configurable: true });
      expect(await openKeyStore('kkm-private').then(() => 'opened', code)).toBe('private_browsing');
      Object.defineProperty(globalThis, 'indexedDB', { value: refusing('UnknownError'), configurable: true });
      expect(await openKeyStore('kkm-private').then(() => 'opened', code)).toBe('storage_failed');
    } finally {
      if (saved) Object.defineProperty(globalThis, 'indexedDB', saved);
      else delete (globalThis as { indexedDB?: unknown }).indexedDB;
    }
  });
});
