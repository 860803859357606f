// A loopback node:http server for faults the real registry cannot produce (wrong digests, 429
// storms, resets, paged tag lists). Tests that use it say which fault it stands in for.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeServer {
  /** `127.0.0.1:PORT`, as image references name it. */
  host: string;
  /** Every request line received, e.g. `HEAD /v2/app/manifests/v1`. */
  requests: string[];
  close(): Promise<void>;
}

export async function serveFake(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<FakeServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
