import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HealthSources {
  /** The process is alive and its loops are not wedged. */
  healthy(): boolean;
  /** Caches are synced and this replica is acting (or standing by as a follower). */
  ready(): boolean;
  metrics(): string;
}

export interface HealthServer {
  /** "host:port" actually bound (port 0 picks a free one). */
  readonly address: string;
  close(): Promise<void>;
}

/** Parses kube-style bind addresses: ":8080", "127.0.0.1:8080", "0" (disabled). */
export function parseBindAddress(value: string): { host?: string; port: number } | undefined {
  if (value === '0') return undefined;
  const match = /^(.*):(\d+)$/.exec(value);
  if (!match) throw new Error(`invalid bind address "${value}": use HOST:PORT, :PORT or 0 to disable`);
  const host = match[1] === '' ? undefined : match[1]?.replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(match[2]) };
}

/** Serves /healthz, /readyz and /metrics the way kube components do. */
export async function startHealthServer(
  bind: { host?: string; port: number },
  sources: HealthSources,
): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const probe = (ok: boolean): void => {
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8' }).end(ok ? 'ok' : 'not ok');
    };
    if (path === '/healthz' || path === '/livez') probe(sources.healthy());
    else if (path === '/readyz') probe(sources.ready());
    else if (path === '/metrics')
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(sources.metrics());
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(bind.port, bind.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    address: `${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
