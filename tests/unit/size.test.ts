import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gzipSize, jsDynamicImports, jsImports, measureSizes, pageFiles } from '../../bench/size';

// bench/size.ts follows what popup.html loads; checked here on a small made-up build.
const dir = mkdtempSync(join(tmpdir(), 'kkm-size-'));
const files: Record<string, string> = {
  'popup.html': `<!doctype html><html><head>
    <script type="module" crossorigin src="/chunks/popup-1.js"></script>
    <link rel="modulepreload" crossorigin href="/chunks/shared-2.js">
    <link rel="modulepreload" crossorigin href="/chunks/app-11.js">
    <link rel="stylesheet" crossorigin href="/assets/popup-3.css">
    <link rel="icon" href="/icon.png">
    <script src="https://example.com/never.js"></script>
  </head><body></body></html>`,
  // The entry imports the app dynamically, and the page preloads it: loaded at open.
  'chunks/popup-1.js': 'import{a as b}from"./shared-2.js";import"./side-4.js";import("./app-11.js").then(b);',
  // Preloaded by the page, the app is not part of the first paint; what it imports on demand stays lazy.
  'chunks/app-11.js': 'import{a}from"./shared-2.js";export const app=a;const later=()=>import("./lazy-5.js");',
  'chunks/shared-2.js': 'export{x as a}from"../lib/deep-6.js";',
  'chunks/side-4.js':
    'const __vite__mapDeps=(i,m=__vite__mapDeps,d=(m.f||(m.f=["chunks/lazy-5.js","assets/lazy-9.css","chunks/shared-2.js"])))=>i.map(i=>d[i]);' +
    'console.log("side effect");const l=()=>import("./lazy-5.js");console.log(l);',
  'chunks/lazy-5.js': 'import{d}from"./lazy-dep-10.js";import{a}from"./shared-2.js";export const lazy=d+a;',
  'chunks/lazy-dep-10.js': 'export const d=1;',
  'assets/lazy-9.css': '.lazy{color:blue}',
  'lib/deep-6.js': 'export const x=()=>"import \\"not a module\\"";',
  'assets/popup-3.css': '@import "./base-7.css";body{color:red}',
  'assets/base-7.css': 'html{margin:0}',
  'background.js': 'self.addEventListener("install",()=>{});',
  'chunks/options-8.js': 'export const options=1;',
  'icon.png': 'PNG',
};
for (const [name, text] of Object.entries(files)) {
  mkdirSync(dirname(join(dir, name)), { recursive: true });
  writeFileSync(join(dir, name), text);
}
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench/size', () => {
  it('follows popup.html through script and link tags, static and side-effect imports, and CSS @import', () => {
    const { firstPaint, eager, lazy } = pageFiles(dir, 'popup.html');
    const staticGraph = [
      'popup.html',
      'assets/base-7.css',
      'assets/popup-3.css',
      'chunks/popup-1.js',
      'chunks/shared-2.js',
      'chunks/side-4.js',
      'lib/deep-6.js',
    ];
    // The first paint waits for the page and its stylesheets: module scripts are deferred.
    expect(firstPaint.sort()).toEqual(['popup.html', 'assets/base-7.css', 'assets/popup-3.css'].sort());
    // The entry's own import() runs as it starts: loaded at open, after the first paint.
    expect(eager.sort()).toEqual([...staticGraph, 'chunks/app-11.js'].sort());
    // Reached only through import() and Vite's preload list: loaded on demand, counted apart.
    expect(lazy.sort()).toEqual(['assets/lazy-9.css', 'chunks/lazy-5.js', 'chunks/lazy-dep-10.js']);
  });

  it('reads only relative module specifiers, static apart from dynamic', () => {
    const code = 'import{h}from"preact";import"./a.js";export*from"../b.js";import("/c.js")';
    expect(jsImports(code).sort()).toEqual(['../b.js', './a.js']);
    expect(jsDynamicImports(code)).toEqual(['/c.js']);
  });

  it('sums each file gzipped on its own; all JS counts every .js file', () => {
    const report = measureSizes(dir);
    expect(report.allJs.map((f) => f.file).sort()).toEqual([
      'background.js',
      'chunks/app-11.js',
      'chunks/lazy-5.js',
      'chunks/lazy-dep-10.js',
      'chunks/options-8.js',
      'chunks/popup-1.js',
      'chunks/shared-2.js',
      'chunks/side-4.js',
      'lib/deep-6.js',
    ]);
    expect(report.firstPaintGzipBytes).toBe(report.firstPaint.reduce((n, f) => n + gzipSize(files[f.file]!), 0));
    expect(report.popupGzipBytes).toBe(report.popup.reduce((n, f) => n + gzipSize(files[f.file]!), 0));
    expect(report.popupLazyGzipBytes).toBe(report.popupLazy.reduce((n, f) => n + gzipSize(files[f.file]!), 0));
    expect(report.allJsGzipBytes).toBe(report.allJs.reduce((n, f) => n + f.gzipBytes, 0));
  });
});
