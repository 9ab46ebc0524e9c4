/**
 * popup.html arranged for its first paint. Its styles go inside it: the first paint waits for no
 * stylesheet, and the copy the worker serves with the last screen in it (lib/popup-shell) comes
 * styled. Its module script moves to the end of the body, and the head preloads it and its
 * imports, so the files are read while the list is parsed and painted: the live list came sooner
 * so, the first paint no later (README, Performance). The CSP allows all of it: it limits scripts,
 * not styles.
 *
 * Vite ties the page's CSS to its entry chunk (viteMetadata.importedCss), links it from the page
 * and lists it among the dependencies of every lazily loaded chunk that imports the entry. Taken
 * off the entry chunk, the CSS is linked nowhere: it goes into the page, its file is dropped, and
 * the build fails if any chunk still names it.
 */
import type { Plugin } from 'vite';

const SCRIPT = /<script type="module" crossorigin src="([^"]+)"><\/script>\s*/;
const PRELOADS = /<link rel="modulepreload"[^>]*>\s*/g;

export function paintFirst(page: string): Plugin {
  const inlined = new Set<string>();
  return {
    name: 'kkm-paint-first',
    apply: 'build',
    enforce: 'post',
    renderChunk(_, chunk) {
      if (!chunk.isEntry || !chunk.facadeModuleId?.endsWith(page)) return null;
      for (const css of chunk.viteMetadata?.importedCss ?? []) inlined.add(css);
      chunk.viteMetadata?.importedCss.clear();
      return null;
    },
    generateBundle(_, bundle) {
      const html = bundle[page];
      if (html?.type !== 'asset') return;
      const styles = [...inlined].map((file) => {
        const css = bundle[file];
        if (css?.type !== 'asset') throw new Error(`${file}, the CSS of ${page}, is not in the build`);
        const rules = String(css.source);
        if (/<\/style/i.test(rules)) throw new Error(`${file} would end its <style> early`);
        delete bundle[file];
        return `<style>${rules}</style>`;
      });
      let text = String(html.source);
      const script = SCRIPT.exec(text);
      if (!script) throw new Error(`${page} has no module script`);
      const preloads = [`<link rel="modulepreload" crossorigin href="${script[1]}">`, ...(text.match(PRELOADS) ?? []).map((l) => l.trim())];
      text = text.replace(SCRIPT, '').replace(PRELOADS, '');
      if (!text.includes('</head>') || !text.includes('</body>')) throw new Error(`${page} has no </head> or </body>`);
      text = text.replace('</head>', `${styles.join('\n')}\n${preloads.join('\n')}\n</head>`);
      html.source = text.replace('</body>', `${script[0].trim()}\n</body>`);
    },
    // On the files as written: Vite fills the chunks' dependency lists late.
    writeBundle(_, bundle) {
      for (const file of Object.values(bundle))
        for (const css of inlined)
          if (file.type === 'chunk' && file.code.includes(css)) throw new Error(`${file.fileName} still loads ${css}, now inside ${page}`);
    },
  };
}
