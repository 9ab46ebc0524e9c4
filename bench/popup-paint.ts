/**
 * Popup opened → the signing key's row on screen, the way independent checks measure it: the
 * page's own clock (0 = navigation start), and an init script whose MutationObserver notes the
 * first moment a visible list item holding the key's name is in the DOM. The same observer times
 * a blank page of the same build (`<ul><li>name</li></ul>`): the least any extension page takes
 * here, so the popup's figure is a ratio to it, robust to machine noise.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from '@playwright/test';
import type { Extension, WorkerStopper } from './browser';
import { fmtRange, summarize } from './stats';

export const BLANK_PAGE = 'bench-blank.html';

/** Adds the blank page to a copy of the build (never to the shipped one). */
export function addBlankPage(buildDir: string, name: string): void {
  const text = name.replace(/[<>&]/g, '');
  writeFileSync(join(buildDir, BLANK_PAGE), `<!doctype html>\n<meta charset="utf-8">\n<ul><li>${text}</li></ul>\n`);
}

/**
 * Installs the observer in every page of the context; it looks for `name` in a visible <li>. A page
 * opened with `#fresh=<name>` is also watched for that name (a key only Kalshi's fresh list has).
 */
export async function observeListItem(context: BrowserContext, name: string): Promise<void> {
  await context.addInitScript({
    content: `(() => {
      const name = ${JSON.stringify(name)};
      const fresh = new URLSearchParams(location.hash.slice(1)).get('fresh');
      const seen = (text) => {
        for (const li of document.getElementsByTagName('li')) {
          if (li.textContent.includes(text) && li.getClientRects().length > 0) return true;
        }
        return false;
      };
      const observer = new MutationObserver(() => {
        if (window.__kkmPainted === undefined && seen(name)) window.__kkmPainted = performance.now();
        if (fresh && window.__kkmFresh === undefined && seen(fresh)) window.__kkmFresh = performance.now();
        if (window.__kkmPainted !== undefined && (!fresh || window.__kkmFresh !== undefined)) observer.disconnect();
      });
      observer.observe(document, { childList: true, subtree: true, characterData: true });
    })();`,
  });
}

/** Opens `page` in a new 380×600 tab; ms from navigation start until the observed list item. */
export async function timeListItem(ext: Extension, page: string): Promise<number> {
  const tab = await ext.context.newPage();
  try {
    await tab.goto(`${ext.origin}/${page}`);
    await tab.waitForFunction(() => (window as { __kkmPainted?: number }).__kkmPainted !== undefined, null, {
      polling: 10,
      timeout: 30_000,
    });
    return await tab.evaluate(() => (window as unknown as { __kkmPainted: number }).__kkmPainted);
  } finally {
    await tab.close();
  }
}

/** Opens the popup watching for `freshName` too; ms from navigation start to the row, and to the fresh list. */
export async function timeFreshList(ext: Extension, freshName: string): Promise<{ painted: number; fresh: number }> {
  const tab = await ext.context.newPage();
  try {
    await tab.goto(`${ext.origin}/popup.html#fresh=${encodeURIComponent(freshName)}`);
    await tab.waitForFunction(() => (window as { __kkmFresh?: number }).__kkmFresh !== undefined, null, { polling: 10, timeout: 30_000 });
    return await tab.evaluate(() => {
      const w = window as unknown as { __kkmPainted: number; __kkmFresh: number };
      return { painted: w.__kkmPainted, fresh: w.__kkmFresh };
    });
  } finally {
    await tab.close();
  }
}

export interface PopupRounds {
  /** Per round: the blank page, then the popup with the worker running. */
  blank: number[];
  warm: number[];
  warmRatios: number[];
  /** Per round: the blank page, then the popup, each opened with the worker stopped (and seen stopped). */
  coldBlank: number[];
  cold: number[];
  coldRatios: number[];
}

/** One discarded popup, then warm rounds and (unless `cold: false`) cold rounds, each paired with a blank page. */
export async function popupRounds(
  ext: Extension,
  stopper: WorkerStopper,
  label: string,
  { runs = 15, coldRuns = 10, cold = true } = {},
): Promise<PopupRounds> {
  const r: PopupRounds = { blank: [], warm: [], warmRatios: [], coldBlank: [], cold: [], coldRatios: [] };
  await timeListItem(ext, 'popup.html'); // discarded: the first load of the pages' code, and a fresh list
  for (let i = 0; i < runs; i++) {
    const blank = await timeListItem(ext, BLANK_PAGE);
    const warm = await timeListItem(ext, 'popup.html');
    r.blank.push(blank);
    r.warm.push(warm);
    r.warmRatios.push(warm / blank);
  }
  // Cold: the worker stopped (and seen stopped) before each page, the blank page too. With nothing
  // of the extension running, Chromium starts its renderer process again for either page.
  for (let i = 0; cold && i < coldRuns; i++) {
    await stopper.stopAll();
    const blank = await timeListItem(ext, BLANK_PAGE);
    await stopper.stopAll();
    const popup = await timeListItem(ext, 'popup.html');
    r.coldBlank.push(blank);
    r.cold.push(popup);
    r.coldRatios.push(popup / blank);
  }
  const line = (what: string, xs: number[]) => `${what} ${fmtRange(summarize(xs), ' ms')}`;
  console.log(
    `  ${label}: ${[line('blank', r.blank), line('popup warm', r.warm), ...(cold ? [line('blank', r.coldBlank), line('popup cold', r.cold)] : [])].join('; ')}`,
  );
  return r;
}
