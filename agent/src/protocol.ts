/**
 * The messages between the extension and the agent, on the native port (and, relayed byte for byte,
 * on the agent's control socket). Each is a 4-byte little-endian length, then UTF-8 JSON.
 *
 * Agent → extension:
 *   {type:'hello', port, version, pid}      the link is accepted; bots reach the agent at 127.0.0.1:<port>
 *   {type:'busy', port}                     another browser holds the link; this one is closed
 *   {type:'error', message}                 the agent could not start: words for the user; then closed
 *   {id, type:'sign', token, method, path}  sign this request (token absent when the bot sent none)
 *   {type:'outcome', id, status}            Kalshi's status for signed request `id` (101: WebSocket joined;
 *                                           502: Kalshi could not be reached); only when answer.ok
 * Extension → agent:
 *   {id, answer}                            the answer to sign request `id` (SignAnswer)
 *   {type:'off'}                            the user turned the agent off: it stops serving and exits
 *                                           (`kalshi-keys-agent stop` sends it too)
 * Every message that arrives is checked; one that is not one of these is ignored.
 */
import type { SignAnswer } from './server';

/** The agent's version, as `hello` reports it; agent/package.json says the same (a test checks). */
export const VERSION = '0.1.0';

export type FromAgent =
  | { type: 'hello'; port: number; version: string; pid: number }
  | { type: 'busy'; port: number }
  | { type: 'error'; message: string }
  | { id: number; type: 'sign'; token?: string; method: string; path: string }
  | { type: 'outcome'; id: number; status: number };

export interface Reply {
  id: number;
  answer: SignAnswer;
}

export interface Off {
  type: 'off';
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

const isStrings = (value: unknown): value is Record<string, string> =>
  isObject(value) && Object.values(value).every((v) => typeof v === 'string');

export function isSignAnswer(value: unknown): value is SignAnswer {
  if (!isObject(value)) return false;
  if (value.ok === true) return typeof value.host === 'string' && isStrings(value.headers);
  return value.ok === false && isNumber(value.status) && typeof value.code === 'string' && typeof value.message === 'string';
}

export const isReply = (value: unknown): value is Reply => isObject(value) && isNumber(value.id) && isSignAnswer(value.answer);

export const isOff = (value: unknown): value is Off => isObject(value) && value.type === 'off';

/** For the extension's side: a message the agent may send. */
export function isFromAgent(value: unknown): value is FromAgent {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'hello':
      return isNumber(value.port) && typeof value.version === 'string' && isNumber(value.pid);
    case 'busy':
      return isNumber(value.port);
    case 'error':
      return typeof value.message === 'string';
    case 'sign':
      return (
        isNumber(value.id) &&
        (value.token === undefined || typeof value.token === 'string') &&
        typeof value.method === 'string' &&
        typeof value.path === 'string'
      );
    case 'outcome':
      return isNumber(value.id) && isNumber(value.status);
    default:
      return false;
  }
}
