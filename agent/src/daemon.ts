/**
 * `kalshi-keys-agent serve`: the agent itself, a process of its own, so it outlives the browser
 * (which kills the native host it started when the port closes). It serves bots on
 * 127.0.0.1:<port> and takes one browser at a time on its control socket, where relay.ts joins the
 * browser's native port. With no browser linked, bots are answered 503 "The browser holding your
 * keys is closed", until the next browser links. {type:'off'} stops it (protocol.ts).
 */
import type { Server, Socket } from 'node:net';
import { controlSocket, listenControl } from './control-socket';
import { encodeMessage, nativeSigner, readMessages } from './native-messaging';
import { isOff, VERSION, type FromAgent } from './protocol';
import { startAgent } from './server';
import { portFrom, upstreamFrom } from './settings';

/** Lines for the log file next to the control socket. */
export const log = (words: string) => process.stderr.write(`${new Date().toISOString()} kalshi-keys-agent: ${words}\n`);

function inWords(error: unknown, port: number): Error {
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
    return new Error(
      `Port ${port} is in use by another program: close it, or set KALSHI_KEYS_AGENT_PORT to a free port (and point your bots there).`,
    );
  return error instanceof Error ? error : new Error(String(error));
}

export async function serve(env: Record<string, string | undefined>): Promise<void> {
  const port = portFrom(env);
  const upstream = upstreamFrom(env);
  const path = controlSocket(env);
  let browser: ReturnType<typeof nativeSigner> | undefined;
  const agent = await startAgent({
    port,
    sign: (request) => (browser ? browser.sign(request) : Promise.reject(new Error('no browser is linked'))),
    outcome: (answer, status) => browser?.outcome(answer, status),
    ...(upstream ? { upstream } : {}),
  }).catch((error: unknown) => Promise.reject(inWords(error, port)));

  const connections = new Set<Socket>();
  let control: Server | undefined;
  const stop = (why: string) => {
    log(`stopping: ${why}.`);
    for (const socket of connections) socket.destroy();
    control?.close();
    void agent.close().then(() => process.exit(0));
  };
  // The control socket is this user's alone: `off` is taken from any connection (`stop` sends it too).
  const onMessage = (message: unknown) => isOff(message) && stop('the extension turned the agent off');

  try {
    control = await listenControl(path, (socket) => {
      connections.add(socket);
      socket.on('close', () => connections.delete(socket));
      socket.on('error', () => socket.destroy());
      if (browser) {
        readMessages(socket, onMessage, () => socket.destroy());
        socket.end(encodeMessage({ type: 'busy', port: agent.port } satisfies FromAgent));
        return;
      }
      const linked = nativeSigner(socket, socket, { onOther: onMessage });
      browser = linked;
      socket.on('close', () => {
        if (browser !== linked) return;
        browser = undefined;
        log('the browser is gone: bots are answered 503 until it is back.');
      });
      socket.write(encodeMessage({ type: 'hello', port: agent.port, version: VERSION, pid: process.pid } satisfies FromAgent));
      log('a browser is linked.');
    });
  } catch (error) {
    await agent.close();
    throw error;
  }
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, () => stop(signal));
  log(`serving Kalshi's API on http://127.0.0.1:${agent.port}; control socket ${path}.`);
}
