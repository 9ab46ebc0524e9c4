/**
 * The agent's link to the extension: Chrome's and Firefox's native messaging, as the browser speaks
 * it on the relay's stdin and stdout and the relay passes it on over the control socket. Each message
 * is a 4-byte length in the machine's byte order, then that many bytes of UTF-8 JSON (protocol.ts
 * lists them). When the link closes (the extension disconnects or the browser quits), every request
 * then waiting, and every later one on it, is answered as "the browser is closed".
 */
import type { Readable, Writable } from 'node:stream';
import { isAnswers, isBatches, isReply, type Reply } from './protocol';
import type { SignAnswer, SignRequest } from './server';

/** Chrome refuses a message from a host above 1 MB. */
export const MAX_TO_BROWSER = 1024 * 1024;
/** And sends at most 64 MiB to one; a longer length is a broken stream. */
export const MAX_FROM_BROWSER = 64 * 1024 * 1024;

/** Sign requests in one sign-batch at most (and at most BATCH_BYTES of them): well inside the 1 MB limit. */
export const BATCH_MAX = 256;
export const BATCH_BYTES = 512 * 1024;

export function encodeMessage(message: unknown): Buffer {
  return encodeJson(JSON.stringify(message));
}

function encodeJson(json: string): Buffer {
  const body = Buffer.from(json, 'utf8');
  if (body.length > MAX_TO_BROWSER) throw new RangeError(`A message of ${body.length} bytes is over the browser's 1 MB limit.`);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(body.length); // the machine's order: little-endian on every platform browsers ship for
  return Buffer.concat([length, body]);
}

/** Calls `onMessage` with each whole message read from `input`, however its bytes are split. */
export function readMessages(input: Readable, onMessage: (message: unknown) => void, onBroken: (why: string) => void): void {
  let pending = Buffer.alloc(0);
  input.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const length = pending.readUInt32LE(0);
      if (length > MAX_FROM_BROWSER) return onBroken(`a message length of ${length} bytes`);
      if (pending.length < 4 + length) return;
      const body = pending.subarray(4, 4 + length).toString('utf8');
      pending = pending.subarray(4 + length);
      let message: unknown;
      try {
        message = JSON.parse(body);
      } catch {
        return onBroken('a message that is not JSON');
      }
      onMessage(message);
    }
  });
}

/**
 * `sign` for the server: each request goes to the extension with an id, and its reply comes back
 * with the same id. Rejects when the browser is gone (the link ended or broke) or has not answered
 * within `timeoutMs`. Any other message goes to `onOther`. Once the extension says `batches`, the
 * requests (and outcomes) of one turn of the event loop go as one message: a native message costs
 * more than a signature does.
 */
export function nativeSigner(
  input: Readable,
  output: Writable,
  { timeoutMs = 10_000, onOther = (_message: unknown) => {} }: { timeoutMs?: number; onOther?: (message: unknown) => void } = {},
) {
  let next = 1;
  let closed: string | undefined;
  let batches = false;
  // Which request each signed answer was for, so its outcome can name it.
  const idOf = new WeakMap<SignAnswer, number>();
  const waiting = new Map<number, { resolve: (answer: SignAnswer) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  /** With batches: sign requests (as JSON) and outcomes waiting for the end of this turn. */
  const queued: Array<{ id: number; json: string; bytes: number }> = [];
  let outcomes: Array<{ id: number; status: number }> = [];
  let flushing = false;

  const close = (why: string) => {
    closed ??= why;
    queued.length = 0;
    outcomes = [];
    for (const [id, w] of waiting) {
      clearTimeout(w.timer);
      w.reject(new Error(`the browser is closed (${why})`));
      waiting.delete(id);
    }
  };
  const settle = ({ id, answer }: Reply) => {
    const w = waiting.get(id);
    if (!w) return;
    clearTimeout(w.timer);
    waiting.delete(id);
    if (answer.ok) idOf.set(answer, id);
    w.resolve(answer);
  };
  const fail = (id: number, error: Error) => {
    const w = waiting.get(id);
    if (!w) return;
    clearTimeout(w.timer);
    waiting.delete(id);
    w.reject(error);
  };

  /** Writes what this turn queued, in one write: sign requests in batches within the caps, outcomes in one message. */
  function flush() {
    flushing = false;
    if (closed) return;
    const frames: Buffer[] = [];
    while (queued.length > 0) {
      let bytes = 0;
      let n = 0;
      while (n < queued.length && n < BATCH_MAX && (n === 0 || bytes + queued[n]!.bytes <= BATCH_BYTES)) bytes += queued[n++]!.bytes;
      const batch = queued.splice(0, n);
      try {
        if (batch.length === 1) frames.push(encodeJson(batch[0]!.json.replace(/^\{/, '{"type":"sign",')));
        else frames.push(encodeJson(`{"type":"sign-batch","requests":[${batch.map((b) => b.json).join(',')}]}`));
      } catch (error) {
        for (const b of batch) fail(b.id, error as Error);
      }
    }
    if (outcomes.length > 0) {
      const sent = outcomes;
      outcomes = [];
      frames.push(encodeMessage(sent.length === 1 ? { type: 'outcome', ...sent[0] } : { type: 'outcomes', outcomes: sent }));
    }
    // One write: each is a system call that wakes the relay, which costs more than the bytes.
    if (frames.length > 0) output.write(frames.length === 1 ? frames[0] : Buffer.concat(frames));
  }
  const later = () => {
    if (flushing) return;
    flushing = true;
    setImmediate(flush);
  };

  readMessages(
    input,
    (message) => {
      if (isReply(message)) settle(message);
      else if (isAnswers(message)) message.answers.forEach(settle);
      else if (isBatches(message)) batches = true;
      else onOther(message);
    },
    (why) => {
      close(why);
      input.destroy();
    },
  );
  input.on('end', () => close('its port closed'));
  input.on('close', () => close('its port closed'));
  input.on('error', () => close('its port failed'));

  return {
    sign(request: SignRequest): Promise<SignAnswer> {
      if (closed) return Promise.reject(new Error(`the browser is closed (${closed})`));
      const id = next++;
      return new Promise<SignAnswer>((resolve, reject) => {
        const timer = setTimeout(() => fail(id, new Error('the extension did not answer')), timeoutMs);
        waiting.set(id, { resolve, reject, timer });
        if (!batches) return output.write(encodeMessage({ id, type: 'sign', ...request }));
        const json = JSON.stringify({ id, ...request });
        queued.push({ id, json, bytes: Buffer.byteLength(json) });
        later();
      });
    },
    /** Tells the extension Kalshi's status for a request it signed here; another link's answer is not ours to report. */
    outcome(answer: SignAnswer, status: number): void {
      const id = idOf.get(answer);
      if (id === undefined || closed) return;
      if (!batches) return void output.write(encodeMessage({ type: 'outcome', id, status }));
      outcomes.push({ id, status });
      later();
    },
  };
}
