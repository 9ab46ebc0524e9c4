/**
 * `npm run bench`: speed and size of the built extension against its budgets, measured
 * in one run on this machine, on a fresh build of the sources.
 *
 * Ratios are medians of per-round ratios, the rounds alternating between the two sides on
 * the same machine: they mean more than the absolute rates, which vary with the CPU and load.
 * The popup's opens (4, 8) are each divided by the blank page's median instead (perOpen: why).
 * Exit code 1 when a budget fails. No test asserts timings (machines are noisy):
 * tests/e2e/size.spec.ts checks only the sizes, which are deterministic, and the hostile-text
 * parse times the unit tests once asserted are measured here (7.). The local agent (12.,
 * bench/agent.ts) runs in a browser of its own, the built agent as its native host.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { API_PREFIX } from '../exchange/client';
import { startExchange } from '../exchange/server';
import { EXTENSION_DIR } from '../scripts/chromium';
import {
  WorkerStopper,
  importKey,
  importWorkerKeys,
  launchExtension,
  startLatencyProbe,
  stopLatencyProbe,
  workerKeygenTimes,
  workerSignRate,
} from './browser';
import { messageTimes, nodeRequester, nodeRequestTimes, workerListMs } from './round-trip';
import { measureAgent } from './agent';
import { limitOf, liveRounds, perLimit, type LiveRounds, type LiveSetup } from './live-list';
import { HOSTILE_PARSE_BUDGET_MS, hostileParseTimes } from './hostile-text';
import { cpuAndOpenssl, nodeRateInChild, ourSigner, rate, sdkStyleSigner } from './node-sign';
import { SIZE_BUDGETS, formatSizes, gzipSize, kB, measureSizes } from './size';
import { blankSpread, fmt, fmtRange, leastSquares, median, quantile, summarize, type Summary } from './stats';
import { BLANK_PAGE, addBlankPage, observeListItem, perOpen, popupRounds, warmBlank } from './popup-paint';

const ROUNDS = 9;
/** Popup runs as the method sets them: warm after one discarded, cold after a stopped worker, and the blank page. */
const POPUP = { warm: 15, cold: 10 };
/** Live-list rounds (11): warm and 300 keys, cold. */
const LIVE = { warm: 15, cold: 10 };
/** 8x: at most 20 ms more for 1,000 keys, about a frame: the list must not be what a big account waits for. */
const PER_KEY_BUDGET_MS = 0.02;
/** Kalshi's distance in 11: about a round trip from a trader's desk over the internet. */
const KALSHI_AWAY_MS = 100;
const SIGNING_KEY_NAME = 'bench';
const N = { requests: 40, rsa: 300, sdk: 150, ed: 3000, rsaKeygen: 10, edKeygen: 30, rsaKeygenUnderProbe: 8 };

interface Row {
  what: string;
  figure: string;
  spread: string;
  budget: string;
  pass: boolean | null; // null: reported only
}
const rows: Row[] = [];
/** BENCH_ONLY=popup (or sign, sizes, hostile, keygen, request, agent; comma-separated) runs only those sections. */
const only = process.env.BENCH_ONLY?.split(',');
const runs = (section: string) => !only || only.includes(section);
const log = (line = '') => console.log(line);
/**
 * The figure is the median of per-round ratios (rounds alternate, so each ratio sees one machine
 * state). A pass needs the quartile on the budget's side to clear it, not only the median: the
 * lower quartile for a floor (≥), the upper quartile for a ceiling (≤).
 */
const ratioRow = (what: string, ratios: number[], num: Summary, den: Summary, budget: number, unit = '/s', side: '≥' | '≤' = '≥') => {
  const r = median(ratios);
  const quartile = side === '≥' ? quantile(ratios, 0.25) : quantile(ratios, 0.75);
  rows.push({
    what,
    figure: `${fmt(r)}×`,
    spread: `${side === '≥' ? 'lower' : 'upper'} quartile ${fmt(quartile)}×, rounds ${fmt(Math.min(...ratios))}–${fmt(Math.max(...ratios))}×`,
    budget: `${side} ${budget}×`,
    pass: side === '≥' ? quartile >= budget : quartile <= budget,
  });
  log(`  ${what}: ${fmt(r)}×  (${fmtRange(num, unit)} ÷ ${fmtRange(den, unit)}; ratios ${ratios.map(fmt).join(' ')})`);
};
const msRow = (what: string, s: Summary, budgetMs: number | null) =>
  rows.push({
    what,
    figure: `${fmt(s.median)} ms`,
    spread: `p10–p90 ${fmt(s.p10)}–${fmt(s.p90)}, min–max ${fmt(s.min)}–${fmt(s.max)} (n=${s.n})`,
    budget: budgetMs === null ? 'reported' : `≤ ${budgetMs} ms`,
    pass: budgetMs === null ? null : s.median <= budgetMs,
  });

// ---- The build --------------------------------------------------------------------------

// Always measure the sources as they are now: a build left from an older commit would mislead.
log('Building the extension (`npx wxt build`)…');
execFileSync('npx', ['wxt', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
// Measure a snapshot: a `wxt build` elsewhere (npm run test:e2e) empties .output while it runs.
const BUILD = mkdtempSync(join(tmpdir(), 'kkm-bench-build-'));
cpSync(EXTENSION_DIR, BUILD, { recursive: true });
process.on('exit', () => rmSync(BUILD, { recursive: true, force: true }));
addBlankPage(BUILD, SIGNING_KEY_NAME);

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
log(
  `Benchmarking a copy of ${EXTENSION_DIR}: ${availableParallelism()} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, load average ${load()}`,
);
if (loadavg()[0]! > availableParallelism() / 2) log('  (the machine is busy: expect wide spreads; rerun when it is idle)');

// ---- 5. Sizes ---------------------------------------------------------------------------
if (runs('sizes')) {
  const sizes = measureSizes(BUILD);
  log('\n5. Size (each file gzipped, level 9; 1 kB = 1000 B)');
  log(formatSizes(sizes));
  rows.push({
    what: '5a. popup first paint (page with its styles, entry), gzipped',
    figure: kB(sizes.firstPaintGzipBytes),
    spread: `${sizes.firstPaint.length} files`,
    budget: `≤ ${kB(SIZE_BUDGETS.firstPaintGzipBytes)}`,
    pass: sizes.firstPaintGzipBytes <= SIZE_BUDGETS.firstPaintGzipBytes,
  });
  rows.push({
    what: '5a. popup at open (page and JS, the app included), gzipped',
    figure: kB(sizes.popupGzipBytes),
    spread: `${sizes.popup.length} files`,
    budget: `≤ ${kB(SIZE_BUDGETS.popupGzipBytes)}`,
    pass: sizes.popupGzipBytes <= SIZE_BUDGETS.popupGzipBytes,
  });
  const locale = readFileSync(join(BUILD, '_locales/en/messages.json'));
  rows.push({
    what: '5c. the words (_locales/en/messages.json), gzipped',
    figure: kB(gzipSize(locale)),
    spread: `${kB(locale.length)} raw; read by the browser, not loaded as script`,
    budget: 'reported',
    pass: null,
  });
  rows.push({
    what: '5b. all extension JS, gzipped',
    figure: kB(sizes.allJsGzipBytes),
    spread: `${sizes.allJs.length} files`,
    budget: `≤ ${kB(SIZE_BUDGETS.allJsGzipBytes)}`,
    pass: sizes.allJsGzipBytes <= SIZE_BUDGETS.allJsGzipBytes,
  });
}
// ---- 7. Hostile key text (Node, before the browser starts) ---------------------------------
if (runs('hostile')) {
  log('\n7. Hostile key text into the PEM parser (runs built to make a regex backtrack); slowest input per round');
  const hostile = hostileParseTimes(ROUNDS);
  for (const [what, s] of hostile.perInput) log(`  ${what}: ${fmtRange(s, ' ms')}`);
  msRow('7. slowest hostile key text → refused (Node)', hostile.slowest, HOSTILE_PARSE_BUDGET_MS);
}
// ---- Keys: one RSA key for every RSA figure, as Kalshi hands it out (PKCS#1 PEM) -------

const exchange = await startExchange({ port: 0 });
const account = exchange.seedAccount('demo', { name: SIGNING_KEY_NAME });
const rsaPem = account.privateKeyPem;
const rsaPkcs8 = createPrivateKey(rsaPem).export({ type: 'pkcs8', format: 'der' }).toString('base64');
const edPkcs8 = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');

let exitCode = 0;

// ---- 12. The local agent: the built extension signing for bots, in a browser of its own ------
if (runs('agent')) {
  log(
    '\n12. A bot through the local agent (the built extension in Chromium signing over native messaging, the built agent forwarding over TLS)',
  );
  // An Ed25519 key in an account of its own: the popup's sections count the bench account's keys.
  const ed = exchange.seedAccount('demo', { account: 'bots', name: 'bench ed25519', keyType: 'ed25519' });
  const pkcs8 = (pem: string) => createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' }).toString('base64');
  try {
    const { latency, throughput } = await measureAgent(
      BUILD,
      exchange,
      { 'RSA-PSS': { keyId: account.keyId, pem: rsaPem }, Ed25519: { keyId: ed.keyId, pem: ed.privateKeyPem } },
      { 'RSA-PSS': rsaPkcs8, Ed25519: pkcs8(ed.privateKeyPem) },
      log,
    );
    const [agentMs, directMs] = [latency.agent.flat(), latency.direct.flat()];
    for (const [q, name, budget] of [
      [0.5, 'p50', 1],
      [0.99, 'p99', 5],
    ] as const) {
      const [a, d] = [quantile(agentMs, q), quantile(directMs, q)];
      const rounds = latency.agent.map((times, r) => quantile(times, q) - quantile(latency.direct[r]!, q));
      log(`  ${name}: through the agent ${fmt(a)} ms, the SDK signing itself ${fmt(d)} ms (${agentMs.length} requests each)`);
      rows.push({
        what: `12${q === 0.5 ? 'a' : 'b'}. agent's added latency, ${name}: through the agent − SDK signing itself (both to the exchange)`,
        figure: `${fmt(a - d)} ms`,
        spread: `${name} ${fmt(a)} − ${fmt(d)} ms; rounds of ${latency.agent[0]!.length}: ${fmt(Math.min(...rounds))} to ${fmt(Math.max(...rounds))} ms`,
        budget: `≤ ${budget} ms`,
        pass: a - d <= budget,
      });
    }
    for (const [alg, name, budget] of [
      ['RSA-PSS', '12c. agent throughput, RSA-2048', 1_000],
      ['Ed25519', '12d. agent throughput, Ed25519', 10_000],
    ] as const) {
      const t = throughput[alg];
      const limit = median(t.limit);
      rows.push({
        what: `${name} (64 bots; upstream answers 200 unverified)`,
        figure: `${fmt(t.perSecond)}/s`,
        spread: `${fmt(t.perSecond / limit)}× the worker's signing (${t.limit.map(fmt).join(', ')}/s); ${t.refused} not 200; upstream TLS connections: ${t.connections[0]} in the warm-up, ${t.connections[1]} new while measured`,
        budget: `≥ ${budget.toLocaleString('en-US')}/s`,
        pass: t.perSecond >= budget,
      });
    }
  } catch (error) {
    exitCode = 2;
    console.error(error);
  }
}

const ext = await launchExtension(BUILD, exchange.port);
const { worker } = ext;
await importKey(ext, account.keyId, rsaPem);
await observeListItem(ext.context, SIGNING_KEY_NAME);
try {
  // ---- 4. Popup opened → signing key on screen, ÷ a blank page of the same build --------------
  // Before the signing and key-generation sections: on a browser as idle as a trader's.
  if (runs('popup')) {
    log(
      `\n4. Popup (popup.html in a 380×600 tab) opened → the first paint: the signing key's row on screen (the last screen), ÷ a blank extension page (${BLANK_PAGE}) observed the same way`,
    );
    const stopper = await WorkerStopper.open(ext);
    const one = await popupRounds(ext, stopper, 'one key', { runs: POPUP.warm, coldRuns: POPUP.cold });
    const oneKeyWarm = perOpen(one.warm, warmBlank(one));
    // The first paint (the last screen, a picture) is reported; the live list (11) is what is gated.
    const reported = () => Object.assign(rows.at(-1)!, { budget: 'reported', pass: null });
    ratioRow(
      '4a. first paint ÷ blank page, worker warm (1 key)',
      oneKeyWarm,
      summarize(one.warm),
      summarize(warmBlank(one)),
      1.3,
      ' ms',
      '≤',
    );
    reported();
    ratioRow(
      '4b. first paint ÷ blank page, worker cold (1 key)',
      perOpen(one.cold, one.coldBlank),
      summarize(one.cold),
      summarize(one.coldBlank),
      1.6,
      ' ms',
      '≤',
    );
    reported();
    // The method's own spread: the blank page after each popup, measured as 4a measures the popup
    // against the blank page before it.
    const again = perOpen(one.after, one.before);
    rows.push({
      what: '4c. (context) blank page after the popup ÷ before it, warm',
      figure: `${fmt(median(again))}×`,
      spread: `upper quartile ${fmt(quantile(again, 0.75))}×, rounds ${fmt(Math.min(...again))}–${fmt(Math.max(...again))}×`,
      budget: 'reported',
      pass: null,
    });
    log(`  4c. blank after ÷ blank before: ratios ${again.map(fmt).join(' ')}`);

    // ---- 11. The live list: what the user waits for ----------------------------------------------
    // In a fixed order on the same browser: warm, cold, then 300 keys (live-list.ts: the method).
    log(
      `\n11. Popup opened → Kalshi's current list on screen and live (a key made just before each open), Kalshi ${KALSHI_AWAY_MS} ms away, ÷ (blank page + one signed GET /api_keys from Node)`,
    );
    const requester = nodeRequester(exchange, account.keyId, rsaPem, '/api_keys');
    const setup: LiveSetup = {
      ext,
      exchange,
      deleteKey: (keyId) => void exchange.deleteKeyOutOfBand('demo', keyId),
      nodeList: () => requester.time(),
    };
    const everyRequest = ['GET', 'POST', 'DELETE'].map((method) => ({ method, path: `${API_PREFIX}/*` }));
    /** Runs `work` with every request to the exchange answered KALSHI_AWAY_MS late. */
    const far = async <T>(work: () => Promise<T>): Promise<T> => {
      for (const match of everyRequest) exchange.faultMode(match, { delayAfterMs: KALSHI_AWAY_MS });
      try {
        return await work();
      } finally {
        for (const match of everyRequest) exchange.faultMode(match, null);
      }
    };
    const liveRow = (what: string, r: LiveRounds, budget: number) => {
      const ratios = perLimit(r);
      const limits = r.blank.map((b, i) => b + r.request[i % r.request.length]!);
      ratioRow(what, ratios, summarize(r.live), summarize(limits), budget, ' ms', '≤');
      rows.at(-1)!.spread +=
        `; limit ${fmt(limitOf(r))} ms = blank ${fmt(median(r.blank))} + GET ${fmt(median(r.request))}; ${blankSpread(r.blank)}`;
      return ratios;
    };
    // The worker's list (Kalshi's list + reconciliation) at each size, Kalshi near: its cost per key (8x).
    const listTimes = new Map<number, number>();
    let count = 1;
    const growTo = async (target: number) => {
      for (; count < target; count++) exchange.seedAccount('demo', { name: `bot ${count}`, keyType: 'ed25519' });
      listTimes.set(target, await workerListMs(ext));
    };
    try {
      await growTo(1);
      const warm = await far(() => liveRounds(setup, stopper, 'warm, 1 key', 'warm', LIVE.warm));
      const oneKey = liveRow('11a. live list ÷ limit, worker warm (1 key)', warm, 1.15);
      // The first paint in those opens, as a user has it: Kalshi away, its answer after the paint.
      const awayPaint = perOpen(warm.painted, warm.blank);
      rows.push({
        what: `11e. (context) first paint ÷ blank page, warm, Kalshi ${KALSHI_AWAY_MS} ms away (the opens of 11a)`,
        figure: `${fmt(median(awayPaint))}×`,
        spread: `upper quartile ${fmt(quantile(awayPaint, 0.75))}×; ${fmt(median(warm.painted))} ÷ ${fmt(median(warm.blank))} ms`,
        budget: 'reported',
        pass: null,
      });
      const cold = await far(() => liveRounds(setup, stopper, 'cold, 1 key', 'cold', LIVE.cold));
      liveRow('11b. live list ÷ limit, worker cold (1 key)', cold, 1.5);
      await growTo(100);
      await growTo(300);
      const many = await far(() => liveRounds(setup, stopper, 'warm, 300 keys', 'warm', LIVE.warm));
      const manyRatios = liveRow('11c. live list ÷ limit, worker warm (300 keys)', many, 1.15);
      ratioRow(
        '11d. live list with 300 keys ÷ with 1 key (each ÷ its limit)',
        manyRatios.map((r) => r / median(oneKey)),
        summarize(many.live),
        summarize(warm.live),
        1.1,
        ' ms',
        '≤',
      );
      await growTo(1000);
    } finally {
      requester.close();
    }
    await stopper.close();

    // ---- 8. The worker's list and reconciliation: a cost per key ----------------------------------
    log(
      "\n8. The worker's listApiKeys (Kalshi's list + reconciliation; the keys beyond the first are Ed25519 bot keys, listed by Kalshi, not held here)",
    );
    for (const [n, ms] of listTimes) log(`  ${n} key(s): ${fmt(ms)} ms`);
    const { slope, intercept } = leastSquares([...listTimes]);
    rows.push({
      what: '8x. worker list + reconcile: ms per key (least squares, 1 to 1,000 keys)',
      figure: `${fmt(slope)} ms`,
      spread: `fixed ${fmt(intercept)} ms; ${[...listTimes].map(([n, ms]) => `${n}: ${fmt(ms)} ms`).join(', ')}`,
      budget: `≤ ${PER_KEY_BUDGET_MS} ms`,
      pass: slope <= PER_KEY_BUDGET_MS,
    });
  }
  // ---- 9. One signed request end to end ------------------------------------------------------
  if (runs('request')) {
    log(
      '\n9. One signed request end to end, warm: Test key (page → worker → sign → fetch → store → reply) vs Node sign + fetch (keep-alive)',
    );
    const testKey = { environment: 'demo', keyId: account.keyId };
    await messageTimes(ext, 'testKey', testKey, 10);
    await nodeRequestTimes(exchange, account.keyId, rsaPem, 10);
    const viaExt: number[] = [];
    const viaNode: number[] = [];
    const p50Rounds: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const e = await messageTimes(ext, 'testKey', testKey, N.requests);
      const n = await nodeRequestTimes(exchange, account.keyId, rsaPem, N.requests);
      viaExt.push(...e);
      viaNode.push(...n);
      p50Rounds.push(median(e) / median(n));
    }
    const tail = quantile(viaExt, 0.99) / quantile(viaNode, 0.99);
    log(
      `  extension p50 ${fmt(median(viaExt))} ms, p99 ${fmt(quantile(viaExt, 0.99))} ms; Node p50 ${fmt(median(viaNode))} ms, p99 ${fmt(quantile(viaNode, 0.99))} ms (${viaExt.length} requests each)`,
    );
    const p50 = median(p50Rounds);
    rows.push({
      what: '9a. signed request: extension ÷ Node, p50',
      figure: `${fmt(p50)}×`,
      spread: `p50 ${fmt(median(viaExt))} ÷ ${fmt(median(viaNode))} ms; rounds ${fmt(Math.min(...p50Rounds))}–${fmt(Math.max(...p50Rounds))}×`,
      budget: 'reported',
      pass: null,
    });
    rows.push({
      what: '9b. signed request: extension ÷ Node, p99',
      figure: `${fmt(tail)}×`,
      spread: `p99 ${fmt(quantile(viaExt, 0.99))} ÷ ${fmt(quantile(viaNode, 0.99))} ms`,
      budget: 'reported',
      pass: null,
    });
  }
  // ---- 3. Our signer vs the SDK's approach, under Node ------------------------------------
  if (runs('sign')) {
    // Chromium is up (idle) for every Node figure, so all of them see the same machine.
    log('\n3. RSA-2048 PSS under Node: our signer (CryptoKey imported once) vs kalshi-typescript style (PEM parsed per call)');
    const ours = await ourSigner(account.keyId, rsaPem);
    const sdk = sdkStyleSigner(account.keyId, rsaPem);
    await rate(50, ours);
    await rate(30, sdk);
    const oursRates: number[] = [];
    const sdkRates: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // alternate the order so drift in machine load hits both alike
      if (r % 2 === 0) {
        oursRates.push(await rate(N.rsa, ours));
        sdkRates.push(await rate(N.sdk, sdk));
      } else {
        sdkRates.push(await rate(N.sdk, sdk));
        oursRates.push(await rate(N.rsa, ours));
      }
    }
    ratioRow(
      '3. our signer ÷ SDK-style signer (Node)',
      oursRates.map((o, i) => o / sdkRates[i]!),
      summarize(oursRates),
      summarize(sdkRates),
      1.8,
    );

    // ---- 1 & 2. Signing in the service worker ---------------------------------------------------
    log('\n1, 2. Signing in the extension service worker (non-extractable keys imported there) vs Node KeyObject in a child process');
    await importWorkerKeys(worker, { 'RSA-PSS': rsaPkcs8, Ed25519: edPkcs8 });
    await workerSignRate(worker, 'RSA-PSS', 50);
    await workerSignRate(worker, 'Ed25519', 500);
    const workerRsa: number[] = [];
    const workerEd: number[] = [];
    const nodeNoIfma: number[] = [];
    const nodeIfma: number[] = [];
    log(`  ${cpuAndOpenssl()}`);
    for (let r = 0; r < ROUNDS; r++) {
      workerRsa.push(await workerSignRate(worker, 'RSA-PSS', N.rsa));
      nodeNoIfma.push(nodeRateInChild(rsaPem, N.rsa, { ifma: false }));
      nodeIfma.push(nodeRateInChild(rsaPem, N.rsa, { ifma: true }));
      workerEd.push(await workerSignRate(worker, 'Ed25519', N.ed));
    }
    const wRsa = summarize(workerRsa);
    ratioRow(
      '1. RSA sign: worker ÷ Node, AVX-512 IFMA off (as BoringSSL)',
      workerRsa.map((w, i) => w / nodeNoIfma[i]!),
      wRsa,
      summarize(nodeNoIfma),
      0.9,
    );
    const ifmaRounds = workerRsa.map((w, i) => w / nodeIfma[i]!);
    log(`  context: worker ÷ Node with IFMA on: ${fmt(median(ifmaRounds))}× (Node ${fmtRange(summarize(nodeIfma), '/s')})`);
    rows.push({
      what: '1x. (context) RSA sign: worker ÷ Node, IFMA on',
      figure: `${fmt(median(ifmaRounds))}×`,
      spread: `rounds ${fmt(Math.min(...ifmaRounds))}–${fmt(Math.max(...ifmaRounds))}×`,
      budget: 'reported',
      pass: null,
    });
    ratioRow(
      '2. worker sign: Ed25519 ÷ RSA',
      workerEd.map((e, i) => e / workerRsa[i]!),
      summarize(workerEd),
      wRsa,
      15,
    );
  }
  // ---- 6. Key generation in the worker, and the popup meanwhile --------------------------------
  if (runs('keygen')) {
    log('\n6. Key generation in the worker (non-extractable, SPKI exported); popup event-loop latency meanwhile');
    await workerKeygenTimes(worker, 'RSA-PSS', 1);
    await workerKeygenTimes(worker, 'Ed25519', 3);
    const rsaGen = summarize(await workerKeygenTimes(worker, 'RSA-PSS', N.rsaKeygen));
    const edGen = summarize(await workerKeygenTimes(worker, 'Ed25519', N.edKeygen));
    log(`  RSA-2048: ${fmtRange(rsaGen, ' ms')}   Ed25519: ${fmtRange(edGen, ' ms')}`);
    msRow('6a. RSA-2048 key generation (worker)', rsaGen, null);
    msRow('6b. Ed25519 key generation (worker)', edGen, null);

    const popup = await ext.context.newPage();
    const said: string[] = [];
    popup.on('console', (m) => said.push(m.text()));
    popup.on('pageerror', (e) => said.push(String(e)));
    await popup.goto(`${ext.origin}/popup.html`);
    await popup
      .getByRole('list', { name: 'API keys' })
      .waitFor()
      .catch(async (error: unknown) => {
        // Seen once in a full run, not reproduced since: say what the page showed.
        const shown = await popup.evaluate(() => ({
          inertCopy: document.querySelector('[inert]') !== null,
          text: document.body.innerText.slice(0, 500),
        }));
        log(`  the popup showed no key list: ${JSON.stringify({ ...shown, console: said })}`);
        throw error;
      });
    await startLatencyProbe(popup);
    const busyStart = Date.now();
    const genUnderProbe = await workerKeygenTimes(worker, 'RSA-PSS', N.rsaKeygenUnderProbe);
    const busyMs = Date.now() - busyStart;
    const busyLags = summarize(await stopLatencyProbe(popup));
    await startLatencyProbe(popup);
    await sleep(busyMs);
    const idleLags = summarize(await stopLatencyProbe(popup));
    await popup.close();
    const lagText = (s: Summary) => `median ${fmt(s.median)} ms, p90 ${fmt(s.p90)} ms, max ${fmt(s.max)} ms over ${s.n} probes`;
    log(
      `  popup setTimeout(0) lateness while the worker made ${N.rsaKeygenUnderProbe} RSA keys (${busyMs} ms, median ${fmt(median(genUnderProbe))} ms each): ${lagText(busyLags)}`,
    );
    log(`  the same probe with the worker idle: ${lagText(idleLags)}`);
    rows.push({
      what: '6c. popup event-loop lag during RSA keygen',
      figure: `${fmt(busyLags.median)} ms`,
      spread: `p90 ${fmt(busyLags.p90)}, max ${fmt(busyLags.max)} (idle: median ${fmt(idleLags.median)}, max ${fmt(idleLags.max)})`,
      budget: 'reported',
      pass: null,
    });
  }
} catch (error) {
  exitCode = 2;
  console.error(error);
} finally {
  await ext.close();
  await exchange.close();
}

// ---- The table ----------------------------------------------------------------------------

const order = (r: Row) => r.what;
rows.sort((a, b) => order(a).localeCompare(order(b), 'en', { numeric: true }));
const header: Row = { what: 'measure', figure: 'median', spread: 'spread', budget: 'budget', pass: null };
const cells = (r: Row) => [
  r.what,
  r.figure,
  r.spread,
  r.budget,
  r === header ? 'result' : r.pass === null ? '—' : r.pass ? 'PASS' : 'FAIL',
];
const widths = cells(header).map((_, i) => Math.max(...[header, ...rows].map((r) => cells(r)[i]!.length)));
const line = (r: Row) =>
  `| ${cells(r)
    .map((c, i) => c.padEnd(widths[i]!))
    .join(' | ')} |`;
log('\n' + line(header));
log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) log(line(r));

log(`load average at the end: ${load()}`);
const failed = rows.filter((r) => r.pass === false);
if (exitCode) log('\nThe bench stopped early (error above): the table is incomplete.');
else log(failed.length === 0 ? '\nAll budgets pass.' : `\n${failed.length} budget(s) FAIL: ${failed.map((r) => r.what).join('; ')}`);
process.exitCode = exitCode || (failed.length > 0 ? 1 : 0);
