/**
 * Popup opened → the signing key's row on screen, the way independent checks measure it: the
 * page's own clock (0 = navigation start), and an init script whose MutationObserver notes the
 * first moment a visible list item holding the key's name is in the DOM. The same observer times
 * a blank page of the same build (`<ul><li>name</li></ul>`): the least any extension page takes
 * here, so the popup's figure is a ratio to it, robust to machine noise.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import type { Extension, WorkerStopper } from './browser';
import { fmtRange, median, summarize } from './stats';

export const BLANK_PAGE = 'bench-blank.html';

/** Adds the blank page to a copy of the build (never to the shipped one). */
export function addBlankPage(buildDir: string, name: string): void {
  const text = name.replace(/[<>&]/g, '');
  writeFileSync(join(buildDir, BLANK_PAGE), `<!doctype html>\n<meta charset="utf-8">\n<ul><li>${text}</li></ul>\n`);
}

/**
 * Installs the observer in every page of the context; it looks for `name` in a visible <li>. A page
 * opened with `#fresh=<name>` is also watched for that name's live row (a key only Kalshi's fresh list
 * has; live: not inside an inert copy, with an enabled button).
 */
export async function observeListItem(context: BrowserContext, name: string): Promise<void> {
  await context.addInitScript({
    content: `(() => {
      const name = ${JSON.stringify(name)};
      const fresh = new URLSearchParams(location.hash.slice(1)).get('fresh');
      const seen = (text, live) => {
        for (const li of document.getElementsByTagName('li')) {
          if (!li.textContent.includes(text) || li.getClientRects().length === 0) continue;
          // Live: outside any inert copy, with a button that can be pressed.
          if (!live || (li.closest('[inert]') === null && li.querySelector('button:not([disabled])') !== null)) return true;
        }
        return false;
      };
      // Told through the console: the bench waits without evaluating anything in the page.
      const observer = new MutationObserver(() => {
        if (window.__kkmPainted === undefined && seen(name)) {
          window.__kkmPainted = performance.now();
          console.debug('kkm-painted ' + window.__kkmPainted);
        }
        if (fresh && window.__kkmFresh === undefined && seen(fresh, true)) {
          window.__kkmFresh = performance.now();
          console.debug('kkm-fresh ' + window.__kkmFresh);
        }
        if (window.__kkmPainted !== undefined && (!fresh || window.__kkmFresh !== undefined)) observer.disconnect();
      });
      observer.observe(document, { childList: true, subtree: true, characterData: true });
    })();`,
  });
}

/** The observer's mark `what` in `tab` (ms on the page's clock), told through its console. */
function mark(tab: Page, what: 'painted' | 'fresh'): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} mark in 30 s`)), 30_000);
    tab.on('console', (message) => {
      const [word, ms] = message.text().split(' ');
      if (word !== `kkm-${what}`) return;
      clearTimeout(timer);
      resolve(Number(ms));
    });
  });
}

/**
 * A new tab (about:blank, in a renderer process of its own) left to settle before it navigates.
 * Chromium starts that process, and a spare one, when the tab opens; measured at once, their start
 * ran on the same two cores as the page under test (a trace: other renderers busy 18 ms of a 31 ms
 * open, correlated 0.7 with the slow opens). A toolbar popup has no such tab. Settled 200 ms, the
 * blank page's interquartile range here went from 22–27 ms to 20–23 ms; both pages alike.
 */
export async function newSettledTab(ext: Extension): Promise<Page> {
  const tab = await ext.context.newPage();
  await tab.waitForTimeout(200);
  return tab;
}

/**
 * Opens `page` in a new 380×600 tab; ms from navigation start until the observed list item. The
 * tab closes at that moment: what the popup's app would do next (ask the worker, read Kalshi's list)
 * is not left to run into the next round's page. Nothing is evaluated in the page meanwhile.
 */
export async function timeListItem(ext: Extension, page: string): Promise<number> {
  const tab = await newSettledTab(ext);
  try {
    const painted = mark(tab, 'painted');
    await tab.goto(`${ext.origin}/${page}`, { waitUntil: 'commit' });
    return await painted;
  } finally {
    await tab.close();
  }
}

/** Opens the popup and leaves it open as a person looks at it: its app reads Kalshi's list and keeps its copy. */
export async function lookAtPopup(ext: Extension): Promise<void> {
  const tab = await ext.context.newPage();
  await tab.goto(`${ext.origin}/popup.html`);
  await tab.waitForTimeout(1_500);
  await tab.close();
}

/** Opens the popup watching for `freshName` too; ms from navigation start to the row, and to the fresh list. */
export async function timeFreshList(ext: Extension, freshName: string): Promise<{ painted: number; fresh: number }> {
  const tab = await newSettledTab(ext);
  try {
    const marks = Promise.all([mark(tab, 'painted'), mark(tab, 'fresh')]);
    await tab.goto(`${ext.origin}/popup.html#fresh=${encodeURIComponent(freshName)}`, { waitUntil: 'commit' });
    const [painted, fresh] = await marks;
    return { painted, fresh };
  } finally {
    await tab.close();
  }
}

/**
 * Ratios of this section: each open of a page ÷ the blank page's median in the same run. Here
 * consecutive opens are not correlated (r = −0.20 to 0.31 over 40 rounds of blank, popup, blank),
 * so pairing an open with the one blank open beside it cancels no machine drift; it only adds that
 * blank open's own spread, and a blank page then failed 1.3× against itself in two runs of three.
 * The blank page is opened before and after each popup, and both count: neither place is favoured.
 */
export const perOpen = (opens: readonly number[], blank: readonly number[]) => opens.map((ms) => ms / median(blank));

export interface PopupRounds {
  /** Per round: the blank page, the popup with the worker running, the blank page again. */
  before: number[];
  warm: number[];
  after: number[];
  /** Per round: the blank page, then the popup, each opened with the worker stopped (and seen stopped). */
  coldBlank: number[];
  cold: number[];
}

/** Every warm open of the blank page in `r`. */
export const warmBlank = (r: PopupRounds) => [...r.before, ...r.after];

/** One discarded popup, then warm rounds and (unless `cold: false`) cold rounds, each with the blank page. */
export async function popupRounds(
  ext: Extension,
  stopper: WorkerStopper,
  label: string,
  { runs = 15, coldRuns = 10, cold = true } = {},
): Promise<PopupRounds> {
  const r: PopupRounds = { before: [], warm: [], after: [], coldBlank: [], cold: [] };
  await lookAtPopup(ext); // discarded: the first load of the pages' code, a fresh list and its copy
  for (let i = 0; i < runs; i++) {
    r.before.push(await timeListItem(ext, BLANK_PAGE));
    r.warm.push(await timeListItem(ext, 'popup.html'));
    r.after.push(await timeListItem(ext, BLANK_PAGE));
  }
  // Cold: the worker stopped (and seen stopped) before each page, the blank page too. With nothing
  // of the extension running, Chromium starts its renderer process again for either page.
  for (let i = 0; cold && i < coldRuns; i++) {
    await stopper.stopAll();
    r.coldBlank.push(await timeListItem(ext, BLANK_PAGE));
    await stopper.stopAll();
    r.cold.push(await timeListItem(ext, 'popup.html'));
  }
  const line = (what: string, xs: number[]) => `${what} ${fmtRange(summarize(xs), ' ms')}`;
  const lines = [line('blank', warmBlank(r)), line('popup warm', r.warm)];
  if (cold) lines.push(line('blank', r.coldBlank), line('popup cold', r.cold));
  console.log(`  ${label}: ${lines.join('; ')}`);
  return r;
}
