import { AppError, toErrorInfo } from '../shared/errors';
import type { Handlers } from '../key-manager/api';
import type { Reply } from './protocol';
import { isOwnPage, type SenderInfo } from './sender';
import { parseMessage } from './validators';

export interface Self {
  id: string;
  /** e.g. chrome-extension://<id> */
  origin: string;
}

/** Checks the sender, validates the message, runs its handler; every outcome is a Reply, never a throw. */
export async function route(handlers: Handlers, value: unknown, sender: SenderInfo, self: Self): Promise<Reply<unknown>> {
  try {
    if (!isOwnPage(sender, self.id, self.origin)) throw new AppError('sender_refused');
    const message = parseMessage(value);
    const handler = handlers[message.type] as (data: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(message.data) };
  } catch (error) {
    return { ok: false, error: toErrorInfo(error) };
  }
}
