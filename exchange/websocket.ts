/**
 * Kalshi's WebSocket (/trade-api/ws/v2) as much as a bot's connection needs to be tested: the
 * upgrade signed like a REST GET and verified on its own, then commands answered in Kalshi's
 * shapes. `subscribe` is confirmed and followed by one message on each channel; nothing else.
 * Frames per RFC 6455: text only, no fragments, masked from the client.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ownerOf } from './accounts';
import { authenticate } from './auth';
import type { ExchangeState } from './context';
import type { Env } from './state';

export const WEBSOCKET_PATH = '/trade-api/ws/v2';
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** One frame: FIN, the opcode, the payload's length, its mask if any. */
export function frame(opcode: number, payload: Buffer, mask?: Buffer): Buffer {
  const length = payload.length;
  if (length > 0xffff) throw new RangeError('frames over 64 KiB are not needed here');
  const head = length < 126 ? Buffer.from([0x80 | opcode, length]) : Buffer.from([0x80 | opcode, 126, length >> 8, length & 0xff]);
  if (!mask) return Buffer.concat([head, payload]);
  head[1]! |= 0x80;
  return Buffer.concat([head, mask, Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!))]);
}

/** Whole frames read from `buffer`: [opcode, payload] each, and what is left over. */
export function readFrames(buffer: Buffer): { frames: Array<[number, Buffer]>; rest: Buffer } {
  const frames: Array<[number, Buffer]> = [];
  let at = 0;
  for (;;) {
    if (buffer.length - at < 2) break;
    const opcode = buffer[at]! & 0x0f;
    const masked = (buffer[at + 1]! & 0x80) !== 0;
    let length = buffer[at + 1]! & 0x7f;
    let start = at + 2;
    if (length === 126) {
      if (buffer.length - at < 4) break;
      length = buffer.readUInt16BE(at + 2);
      start = at + 4;
    } else if (length === 127) throw new RangeError('frames over 64 KiB are not needed here');
    const mask = masked ? buffer.subarray(start, start + 4) : undefined;
    if (masked) start += 4;
    if (buffer.length < start + length) break;
    const payload = Buffer.from(buffer.subarray(start, start + length));
    if (mask) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
    frames.push([opcode, payload]);
    at = start + length;
  }
  return { frames, rest: buffer.subarray(at) };
}

/** Answers an upgrade to the WebSocket path; false when the request is not one (the caller refuses it). */
export function acceptWebSocket(state: ExchangeState, env: Env, req: IncomingMessage, socket: Duplex): boolean {
  const key = req.headers['sec-websocket-key'];
  if (req.url !== WEBSOCKET_PATH || typeof key !== 'string') return false;
  const auth = authenticate((id) => ownerOf(state.accounts, env, id), 'GET', WEBSOCKET_PATH, req.headers, state.now(), state.maxSkewMs);
  if (!auth.ok) {
    // Guess: an unsigned or badly signed upgrade is refused with 401 before the switch.
    socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
    return true;
  }
  const accept = createHash('sha1')
    .update(key + GUID)
    .digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: ${accept}\r\n\r\n`);
  const send = (message: unknown) => socket.write(frame(0x1, Buffer.from(JSON.stringify(message))));
  let pending: Buffer = Buffer.alloc(0);
  let sid = 0;
  socket.on('data', (chunk: Buffer) => {
    const { frames, rest } = readFrames(Buffer.concat([pending, chunk]));
    pending = rest;
    for (const [opcode, payload] of frames) {
      if (opcode === 0x8) return void socket.end(frame(0x8, Buffer.alloc(0)));
      if (opcode === 0x9) socket.write(frame(0xa, payload));
      if (opcode !== 0x1) continue;
      let command: { id?: unknown; cmd?: unknown; params?: { channels?: unknown } };
      try {
        command = JSON.parse(payload.toString('utf8')) as typeof command;
      } catch {
        send({ type: 'error', msg: { code: 1, msg: 'Unable to process message' } });
        continue;
      }
      const channels = Array.isArray(command.params?.channels) ? command.params.channels.filter((c) => typeof c === 'string') : [];
      if (command.cmd !== 'subscribe' || channels.length === 0) {
        send({ id: command.id, type: 'error', msg: { code: 8, msg: 'Unknown command' } });
        continue;
      }
      for (const channel of channels) {
        sid++;
        send({ id: command.id, type: 'subscribed', msg: { channel, sid } });
        send({ type: channel, sid, seq: 1, msg: { market_ticker: 'SANDBOX', ts: Math.floor(state.now() / 1000) } });
      }
    }
  });
  socket.on('error', () => socket.destroy());
  return true;
}
