/**
 * Where the popup keeps its snapshot (lib/messages/snapshot.ts): this page's localStorage, read
 * synchronously when the app starts — no round trip to the worker (which may not be running) nor
 * to the browser (storage.session cost a third of a blank page's load here). Written from what
 * the popup shows after each answer, and cleared of a key as soon as it is forgotten or deleted.
 */
import { parseSnapshot, type EnvironmentSnapshot, type PopupSnapshot } from '../../lib/messages';
import type { Environment } from '../../lib/shared/environments';

const KEY = 'kkm.popupSnapshot.v1';

export function readSnapshot(): PopupSnapshot | null {
  try {
    const text = localStorage.getItem(KEY);
    return text === null ? null : parseSnapshot(JSON.parse(text));
  } catch {
    return null; // unreadable (storage off, damaged text): paint from the worker's answers instead
  }
}

function write(snapshot: PopupSnapshot): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(snapshot));
  } catch {
    // Full or disabled: the next open waits for the worker, nothing else is lost.
  }
}

/** Records what the popup shows for `environment`, now the one it opens on; returns the new snapshot. */
export function saveSnapshot(last: PopupSnapshot | null, environment: Environment, entry: EnvironmentSnapshot): PopupSnapshot {
  const snapshot = { active: environment, byEnvironment: { ...last?.byEnvironment, [environment]: entry } };
  write(snapshot);
  return snapshot;
}

/** A key forgotten or deleted leaves the snapshot at once, before the popup reloads its list (the worker drops its copy itself). */
export function dropFromSnapshot(environment: Environment, keyId: string): void {
  const snapshot = readSnapshot();
  const entry = snapshot?.byEnvironment[environment];
  if (!snapshot || !entry) return;
  const keys = entry.keys?.filter((k) => k.keyId !== keyId) ?? null;
  const heldKeys = entry.heldKeys.filter((k) => k.keyId !== keyId);
  const signingKey = entry.signingKey?.keyId === keyId ? null : entry.signingKey;
  write({ ...snapshot, byEnvironment: { ...snapshot.byEnvironment, [environment]: { ...entry, keys, heldKeys, signingKey } } });
}
