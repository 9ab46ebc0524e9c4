/**
 * Popup opened → Kalshi's current list on screen and live: what the user waits for. Before each
 * open the exchange lists a key made elsewhere (as on kalshi.com), so only a list read after the
 * click can show it; the clock (the page's own, 0 = navigation start) stops when that key's row is
 * visible, outside any inert copy, with an enabled button in it. Every request to the exchange is
 * answered `awayMs` late, as over a real network. The limit beside each figure is what no popup can
 * beat: the blank page of the same build opened the same way, plus one signed GET of the list from
 * Node (keep-alive, the key parsed once), measured in the same rounds.
 */
import type { SeededKey } from '../exchange/types';
import type { Extension, WorkerStopper } from './browser';
import { newSettledTab, timeListItem, BLANK_PAGE } from './popup-paint';
import { fmtRange, median, summarize } from './stats';

export interface LiveRounds {
  /** The live list, per open. */
  live: number[];
  /** The first paint (the signing key's row, the last screen) in the same opens. */
  painted: number[];
  /** The blank page, opened before and after each popup (warm) or stopped before it (cold). */
  blank: number[];
  /** The blank page after each popup ÷ the one before it: the method's own spread (warm only). */
  blankAgain: number[];
  /** One signed GET /api_keys from Node, per round. */
  request: number[];
}

export interface LiveSetup {
  ext: Extension;
  exchange: { port: number; ca: string; seedAccount(ref: 'demo', opts: { name: string; keyType: 'ed25519' }): SeededKey };
  deleteKey(keyId: string): void;
  /** One signed GET /api_keys from Node, ms. */
  nodeList(): Promise<number>;
}

let made = 0;

/** Opens the popup after the exchange made a key; ms from navigation start to the first paint and to that key's live row. */
async function timeLiveList(s: LiveSetup): Promise<{ painted: number; live: number }> {
  const name = `live ${1000 + made++}`; // names of one length: none is part of another
  const tab = await newSettledTab(s.ext);
  const key = s.exchange.seedAccount('demo', { name, keyType: 'ed25519' });
  try {
    let painted = NaN;
    const live = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no live row for ${name} in 30 s`)), 30_000);
      tab.on('console', (message) => {
        const [word, ms] = message.text().split(' ');
        if (word === 'kkm-painted') painted = Number(ms);
        if (word !== 'kkm-fresh') return;
        clearTimeout(timer);
        resolve(Number(ms));
      });
    });
    await tab.goto(`${s.ext.origin}/popup.html#fresh=${encodeURIComponent(name)}`, { waitUntil: 'commit' });
    return { live: await live, painted };
  } finally {
    await tab.close();
    s.deleteKey(key.keyId); // the next open starts from the same account
  }
}

/**
 * `runs` rounds in a fixed order. Warm: blank, Node's GET, the popup, blank again. Cold: the
 * worker stopped before the blank page and again before the popup (as 4b), then Node's GET.
 */
export async function liveRounds(
  s: LiveSetup,
  stopper: WorkerStopper,
  label: string,
  mode: 'warm' | 'cold',
  runs: number,
): Promise<LiveRounds> {
  const r: LiveRounds = { live: [], painted: [], blank: [], blankAgain: [], request: [] };
  await s.nodeList(); // the connection opened, as the worker's is
  for (let i = 0; i < runs; i++) {
    if (mode === 'cold') await stopper.stopAll();
    const before = await timeListItem(s.ext, BLANK_PAGE);
    r.blank.push(before);
    r.request.push(await s.nodeList());
    if (mode === 'cold') await stopper.stopAll();
    const open = await timeLiveList(s);
    r.live.push(open.live);
    r.painted.push(open.painted);
    if (mode === 'warm') {
      const after = await timeListItem(s.ext, BLANK_PAGE);
      r.blank.push(after);
      r.blankAgain.push(after / before);
    }
  }
  console.log(
    `  ${label}: live list ${fmtRange(summarize(r.live), ' ms')}; blank ${fmtRange(summarize(r.blank), ' ms')}; one signed GET ${fmtRange(summarize(r.request), ' ms')}`,
  );
  return r;
}

/** The least a popup can take in these rounds: the blank page's median + one signed GET's median. */
export const limitOf = (r: LiveRounds) => median(r.blank) + median(r.request);

/** Each open ÷ the limit. */
export const perLimit = (r: LiveRounds) => r.live.map((ms) => ms / limitOf(r));
