import { createServer } from 'node:net';

/**
 * A loopback TCP port (or one on the IP `host`) that was free a moment ago. Another process may still
 * take it before the caller binds it, so callers that spawn a server retry on "address already in use".
 */
export async function freeLoopbackPort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('loopback listener has no TCP port');
  return address.port;
}
