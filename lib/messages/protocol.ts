/**
 * The one message map between the extension's pages and its background: the key manager's API
 * (lib/key-manager/api.ts) as messages. Replies are a result-or-error envelope; every request is
 * validated on arrival (validators.ts) and every sender checked (sender.ts).
 */
import type { ErrorInfo } from '../shared/errors';
import type { Handlers, KeyManagerApi } from '../key-manager/api';

export type Protocol = KeyManagerApi;
export type { Handlers };

export type MessageType = keyof Protocol;
export type RequestOf<K extends MessageType> = Protocol[K]['request'];
export type ResponseOf<K extends MessageType> = Protocol[K]['response'];

export interface Message<K extends MessageType = MessageType> {
  type: K;
  data: RequestOf<K>;
}

export type Reply<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };
