/**
 * Hostile key text against the PEM parser: long runs built to make a careless regex backtrack
 * (quadratic or worse). The unit tests (tests/unit/pem-errors.test.ts) check that each input is
 * refused with a parse code; how long that takes is measured here, as every time is, because no
 * test asserts a time. Run alone with `npx tsx bench/hostile-text.ts` (exit 1 over budget).
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parsePrivateKeyPem } from '../lib/key-formats/pem';
import { summarize, type Summary } from './stats';

/** Each is refused (a parse error code), in linear time by a parser whose regexes cannot backtrack badly. */
export const HOSTILE_PEM_TEXTS: ReadonlyArray<{ what: string; text: string }> = [
  { what: 'BEGIN, 100 000 spaces, no END', text: '-----BEGIN ' + ' '.repeat(100_000) + 'x' },
  { what: '200 000 dashes', text: '-'.repeat(200_000) },
  { what: '50 000 dashes + BEGIN, twice', text: ('-'.repeat(50_000) + 'BEGIN x').repeat(2) },
  { what: '20 000 BEGIN lines, no END', text: '-----BEGIN x'.repeat(20_000) },
  { what: '2 000 000 base64 characters', text: 'A'.repeat(2_000_000) },
];

/** The slowest input's parse time (ms), once per round, after one warm-up round. */
export function hostileParseTimes(rounds: number): { slowest: Summary; perInput: Map<string, Summary> } {
  const parseOnce = (text: string) => {
    const started = performance.now();
    try {
      parsePrivateKeyPem(text);
    } catch {
      // refused, as it should be; the unit tests check how
    }
    return performance.now() - started;
  };
  for (const { text } of HOSTILE_PEM_TEXTS) parseOnce(text);
  const times = new Map<string, number[]>(HOSTILE_PEM_TEXTS.map(({ what }) => [what, []]));
  const slowest: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let max = 0;
    for (const { what, text } of HOSTILE_PEM_TEXTS) {
      const ms = parseOnce(text);
      times.get(what)!.push(ms);
      max = Math.max(max, ms);
    }
    slowest.push(max);
  }
  return { slowest: summarize(slowest), perInput: new Map([...times].map(([what, ms]) => [what, summarize(ms)])) };
}

/** Budget for the slowest hostile input (median over rounds). */
export const HOSTILE_PARSE_BUDGET_MS = 1000;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { slowest, perInput } = hostileParseTimes(9);
  for (const [what, s] of perInput) console.log(`  ${what}: median ${s.median.toFixed(1)} ms, max ${s.max.toFixed(1)} ms`);
  const pass = slowest.median <= HOSTILE_PARSE_BUDGET_MS;
  console.log(
    `slowest hostile input: median ${slowest.median.toFixed(1)} ms (budget ≤ ${HOSTILE_PARSE_BUDGET_MS} ms): ${pass ? 'PASS' : 'FAIL'}`,
  );
  process.exitCode = pass ? 0 : 1;
}
