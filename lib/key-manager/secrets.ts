/**
 * One-time private keys (Download once) held until the user has them, for at most SECRET_TTL_MS or
 * until the user says it was saved — never on disk. A stopped worker must not lose one before the
 * promised time, so besides this worker's memory each is kept in a session slot (storage.session:
 * memory only, trusted contexts only, emptied when the browser closes), sealed with a non-extractable
 * AES-GCM key that lives in IndexedDB: the sealed text alone opens nowhere else. At the promised time
 * it is wiped (a timer while the worker runs, `wake` to start it again otherwise); after that the next
 * list marks the key "its private key was never saved" (reconcile.ts).
 */
import { isEnvironment, type Environment } from '../shared/environments';
import type { UnsavedSecret } from './api';

export const SECRET_TTL_MS = 10 * 60_000;

/** One JSON value that outlives the worker but not the browser (storage.session in the extension). */
export interface SessionSlot {
  get(): Promise<unknown>;
  set(value: unknown): Promise<void>;
  remove(): Promise<void>;
}

export interface SecretKeeperDeps {
  now: () => number;
  /** Where sealed secrets outlive the worker; none: this worker's memory only. */
  slot?: SessionSlot;
  /** The AES-GCM key that seals them (non-extractable, kept in IndexedDB). */
  sealKey?: () => Promise<CryptoKey>;
  /** Asks for the worker to be started at this time (ms) to wipe what expires then (browser.alarms). */
  wake?: (at: number) => void;
}

/** A secret as kept: what the user is shown, and the pending create it came from. */
interface Held {
  value: UnsavedSecret;
  pendingId?: string;
  /** This worker saw the store record the key id; not after a failed write, nor in a worker started since. */
  told?: boolean;
}

/** A secret as it lies in the slot: everything but the PEM in the clear, the PEM sealed. */
interface Sealed {
  environment: Environment;
  keyId: string;
  keyName: string;
  fileName: string;
  expiresAt: number;
  pendingId?: string;
  iv: string;
  sealed: string;
}

export type SecretKeeper = ReturnType<typeof createSecretKeeper>;

export function createSecretKeeper({ now, slot, sealKey, wake }: SecretKeeperDeps) {
  const held = new Map<string, Held>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let loading: Promise<void> | undefined;

  /** What an earlier worker sealed, opened once per worker; what cannot be opened is dropped. */
  const load = () =>
    (loading ??= (async () => {
      if (!slot || !sealKey) return;
      const entries = readSealed(await slot.get().catch(() => undefined));
      const key = entries.length > 0 ? await sealKey() : undefined;
      for (const entry of entries) {
        if (!key || held.has(entry.keyId)) continue;
        const pem = await unseal(key, entry).catch(() => undefined);
        if (pem === undefined) continue;
        const { pendingId, keyId, environment, keyName, fileName, expiresAt } = entry;
        held.set(keyId, {
          value: { environment, keyId, keyName, secret: { pem, fileName }, expiresAt },
          ...(pendingId ? { pendingId } : {}),
        });
      }
    })().catch(() => undefined));

  /** Writes what is held now (sealed afresh) to the slot, and sets the next wipe. */
  async function persist(): Promise<void> {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const next = Math.min(...[...held.values()].map((h) => h.value.expiresAt));
    if (Number.isFinite(next)) {
      timer = setTimeout(() => void sweep(), Math.max(0, next - now()));
      // A pending timer must not keep a Node test process alive; in a worker this is a no-op.
      (timer as { unref?: () => void }).unref?.();
      wake?.(next);
    }
    if (!slot || !sealKey) return;
    try {
      if (held.size === 0) return await slot.remove();
      const key = await sealKey();
      await slot.set(await Promise.all([...held.values()].map((h) => seal(key, h))));
    } catch {
      // Not sealed: this worker's memory still holds it, as before there was a slot.
    }
  }

  /** Drops what is past its time; true when anything went. */
  async function sweep(): Promise<boolean> {
    await load();
    const expired = [...held.values()].filter((h) => h.value.expiresAt <= now());
    for (const h of expired) held.delete(h.value.keyId);
    // Written only when something changed (or no wipe is set yet): not on every popup open.
    if (expired.length > 0 || (held.size > 0 && timer === undefined)) await persist();
    return expired.length > 0;
  }

  return {
    /** Keeps a secret until `value.expiresAt`, sealed in the slot before this resolves. */
    async keep(value: UnsavedSecret, pendingId?: string): Promise<void> {
      await load();
      held.set(value.keyId, { value, ...(pendingId ? { pendingId } : {}) });
      await persist();
    },
    /** The oldest secret of the environment still waiting to be saved. */
    async take(environment: Environment): Promise<UnsavedSecret | null> {
      await sweep();
      for (const h of held.values()) if (h.value.environment === environment) return h.value;
      return null;
    },
    /** How many secrets wait to be saved now (an update waits for none: updates.ts). */
    async count(): Promise<number> {
      await sweep();
      return held.size;
    },
    async holds(keyId: string): Promise<boolean> {
      await sweep();
      return held.has(keyId);
    },
    /** The store recorded the key id of this secret's pending create: waiting() need not name it again. */
    told(keyId: string): void {
      const h = held.get(keyId);
      if (h) h.told = true;
    },
    /** Secrets whose pending create may not know its key id (a failed store write, or one this worker did not see). */
    async waiting(environment: Environment): Promise<Array<{ pendingId: string; keyId: string; expiresAt: number }>> {
      await sweep();
      return [...held.values()].flatMap((h) =>
        h.pendingId && !h.told && h.value.environment === environment
          ? [{ pendingId: h.pendingId, keyId: h.value.keyId, expiresAt: h.value.expiresAt }]
          : [],
      );
    },
    /** The name of the key a held secret belongs to (for the activity log). */
    nameOf: (keyId: string): string | undefined => held.get(keyId)?.value.keyName,
    /** Wipes a secret now (the user saved it); returns the pending create it came from, if known. */
    async drop(keyId: string): Promise<string | undefined> {
      await load();
      const pendingId = held.get(keyId)?.pendingId;
      held.delete(keyId);
      await persist();
      return pendingId;
    },
    /** Wipes what is past its time (the worker woken by `wake`). */
    sweep,
  };
}

const bytes = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const base64 = (data: ArrayBuffer | Uint8Array) => btoa(String.fromCharCode(...new Uint8Array(data)));

async function seal(key: CryptoKey, { value, pendingId }: Held): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  // The key id is bound to the sealed text: a sealed PEM cannot be passed off as another key's.
  const data = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(value.keyId) },
    key,
    new TextEncoder().encode(value.secret.pem),
  );
  const { environment, keyId, keyName, expiresAt } = value;
  return {
    environment,
    keyId,
    keyName,
    fileName: value.secret.fileName,
    expiresAt,
    ...(pendingId ? { pendingId } : {}),
    iv: base64(iv),
    sealed: base64(data),
  };
}

async function unseal(key: CryptoKey, entry: Sealed): Promise<string> {
  const data = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: bytes(entry.iv), additionalData: new TextEncoder().encode(entry.keyId) },
    key,
    bytes(entry.sealed),
  );
  return new TextDecoder().decode(data);
}

const isText = (v: unknown): v is string => typeof v === 'string';

/** The slot's entries of the right shape; anything else in it is ignored. */
function readSealed(raw: unknown): Sealed[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter((entry: unknown): entry is Sealed => {
    if (typeof entry !== 'object' || entry === null) return false;
    const e = entry as Record<string, unknown>;
    return (
      isEnvironment(e.environment) &&
      [e.keyId, e.keyName, e.fileName, e.iv, e.sealed].every(isText) &&
      typeof e.expiresAt === 'number' &&
      (e.pendingId === undefined || isText(e.pendingId))
    );
  });
}
