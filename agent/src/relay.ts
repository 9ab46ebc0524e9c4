/**
 * kalshi-keys-agent as the browser starts it (a native messaging host): joins the browser's port
 * (stdin, stdout) to the agent's control socket, starting the agent (daemon.ts) when none is
 * running. The agent outlives this process, which the browser kills when the port closes. stdout
 * is the port: what the relay says goes to stderr (the browser logs it), or as an `error` message.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { connectTo, controlSocket, isNamedPipe } from './control-socket';
import { encodeMessage } from './native-messaging';
import type { FromAgent } from './protocol';

type Env = Record<string, string | undefined>;

/** How long a new agent may take to listen. */
const START_MS = 5_000;

export async function relay(script: string, env: Env): Promise<void> {
  let socket: Socket;
  try {
    socket = await reachAgent(script, env);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`kalshi-keys-agent: ${message}\n`);
    process.stdout.end(encodeMessage({ type: 'error', message } satisfies FromAgent), () => process.exit(1));
    return;
  }
  // The framing is the same on both sides: bytes pass through unread.
  process.stdin.pipe(socket); // ends the socket when the browser closes the port
  socket.pipe(process.stdout, { end: false });
  socket.on('close', () => process.stdout.end(() => process.exit(0)));
  process.stdout.on('error', () => process.exit(0)); // the browser is gone
  // An agent that does not hang up within a second of the port closing is left to itself.
  process.stdin.on('end', () => setTimeout(() => process.exit(0), 1_000).unref());
}

/** A connection to the running agent, or to one started now. */
async function reachAgent(script: string, env: Env): Promise<Socket> {
  const path = controlSocket(env);
  const running = await connectTo(path).catch(() => undefined);
  if (running) return running;
  const log = isNamedPipe(path) ? undefined : path.replace(/(\.sock)?$/, '.log');
  let exited = false;
  startDaemon(script, log, env).once('exit', () => (exited = true));
  for (const deadline = Date.now() + START_MS; Date.now() < deadline;) {
    const gone = exited; // one more try after it exits: another agent may have won the race
    await delay(50);
    const socket = await connectTo(path).catch(() => undefined);
    if (socket) return socket;
    if (gone) break;
  }
  throw new Error(exited ? lastWords(log) : `The agent did not start within ${START_MS / 1000} seconds${log ? `: see ${log}` : ''}.`);
}

/** The agent, detached from this process so it outlives it; its stderr appended to `log`. */
function startDaemon(script: string, log: string | undefined, env: Env) {
  const stderr = log ? openSync(log, 'a', 0o600) : 'ignore';
  // execArgv: the same loader (tsx) when this runs from TypeScript.
  const child = spawn(process.execPath, [...process.execArgv, script, 'serve'], {
    detached: true,
    stdio: ['ignore', 'ignore', stderr],
    env,
    windowsHide: true,
  });
  child.unref();
  if (typeof stderr === 'number') closeSync(stderr);
  return child;
}

/** Why the agent stopped as it started: its last line in the log. */
function lastWords(log: string | undefined): string {
  const lines = log && existsSync(log) ? readFileSync(log, 'utf8').trimEnd().split('\n') : [];
  const last = /kalshi-keys-agent: (.*)$/.exec(lines.at(-1) ?? '')?.[1];
  return last ?? `The agent stopped as it started${log ? `: see ${log}` : ''}.`;
}
