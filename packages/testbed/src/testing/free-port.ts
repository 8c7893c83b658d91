import { createServer } from 'node:net';

/**
 * A TCP port free on `host` (default loopback) when asked: bound to port 0, read, released. For
 * a listener whose address must be known before it starts (a public URL in its settings).
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}
