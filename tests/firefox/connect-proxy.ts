/**
 * Firefox has no --host-resolver-rules. Instead the test browser uses this HTTP proxy for every
 * connection: a CONNECT to one of Kalshi's four hosts on 443 is tunnelled to the local exchange,
 * anything else is refused and recorded. The extension keeps its real host names and TLS.
 */
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface ConnectProxy {
  readonly port: number;
  /** `host:port` of every CONNECT that was let through, oldest first. */
  readonly tunnelled: string[];
  /** Every other request (`host:port` or a plain-HTTP URL): not served. */
  readonly refused: string[];
  close(): Promise<void>;
}

/** Starts the proxy on 127.0.0.1; `hosts` go to 127.0.0.1:`targetPort`. */
export async function startConnectProxy(hosts: readonly string[], targetPort: number): Promise<ConnectProxy> {
  const allowed = new Set(hosts.map((h) => `${h.toLowerCase()}:443`));
  const tunnelled: string[] = [];
  const refused: string[] = [];
  const sockets = new Set<Socket>();

  const server: Server = createServer((req, res) => {
    // Plain HTTP through the proxy (Firefox's own background traffic): never answered with content.
    refused.push(req.url ?? '');
    res.writeHead(403).end();
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const target = (req.url ?? '').toLowerCase();
    if (!allowed.has(target)) {
      refused.push(target);
      client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    tunnelled.push(target);
    const upstream = connect(targetPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    const drop = () => {
      upstream.destroy();
      client.destroy();
    };
    upstream.on('error', drop);
    client.on('error', drop);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    tunnelled,
    refused,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
