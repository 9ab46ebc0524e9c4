import { browser } from 'wxt/browser';
import type { MessageType, Reply, RequestOf, ResponseOf } from '../lib/messages';
import { localizeError, t, type ShownError } from './i18n';

/** An error the background reported, carrying its words for the user (in the user's language). */
export class ReplyError extends Error {
  constructor(readonly info: ShownError) {
    super(info.message);
  }
}

/** Sends one typed message to the background and unwraps its reply. */
export async function send<K extends MessageType>(type: K, data: RequestOf<K>): Promise<ResponseOf<K>> {
  const reply = (await browser.runtime.sendMessage({ type, data })) as Reply<ResponseOf<K>> | undefined;
  if (!reply) throw new ReplyError({ code: 'internal', message: t('messaging_no_answer'), hint: t('messaging_no_answer_hint') });
  if (!reply.ok) throw new ReplyError(localizeError(reply.error));
  return reply.value;
}

export function errorInfoOf(error: unknown): ShownError {
  return error instanceof ReplyError ? error.info : localizeError({ code: 'internal' });
}
