/**
 * The messages between the extension and the agent, on the native port (and, relayed byte for byte,
 * on the agent's control socket). Each is a 4-byte little-endian length, then UTF-8 JSON.
 *
 * Agent → extension:
 *   {type:'hello', port, version, pid}      the link is accepted; bots reach the agent at 127.0.0.1:<port>
 *   {type:'busy', port}                     another browser holds the link; this one is closed
 *   {type:'error', message}                 the agent could not start: words for the user; then closed
 *   {id, type:'sign', token, method, path}  sign this request (token absent when the bot sent none)
 *   {type:'sign-batch', requests:[{id, token, method, path}, …]}
 *                                           several at once: those that arrived in the same turn of the event
 *                                           loop (only once the extension said `batches`; at most 1 MB)
 *   {type:'outcome', id, status}            Kalshi's status for signed request `id` (101: WebSocket joined;
 *                                           502: Kalshi could not be reached); only when answer.ok
 *   {type:'outcomes', outcomes:[{id, status}, …]}  several at once (only once the extension said `batches`)
 * Extension → agent:
 *   {id, answer}                            the answer to sign request `id` (SignAnswer)
 *   {type:'answers', answers:[{id, answer}, …]}  the answers to a sign-batch, in one message
 *   {type:'batches'}                        this extension reads sign-batch and outcomes (it says so on hello;
 *                                           an agent that does not know it ignores it, and sends one by one)
 *   {type:'off'}                            the user turned the agent off: it stops serving and exits
 *                                           (`kalshi-keys-agent stop` sends it too)
 * Every message that arrives is checked; one that is not one of these is ignored.
 * A native message costs more than a signature does (a few thousand a second pass between the browser
 * and a host), so with many bots' requests in flight, batches are what carries them.
 */
import type { SignAnswer } from './server';

/** The agent's version, as `hello` reports it; agent/package.json says the same (a test checks). */
export const VERSION = '0.1.0';

export type FromAgent =
  | { type: 'hello'; port: number; version: string; pid: number }
  | { type: 'busy'; port: number }
  | { type: 'error'; message: string }
  | { id: number; type: 'sign'; token?: string; method: string; path: string }
  | { type: 'sign-batch'; requests: Array<{ id: number; token?: string; method: string; path: string }> }
  | { type: 'outcome'; id: number; status: number }
  | { type: 'outcomes'; outcomes: Array<{ id: number; status: number }> };

export interface Reply {
  id: number;
  answer: SignAnswer;
}

export interface Answers {
  type: 'answers';
  answers: Reply[];
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

export const isAnswers = (value: unknown): value is Answers =>
  isObject(value) && value.type === 'answers' && Array.isArray(value.answers) && value.answers.every(isReply);

export const isBatches = (value: unknown): boolean => isObject(value) && value.type === 'batches';

export const isOff = (value: unknown): value is Off => isObject(value) && value.type === 'off';

const isSign = (value: unknown): boolean =>
  isObject(value) &&
  isNumber(value.id) &&
  (value.token === undefined || typeof value.token === 'string') &&
  typeof value.method === 'string' &&
  typeof value.path === 'string';
const isOutcome = (value: unknown): boolean => isObject(value) && isNumber(value.id) && isNumber(value.status);

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
      return isSign(value);
    case 'sign-batch':
      return Array.isArray(value.requests) && value.requests.every(isSign);
    case 'outcome':
      return isOutcome(value);
    case 'outcomes':
      return Array.isArray(value.outcomes) && value.outcomes.every(isOutcome);
    default:
      return false;
  }
}
