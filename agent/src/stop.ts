/** `kalshi-keys-agent stop`: asks a running agent to stop, as the extension's off switch does. */
import { once } from 'node:events';
import { connectTo, controlSocket } from './control-socket';
import { encodeMessage } from './native-messaging';

export async function stopAgent(env: Record<string, string | undefined>): Promise<string> {
  const socket = await connectTo(controlSocket(env)).catch(() => undefined);
  if (!socket) return 'kalshi-keys-agent is not running.';
  socket.resume(); // its hello or busy: not needed
  socket.end(encodeMessage({ type: 'off' }));
  await once(socket, 'close');
  return 'kalshi-keys-agent has stopped.';
}
