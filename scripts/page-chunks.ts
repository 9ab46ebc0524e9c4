/**
 * One shared chunk for the extension's pages. Rollup splits what the popup and the options page
 * share into a chunk per combination of importers (three here), and each is one more file the popup
 * loads before its first paint. Every module both pages import statically goes into one `shared`
 * chunk instead; what only one page (or a lazily loaded part) needs stays where Rollup put it.
 */
import type { GetModuleInfo } from 'rollup';
import type { Plugin } from 'vite';

/** The page entries that statically reach `id`. */
function entriesReaching(id: string, info: GetModuleInfo, seen = new Set<string>()): Set<string> {
  const found = new Set<string>();
  if (seen.has(id)) return found;
  seen.add(id);
  const module = info(id);
  if (!module) return found;
  if (module.isEntry) found.add(id);
  for (const importer of module.importers) for (const entry of entriesReaching(importer, info, seen)) found.add(entry);
  return found;
}

const manualChunks = (id: string, { getModuleInfo }: { getModuleInfo: GetModuleInfo }) =>
  entriesReaching(id, getModuleInfo).size > 1 ? 'shared' : undefined;

export function pageChunks(): Plugin {
  return {
    name: 'kkm-page-chunks',
    apply: 'build',
    outputOptions(options) {
      // The background and other single-file builds inline everything already.
      if (options.inlineDynamicImports || options.format === 'iife') return null;
      return { ...options, manualChunks };
    },
  };
}
