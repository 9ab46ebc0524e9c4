/**
 * The agent's control socket: where the relay a browser starts (relay.ts), and `stop`, reach the
 * agent that serves bots (daemon.ts). Only this user may connect: a Unix socket in a folder only
 * they can open, or on Windows a named pipe named for them.
 *
 *   KALSHI_KEYS_AGENT_SOCKET, if set; else
 *   ${XDG_RUNTIME_DIR or the temp folder}/kalshi-keys-agent-<uid>/agent-<port>.sock (folder mode 0700)
 *   Windows: \\.\pipe\kalshi-keys-agent-<user name>-<port>
 */
import { lstatSync, mkdirSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { portFrom } from './settings';

type Env = Record<string, string | undefined>;

export interface Computer {
  platform: NodeJS.Platform;
  uid: number;
  user: string;
  tmp: string;
}

const thisComputer = (): Computer => ({
  platform: process.platform,
  uid: process.getuid?.() ?? -1,
  user: userInfo().username,
  tmp: tmpdir(),
});

export const isNamedPipe = (path: string) => path.startsWith('\\\\.\\pipe\\');

/** Where the control socket is, for these settings on this computer. */
export function controlSocketPath(env: Env, computer: Computer): string {
  if (env.KALSHI_KEYS_AGENT_SOCKET) return env.KALSHI_KEYS_AGENT_SOCKET;
  const port = portFrom(env);
  if (computer.platform === 'win32') return `\\\\.\\pipe\\kalshi-keys-agent-${computer.user}-${port}`;
  return join(env.XDG_RUNTIME_DIR || computer.tmp, `kalshi-keys-agent-${computer.uid}`, `agent-${port}.sock`);
}

/** The control socket's path; its default folder made, or checked to be, this user's alone. */
export function controlSocket(env: Env): string {
  const computer = thisComputer();
  const path = controlSocketPath(env, computer);
  if (!env.KALSHI_KEYS_AGENT_SOCKET && !isNamedPipe(path)) privateFolder(dirname(path), computer.uid);
  return path;
}

/** Makes `folder` (mode 0700), or refuses it when another user could reach a socket in it. */
export function privateFolder(folder: string, uid: number): void {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const info = lstatSync(folder);
  if (!info.isDirectory() || info.uid !== uid || (info.mode & 0o077) !== 0)
    throw new Error(
      `${folder} is not a folder only you can open, so the agent will not put its control socket there: ` +
        'remove it, or set KALSHI_KEYS_AGENT_SOCKET to a path in a folder of yours.',
    );
}

/** A connection to the agent; rejects when none listens there. */
export function connectTo(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    socket.once('connect', () => (socket.removeListener('error', reject), resolve(socket)));
    socket.once('error', reject);
  });
}

const listen = (server: Server, path: string) =>
  new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => (server.removeListener('error', reject), resolve()));
  });

/** Listens on `path`; a socket left there by an agent that died (nothing answers on it) is removed first. */
export async function listenControl(path: string, onConnection: (socket: Socket) => void): Promise<Server> {
  const server = createServer(onConnection);
  try {
    await listen(server, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || isNamedPipe(path)) throw error;
    const live = await connectTo(path).then(
      (socket) => (socket.destroy(), true),
      (refused: NodeJS.ErrnoException) => (refused.code === 'ECONNREFUSED' ? false : Promise.reject(error)),
    );
    if (live)
      throw new Error(`Another kalshi-keys-agent is already running (control socket ${path}): stop it with “kalshi-keys-agent stop”.`);
    rmSync(path, { force: true });
    await listen(server, path);
  }
  return server;
}
