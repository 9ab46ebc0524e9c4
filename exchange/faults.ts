/** Fault injection: which request gets which fault, and the answer a faulted request gets instead. */
import { defaultErrorBody, type Reply } from './http';

export interface FaultMatch {
  method: string;
  /** Full path without query, e.g. /trade-api/v2/api_keys; a trailing * matches any path with that prefix. */
  path: string;
}

export interface Fault {
  /**
   * With status or body set, the request gets this answer instead of the real one. A 429 gets
   * Kalshi's `{"error":"too many requests"}` and, like Kalshi's, no Retry-After unless `headers` add one.
   */
  status?: number;
  /** JSON-serialised; a string is sent verbatim. Default: a Kalshi error body for `status`. */
  body?: unknown;
  /** Wait before answering (lets tests provoke client timeouts). Alone, it delays the real answer. */
  delayMs?: number;
  /** Extra response headers (the opt-in for a Retry-After that Kalshi itself does not send). */
  headers?: Record<string, string>;
  /** How many matching requests in a row get this fault. Default 1. */
  times?: number;
  /**
   * Drop the connection: 'before' the exchange acts on the request, or 'after' it committed the
   * change (a create made, a delete done), in both cases without a byte of answer, so the client
   * cannot know which (and a browser may resend the request on its own when the connection was a
   * reused one); or 'mid-answer': commit, send the status line, headers and half the body, then drop.
   */
  reset?: 'before' | 'after' | 'mid-answer';
  /** Act on the request for real, then wait this long before answering (or, with reset 'after', dropping). */
  delayAfterMs?: number;
  /** Act on the request for real, then answer with its status but a body that is not JSON. */
  garble?: boolean;
  /** Answer without a Date header (Kalshi's answers carry one; a proxy might drop it). */
  omitDate?: boolean;
}

/** The standing and one-off faults; `left` counts down, Infinity for a fault mode. */
export class FaultQueue {
  private entries: Array<{ match: FaultMatch; fault: Fault; left: number }> = [];

  private static matches(m: FaultMatch, method: string, path: string): boolean {
    return m.method === method && (m.path.endsWith('*') ? path.startsWith(m.path.slice(0, -1)) : m.path === path);
  }

  failNext(match: FaultMatch, fault: Fault): void {
    this.entries.push({ match: { method: match.method.toUpperCase(), path: match.path }, fault, left: fault.times ?? 1 });
  }

  faultMode(match: FaultMatch, fault: Fault | null): void {
    const m = { method: match.method.toUpperCase(), path: match.path };
    this.entries = this.entries.filter((f) => !(f.left === Infinity && f.match.method === m.method && f.match.path === m.path));
    if (fault) this.entries.push({ match: m, fault, left: Infinity });
  }

  /** The fault for this request, if any, counted as used. A one-off fault goes before a standing fault mode. */
  take(method: string, path: string): Fault | undefined {
    let i = this.entries.findIndex((f) => f.left !== Infinity && FaultQueue.matches(f.match, method, path));
    if (i === -1) i = this.entries.findIndex((f) => FaultQueue.matches(f.match, method, path));
    const entry = i === -1 ? undefined : this.entries[i];
    if (entry && --entry.left <= 0) this.entries.splice(i, 1);
    return entry?.fault;
  }

  clear(): void {
    this.entries = [];
  }
}

/** The answer that replaces the real one, or undefined when the fault lets the request through. */
export function replacementReply(fault: Fault): Reply | undefined {
  if (fault.status === undefined && fault.body === undefined) return undefined;
  const status = fault.status ?? 500;
  const body = fault.body !== undefined ? fault.body : status === 204 ? undefined : defaultErrorBody(status, 'injected fault');
  return { status, body, ...(fault.headers ? { headers: fault.headers } : {}), ...(fault.omitDate ? { omitDate: true } : {}) };
}
