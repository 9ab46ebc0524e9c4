/**
 * Gzipped size of what the built extension loads, read from the build output
 * (.output/chrome-mv3). Used by `npm run bench` and by tests/e2e/size.spec.ts.
 *
 * - popup (the budget): popup.html itself (its styles are inside) and every file it loads when it opens: its <script src>,
 *   <link rel=stylesheet|modulepreload>, and, transitively, what those JS modules import
 *   statically (`from "…"`, `import "…"`) and what the CSS @imports; and what the page's own
 *   script imports dynamically as it starts (the app, after the first paint).
 * - popup, lazy (reported): what dynamic `import("…")` (and Vite's preload list for it) would
 *   load later, on demand, minus what is already loaded at open.
 * - all JS: every .js file in the output.
 * Each file is gzipped on its own (zlib level 9) and the sizes are summed. 1 kB = 1000 bytes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * The popup's first paint needs only its entry (a copy of the last screen, styles inside): that is
 * the budget speed depends on. The app loads behind it; its total and all the JS grew from the 15 kB
 * and 40 kB of the earlier budgets with the snapshot, the screen copy and the key filter, the account
 * health (popup, worker) and the activity log (options page, worker); all the JS from 49 to 53 kB with
 * several Kalshi accounts (worker, options page) and rotation with narrower scopes. The popup's from
 * 19 to 19.5 kB when popup.html itself began to count (its styles moved into it from the entry).
 * All the JS from 53 to 59.5 kB with bots (issue 25), a capability of its own, measured on the same
 * build: the worker's grants, its signing for the agent, the agent's port and the per-minute log
 * (+3.9 kB), the options page's Bots section (+2.1 kB), the popup's bots line (+0.1 kB), and a
 * chunk split (+0.2 kB). The popup's budget did not move.
 */
export const SIZE_BUDGETS = { firstPaintGzipBytes: 5_000, popupGzipBytes: 19_500, allJsGzipBytes: 59_500 } as const;

export interface FileSize {
  /** Path inside the output directory, with forward slashes. */
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface SizeReport {
  dir: string;
  /** Files the first paint waits for: popup.html's own scripts and styles and their static imports. */
  firstPaint: FileSize[];
  firstPaintGzipBytes: number;
  /** Files popup.html loads when it opens (JS and CSS), largest gzipped first. */
  popup: FileSize[];
  popupGzipBytes: number;
  /** Files only dynamic imports reach, loaded when the popup needs them. */
  popupLazy: FileSize[];
  popupLazyGzipBytes: number;
  /** All .js files in the build, largest gzipped first. */
  allJs: FileSize[];
  allJsGzipBytes: number;
}

export function gzipSize(data: Uint8Array | string): number {
  return gzipSync(data, { level: 9 }).length;
}

function fileSize(dir: string, file: string): FileSize {
  const data = readFileSync(join(dir, file));
  return { file, bytes: data.length, gzipBytes: gzipSize(data) };
}

const bySizeDesc = (a: FileSize, b: FileSize) => b.gzipBytes - a.gzipBytes || a.file.localeCompare(b.file);
const sum = (files: FileSize[]) => files.reduce((n, f) => n + f.gzipBytes, 0);

/** Resolves a URL found in `fromFile` (a path inside the output) to a path inside the output, or undefined if external. */
function resolveRef(fromFile: string, ref: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref) || ref.startsWith('//')) return undefined; // http:, data:, chrome-extension:…
  const clean = ref.split(/[?#]/)[0]!;
  if (clean === '') return undefined;
  return clean.startsWith('/') ? posix.normalize(clean.slice(1)) : posix.join(posix.dirname(fromFile), clean);
}

/** The local scripts and stylesheets an HTML page loads; with `preloads`, what it preloads too. */
export function htmlRefs(html: string, { preloads = true } = {}): string[] {
  const refs: string[] = [];
  for (const m of html.matchAll(/<script\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']/gi)) refs.push(m[1]!);
  for (const m of html.matchAll(/<link\b[^>]*>/gi)) {
    const tag = m[0];
    const rel = /\brel\s*=\s*["']([^"']+)["']/i.exec(tag)?.[1]?.toLowerCase() ?? '';
    const href = /\bhref\s*=\s*["']([^"']+)["']/i.exec(tag)?.[1];
    if (href && (preloads ? /\b(stylesheet|modulepreload|preload)\b/ : /\bstylesheet\b/).test(rel)) refs.push(href);
  }
  return refs;
}

/** Relative module specifiers a (minified) ES module imports statically: `from "…"` and `import "…"`. */
export function jsImports(code: string): string[] {
  const specs = new Set<string>();
  for (const re of [/\bfrom\s*["'](\.{0,2}\/[^"']+)["']/g, /\bimport\s*["'](\.{0,2}\/[^"']+)["']/g]) {
    for (const m of code.matchAll(re)) specs.add(m[1]!);
  }
  return [...specs];
}

/**
 * What a module may load later: `import("./x.js")`, and the files in Vite's preload list for
 * dynamic imports (`__vite__mapDeps`, paths relative to the extension root, made absolute here).
 */
export function jsDynamicImports(code: string): string[] {
  const specs = new Set<string>();
  for (const m of code.matchAll(/\bimport\s*\(\s*["'](\.{0,2}\/[^"']+)["']\s*\)/g)) specs.add(m[1]!);
  for (const list of code.matchAll(/\.f\s*\|\|\s*\(\s*\w+\.f\s*=\s*\[([^\]]*)\]/g)) {
    for (const m of list[1]!.matchAll(/["']([^"']+\.(?:m?js|css))["']/g)) specs.add(m[1]!.startsWith('.') ? m[1]! : `/${m[1]!}`);
  }
  return [...specs];
}

/** Local stylesheets a CSS file @imports. */
export function cssImports(css: string): string[] {
  return [...css.matchAll(/@import\s+(?:url\(\s*)?["']?([^"')\s;]+)["']?/gi)].map((m) => m[1]!);
}

type Edge = [from: string, ref: string];

/** Follows static edges from `start`; returns the files reached, and the dynamic edges seen on the way. */
function follow(dir: string, start: Edge[], seen: Set<string>): Edge[] {
  const queue = [...start];
  const dynamic: Edge[] = [];
  while (queue.length > 0) {
    const [from, ref] = queue.shift()!;
    const file = resolveRef(from, ref);
    if (file === undefined || seen.has(file)) continue;
    seen.add(file);
    if (/\.m?js$/.test(file)) {
      const code = readFileSync(join(dir, file), 'utf8');
      for (const spec of jsImports(code)) queue.push([file, spec]);
      for (const spec of jsDynamicImports(code)) dynamic.push([file, spec]);
    } else if (file.endsWith('.css')) {
      for (const spec of cssImports(readFileSync(join(dir, file), 'utf8'))) queue.push([file, spec]);
    }
  }
  return dynamic;
}

const isCode = (f: string) => /\.(m?js|css)$/.test(f);

/**
 * The JS and CSS files inside `dir` that `page` (e.g. "popup.html") loads when it opens (its scripts,
 * stylesheets and preloads, and what they import statically), and those it may load later (dynamic
 * imports: the popup's dialogs, after a click). The first paint waits for the page and its
 * stylesheets only: module scripts are deferred (the popup's first paint is the copy the worker
 * serves inside the page).
 */
export function pageFiles(dir: string, page: string): { firstPaint: string[]; eager: string[]; lazy: string[] } {
  const html = readFileSync(join(dir, page), 'utf8');
  // The first paint waits for the page's scripts and stylesheets, not for what it only preloads.
  const scripts = htmlRefs(html, { preloads: false }).map((ref): Edge => [page, ref]);
  const painting = new Set<string>();
  follow(
    dir,
    scripts.filter(([, ref]) => ref.endsWith('.css')),
    painting,
  );
  const firstPaint = [...painting].filter(isCode);
  const eager = new Set<string>();
  let dynamic = follow(dir, [...scripts, ...htmlRefs(html).map((ref): Edge => [page, ref])], eager);
  const reached = new Set(eager);
  while (dynamic.length > 0) dynamic = follow(dir, dynamic, reached);
  // The page counts too: it carries the popup's styles (scripts/paint-first.ts).
  return {
    firstPaint: [page, ...firstPaint],
    eager: [page, ...[...eager].filter(isCode)],
    lazy: [...reached].filter((f) => !eager.has(f) && isCode(f)),
  };
}

function walk(dir: string, root = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    return entry.isDirectory() ? walk(full, root) : [relative(root, full).split(/[\\/]/).join('/')];
  });
}

export function measureSizes(dir: string = resolve('.output/chrome-mv3'), page = 'popup.html'): SizeReport {
  const files = pageFiles(dir, page);
  const firstPaint = files.firstPaint.map((f) => fileSize(dir, f)).sort(bySizeDesc);
  const popup = files.eager.map((f) => fileSize(dir, f)).sort(bySizeDesc);
  const popupLazy = files.lazy.map((f) => fileSize(dir, f)).sort(bySizeDesc);
  const allJs = walk(dir)
    .filter((f) => /\.m?js$/.test(f))
    .map((f) => fileSize(dir, f))
    .sort(bySizeDesc);
  return {
    dir,
    firstPaint,
    firstPaintGzipBytes: sum(firstPaint),
    popup,
    popupGzipBytes: sum(popup),
    popupLazy,
    popupLazyGzipBytes: sum(popupLazy),
    allJs,
    allJsGzipBytes: sum(allJs),
  };
}

export const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

/** A plain-text listing of the report, for logs. */
export function formatSizes(report: SizeReport): string {
  const rows = (files: FileSize[]) =>
    files.map((f) => `    ${kB(f.gzipBytes).padStart(9)} gz  ${kB(f.bytes).padStart(9)} raw  ${f.file}`).join('\n');
  return [
    `  the popup's first paint waits for ${report.firstPaint.length} files, ${kB(report.firstPaintGzipBytes)} gzipped (budget ≤ ${kB(SIZE_BUDGETS.firstPaintGzipBytes)}):`,
    rows(report.firstPaint),
    `  popup.html loads ${report.popup.length} files when it opens, ${kB(report.popupGzipBytes)} gzipped (budget ≤ ${kB(SIZE_BUDGETS.popupGzipBytes)}):`,
    rows(report.popup),
    ...(report.popupLazy.length
      ? [
          `  …and may load ${report.popupLazy.length} more on demand (dynamic import), ${kB(report.popupLazyGzipBytes)} gzipped:`,
          rows(report.popupLazy),
        ]
      : []),
    `  all extension JS: ${report.allJs.length} files, ${kB(report.allJsGzipBytes)} gzipped (budget ≤ ${kB(SIZE_BUDGETS.allJsGzipBytes)}):`,
    rows(report.allJs),
  ].join('\n');
}
