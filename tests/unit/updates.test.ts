/**
 * A new version of the extension (lib/key-manager/updates.ts): an update that would empty
 * storage.session waits while a one-time private key is sealed there or a message is being handled,
 * and is applied once neither. A screen copy of another shape is never painted.
 * The secret keeper is the real one; the session slots are plain memory, as storage.session is.
 */
import { describe, expect, it, vi } from 'vitest';
import { createSecretKeeper, type SessionSlot } from '../../lib/key-manager/secrets';
import { applyUpdateNow, createUpdates } from '../../lib/key-manager/updates';
import { SCREEN_SLOT, createPopupShell, sessionSlot, type SessionArea } from '../../lib/popup-shell';

function memorySlot(): SessionSlot & { value: unknown } {
  const slot = {
    value: undefined as unknown,
    get: async () => slot.value,
    set: async (v: unknown) => void (slot.value = v),
    remove: async () => void (slot.value = undefined),
  };
  return slot;
}

function memoryArea(): SessionArea & { items: Record<string, unknown> } {
  const items: Record<string, unknown> = {};
  return {
    items,
    get: async (key) => (key in items ? { [key]: items[key] } : {}),
    set: async (more) => void Object.assign(items, more),
    remove: async (key) => void delete items[key],
  };
}

const secret = (keyId: string, expiresAt: number) => ({
  environment: 'demo' as const,
  keyId,
  keyName: 'bot',
  secret: { pem: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', fileName: 'bot.pem' },
  expiresAt,
});

/** The worker's pieces as background.ts wires them: the real keeper, an update gate over it. */
function worker(now: () => number, updateSlot = memorySlot()) {
  const secrets = createSecretKeeper({ now });
  const apply = vi.fn();
  const updates = createUpdates({ slot: updateSlot, oneTimeKeys: () => secrets.count(), apply });
  return { secrets, apply, updates, updateSlot };
}

describe('the decision', () => {
  it('applies a waiting update only when no one-time key waits and no message is being handled', () => {
    expect(applyUpdateNow(false, 0, 0)).toBe(false);
    expect(applyUpdateNow(false, 2, 1)).toBe(false);
    expect(applyUpdateNow(true, 0, 0)).toBe(true);
    expect(applyUpdateNow(true, 1, 0)).toBe(false);
    expect(applyUpdateNow(true, 0, 1)).toBe(false);
  });
});

describe('an update while a one-time key waits', () => {
  it('with nothing waiting, the update is applied at once', async () => {
    const w = worker(Date.now);
    expect(await w.updates.available('0.2.0')).toBe(true);
    expect(w.apply).toHaveBeenCalledTimes(1);
  });

  it('waits while the key waits, and goes once the message that saved it has finished', async () => {
    const w = worker(Date.now);
    await w.secrets.keep(secret('k1', Date.now() + 60_000));
    expect(await w.updates.available('0.2.0')).toBe(false);
    expect(w.apply).not.toHaveBeenCalled();
    expect(w.updateSlot.value).toBe('0.2.0');

    // The user's Done: while its message is handled the update still waits, then it goes.
    let finish!: () => void;
    const saving = w.updates.during(async () => {
      await w.secrets.drop('k1');
      await new Promise<void>((resolve) => (finish = resolve)); // the store's writes that follow
    });
    await vi.waitFor(() => expect(finish).toBeDefined());
    expect(await w.updates.settle()).toBe(false);
    expect(w.apply).not.toHaveBeenCalled();
    finish();
    await saving;
    await vi.waitFor(() => expect(w.apply).toHaveBeenCalledTimes(1));
  });

  it('a worker started again (the idle one stopped) still knows an update waits, and applies it when the key’s time is up', async () => {
    let clock = Date.now();
    const first = worker(() => clock);
    await first.secrets.keep(secret('k1', clock + 60_000));
    expect(await first.updates.available('0.2.0')).toBe(false);

    // A new worker on the same storage.session; its keeper holds the key still (the test's stand-in for the sealed copy).
    const again = worker(() => clock, first.updateSlot);
    await again.secrets.keep(secret('k1', clock + 60_000));
    expect(await again.updates.settle()).toBe(false);
    clock += 60_000; // the promised time: the alarm wipes it, then asks again
    await again.secrets.sweep();
    expect(await again.updates.settle()).toBe(true);
    expect(again.apply).toHaveBeenCalledTimes(1);
    expect(first.apply).not.toHaveBeenCalled();
  });

  it('no update offered: messages come and go, nothing is applied', async () => {
    const w = worker(Date.now);
    await w.updates.during(async () => undefined);
    expect(await w.updates.settle()).toBe(false);
    expect(w.apply).not.toHaveBeenCalled();
  });
});

describe('the popup’s screen copy across an update', () => {
  const copy = ['main', {}, [['p', {}, ['a key']]]] as const;
  const PAGE = '<!doctype html><html><body><div id="app"></div></body></html>';
  const served = async (area: SessionArea) => {
    const shell = createPopupShell(sessionSlot(area, SCREEN_SLOT), async () => new Response(PAGE));
    return (await shell.respond(new Request('chrome-extension://id/popup.html'))).text();
  };

  it('a copy 0.1.0 kept (under its own name) is never painted; one of this shape is', async () => {
    const area = memoryArea();
    area.items.popupScreen = copy; // where and how 0.1.0 kept it
    expect(await served(area)).toBe(PAGE);
    area.items[SCREEN_SLOT] = copy;
    expect(await served(area)).toContain('a key');
    expect(SCREEN_SLOT).not.toBe('popupScreen');
  });
});
