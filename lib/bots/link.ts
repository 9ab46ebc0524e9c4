/**
 * The worker's end of the local agent (agent/ in this repository): a native messaging port the
 * browser opens to the agent's relay. The agent asks for signatures; this side answers each through
 * `sign` (signing.ts) and hears how Kalshi answered, for the activity log. Pure: the port comes in.
 *
 * The messages, agent → extension: {type:'hello', port, version} once it serves; {type:'busy', port}
 * when another browser already does; {type:'error', message}; {id, type:'sign', token, method, path};
 * {type:'outcome', id, status}; and, once told `batches`, {type:'sign-batch', requests:[…]} and
 * {type:'outcomes', outcomes:[…]}. Extension → agent: {id, answer}; {type:'answers', answers:[…]} for a
 * sign-batch; {type:'batches'} on hello (an older agent ignores it and sends one by one); {type:'off'}
 * when the user turns it off. A native message costs more than a signature: batches carry many bots.
 */
import type { BotAnswer, BotRequest } from './signing';

/** The agent's name as a native messaging host (agent/src/install.ts registers it so). */
export const AGENT_HOST_NAME = 'com.kalshi_key_manager.agent';

/** What the options page and the popup show of the agent. */
export type AgentStatus =
  | { state: 'off' }
  | { state: 'starting' }
  | { state: 'serving'; port: number; version: string }
  /** Another browser (or profile) is the one the agent signs with. */
  | { state: 'busy'; port: number }
  /** The browser could not start it, or it stopped: the browser's or the agent's words. */
  | { state: 'stopped'; message: string };

/** A native messaging port, as runtime.connectNative gives it in Chrome and Firefox. */
export interface NativePort {
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  /** Firefox says why on the port (`error`); Chrome in runtime.lastError. */
  onDisconnect: { addListener(listener: (port: object) => void): void };
}

type Fields = Record<string, unknown>;
const isFields = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPort = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0 && (v as number) < 65_536;
/** Ids are the agent's counter: a whole number it will see again in our answer. */
const isId = (v: unknown): v is number => Number.isSafeInteger(v);

export interface LinkDeps {
  connect(): NativePort;
  sign(request: BotRequest): Promise<BotAnswer>;
  /** Kalshi answered a request signed here (`answer` is what was signed) with `status`. */
  outcome(answer: Extract<BotAnswer, { ok: true }>, request: { method: string; path: string }, status: number): void;
  onStatus(status: AgentStatus): void;
  /** The browser's last error when connect() or the port failed. */
  lastError(): string | undefined;
}

/** Signed requests whose outcome has not come back yet; beyond this, the oldest are no longer awaited. */
const AWAITED_LIMIT = 10_000;
/** More sign requests than an agent puts in one message (agent/src/native-messaging.ts: 256): the rest are not read. */
const BATCH_LIMIT = 1_000;

type Answer =
  | { ok: true; host: string; headers: Extract<BotAnswer, { ok: true }>['headers'] }
  | { ok: false; status: number; code: string; message: string };

export function createAgentLink(deps: LinkDeps) {
  let port: NativePort | undefined;
  let status: AgentStatus = { state: 'off' };
  const awaited = new Map<number, { answer: Extract<BotAnswer, { ok: true }>; method: string; path: string }>();
  const set = (next: AgentStatus) => {
    status = next;
    deps.onStatus(next);
  };

  /** Whether `from` is still the open port: when it closed meanwhile, nobody waits for its answers. */
  const open = (from: NativePort) => port === from;

  /** The agent's answer for one sign request on `from`; a signed one is remembered for its outcome while `from` is open. */
  async function answer(from: NativePort, message: Fields & { id: number }): Promise<Answer> {
    const request = { token: message.token, method: message.method, path: message.path };
    let reply: BotAnswer;
    try {
      reply = await deps.sign(request);
    } catch {
      reply = {
        ok: false,
        status: 403,
        code: 'extension_error',
        message: 'The extension could not sign this request: nothing was signed.',
      };
    }
    if (!reply.ok) return { ok: false, status: reply.status, code: reply.code, message: reply.message };
    if (!open(from)) return { ok: true, host: reply.host, headers: reply.headers }; // nobody waits for it now
    if (awaited.size >= AWAITED_LIMIT) awaited.delete(awaited.keys().next().value!);
    awaited.set(message.id, { answer: reply, method: String(request.method), path: String(request.path) });
    return { ok: true, host: reply.host, headers: reply.headers };
  }

  function outcome(id: unknown, status: unknown) {
    if (!isId(id) || !Number.isInteger(status)) return;
    const signed = awaited.get(id);
    awaited.delete(id);
    if (signed) deps.outcome(signed.answer, { method: signed.method, path: signed.path }, status as number);
  }

  const isSign = (v: unknown): v is Fields & { id: number } => isFields(v) && isId(v.id);

  function receive(from: NativePort, message: unknown) {
    if (!isFields(message) || port !== from) return;
    if (message.type === 'sign' && isSign(message))
      void answer(from, message).then((a) => open(from) && from.postMessage({ id: message.id, answer: a }));
    else if (message.type === 'sign-batch' && Array.isArray(message.requests)) {
      const requests = message.requests.slice(0, BATCH_LIMIT).filter(isSign);
      void Promise.all(requests.map(async (r) => ({ id: r.id, answer: await answer(from, r) }))).then(
        (answers) => open(from) && answers.length > 0 && from.postMessage({ type: 'answers', answers }),
      );
    } else if (message.type === 'outcome') outcome(message.id, message.status);
    else if (message.type === 'outcomes' && Array.isArray(message.outcomes)) {
      for (const o of message.outcomes.slice(0, BATCH_LIMIT)) if (isFields(o)) outcome(o.id, o.status);
    } else if (message.type === 'hello' && isPort(message.port)) {
      set({ state: 'serving', port: message.port, version: typeof message.version === 'string' ? message.version.slice(0, 40) : '' });
      from.postMessage({ type: 'batches' });
    } else if (message.type === 'busy' && isPort(message.port)) set({ state: 'busy', port: message.port });
    else if (message.type === 'error' && typeof message.message === 'string')
      set({ state: 'stopped', message: message.message.slice(0, 500) });
  }

  return {
    status: (): AgentStatus => status,

    /** Opens the port (the browser starts the agent's relay); a second call while open does nothing. */
    start() {
      if (port) return;
      set({ state: 'starting' });
      let opened: NativePort;
      try {
        opened = deps.connect();
      } catch (error) {
        set({ state: 'stopped', message: deps.lastError() ?? (error instanceof Error ? error.message : String(error)) });
        return;
      }
      port = opened;
      opened.onMessage.addListener((message) => receive(opened, message));
      opened.onDisconnect.addListener((p) => {
        if (port !== opened) return;
        port = undefined;
        awaited.clear();
        const error = (p as { error?: { message?: unknown } | null }).error;
        const said = (typeof error?.message === 'string' ? error.message : undefined) ?? deps.lastError();
        // A busy agent or one that said why keeps its words; otherwise the browser's, or plain ones.
        if (status.state !== 'busy' && status.state !== 'stopped') set({ state: 'stopped', message: said ?? 'The agent stopped.' });
      });
    },

    /** The user turned the agent off: it is told to stop serving, then the port closes. */
    stop() {
      const was = port;
      port = undefined;
      awaited.clear();
      if (was) {
        try {
          was.postMessage({ type: 'off' });
        } finally {
          was.disconnect();
        }
      }
      set({ state: 'off' });
    },
  };
}

export type AgentLink = ReturnType<typeof createAgentLink>;
