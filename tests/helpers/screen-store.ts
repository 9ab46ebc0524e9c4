import type { CopiedElement } from '../../lib/popup-shell/screen-copy';
import type { ScreenStore } from '../../lib/popup-shell/shell';

/** storage.session as the worker uses it, in memory; `fails` makes every read and write reject. */
export function memoryScreenStore(fails = false): ScreenStore & { value: unknown } {
  const store = {
    value: undefined as unknown,
    get: async () => {
      if (fails) throw new Error('storage refused');
      return store.value;
    },
    set: async (copy: CopiedElement) => {
      if (fails) throw new Error('storage refused');
      store.value = copy;
    },
    remove: async () => {
      store.value = undefined;
    },
  };
  return store;
}
