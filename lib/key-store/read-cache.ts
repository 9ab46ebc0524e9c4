/**
 * What was read of the store, kept until the next write. IndexedDB revives every stored CryptoKey
 * on each read, milliseconds apiece, and a popup's opening read the same records five times beside
 * the page it was loading (README, Performance). The worker is the store's only writer: every write
 * goes through `write`, which drops what was kept as it starts and again as it ends (a read beside
 * it may have seen either side of it).
 */
export interface ReadCache {
  /** `load`'s answer for `slot`, read once until a write. */
  read<T>(slot: string, load: () => Promise<T>): Promise<T>;
  write<T>(work: () => Promise<T>): Promise<T>;
  /** The connection was lost: what it read goes with it. */
  clear(): void;
}

export function createReadCache(): ReadCache {
  const kept = new Map<string, Promise<unknown>>();
  return {
    read<T>(slot: string, load: () => Promise<T>): Promise<T> {
      const hit = kept.get(slot) as Promise<T> | undefined;
      if (hit) return hit;
      const reading = load();
      kept.set(slot, reading);
      // A failed read is not kept: the next one tries again.
      reading.catch(() => kept.get(slot) === reading && kept.delete(slot));
      return reading;
    },
    async write<T>(work: () => Promise<T>): Promise<T> {
      kept.clear();
      try {
        return await work();
      } finally {
        kept.clear();
      }
    },
    clear: () => kept.clear(),
  };
}
