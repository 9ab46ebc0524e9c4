/**
 * The agent's link to the extension: Chrome's and Firefox's native messaging, as the browser speaks
 * it on the relay's stdin and stdout and the relay passes it on over the control socket. Each message
 * is a 4-byte length in the machine's byte order, then that many bytes of UTF-8 JSON (protocol.ts
 * lists them). When the link closes (the extension disconnects or the browser quits), every request
 * then waiting, and every later one on it, is answered as "the browser is closed".
 */
import type { Readable, Writable } from 'node:stream';
import { isReply } from './protocol';
import type { SignAnswer, SignRequest } from './server';

/** Chrome refuses a message from a host above 1 MB. */
export const MAX_TO_BROWSER = 1024 * 1024;
/** And sends at most 64 MiB to one; a longer length is a broken stream. */
export const MAX_FROM_BROWSER = 64 * 1024 * 1024;

export function encodeMessage(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
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
 * within `timeoutMs`. Any other message goes to `onOther`.
 */
export function nativeSigner(
  input: Readable,
  output: Writable,
  { timeoutMs = 10_000, onOther = (_message: unknown) => {} }: { timeoutMs?: number; onOther?: (message: unknown) => void } = {},
) {
  let next = 1;
  let closed: string | undefined;
  // Which request each signed answer was for, so its outcome can name it.
  const idOf = new WeakMap<SignAnswer, number>();
  const waiting = new Map<number, { resolve: (answer: SignAnswer) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  const close = (why: string) => {
    closed ??= why;
    for (const [id, w] of waiting) {
      clearTimeout(w.timer);
      w.reject(new Error(`the browser is closed (${why})`));
      waiting.delete(id);
    }
  };
  readMessages(
    input,
    (message) => {
      if (!isReply(message)) return onOther(message);
      const w = waiting.get(message.id);
      if (!w) return;
      clearTimeout(w.timer);
      waiting.delete(message.id);
      if (message.answer.ok) idOf.set(message.answer, message.id);
      w.resolve(message.answer);
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
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error('the extension did not answer'));
        }, timeoutMs);
        waiting.set(id, { resolve, reject, timer });
        output.write(encodeMessage({ id, type: 'sign', ...request }));
      });
    },
    /** Tells the extension Kalshi's status for a request it signed here; another link's answer is not ours to report. */
    outcome(answer: SignAnswer, status: number): void {
      const id = idOf.get(answer);
      if (id !== undefined && !closed) output.write(encodeMessage({ type: 'outcome', id, status }));
    },
  };
}
