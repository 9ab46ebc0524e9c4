import { browser } from 'wxt/browser';
import type { ErrorInfo } from '../lib/errors';
import type { MessageType, Reply, RequestOf, ResponseOf } from '../lib/protocol';

/** An error the background reported, carrying its words for the user. */
export class ReplyError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message);
  }
}

/** Sends one typed message to the background and unwraps its reply. */
export async function send<K extends MessageType>(type: K, data: RequestOf<K>): Promise<ResponseOf<K>> {
  const reply = (await browser.runtime.sendMessage({ type, data })) as Reply<ResponseOf<K>> | undefined;
  if (!reply) throw new ReplyError({ code: 'internal', message: 'The extension’s background did not answer.', hint: 'Reload the extension and try again.' });
  if (!reply.ok) throw new ReplyError(reply.error);
  return reply.value;
}

export function errorInfoOf(error: unknown): ErrorInfo {
  return error instanceof ReplyError
    ? error.info
    : { code: 'internal', message: 'Something went wrong inside the extension.', hint: 'Try again; if it persists, reload the extension.' };
}
