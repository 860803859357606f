import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** How many ports below the kernel's ephemeral range the harness chooses from. */
const choiceSpan = 12_000;

/**
 * The ports Linux hands to client sockets and port-0 listeners (ip_local_port_range). A port the
 * harness chooses for a server it starts later must lie outside it: inside, any test's outgoing
 * connection may take the port between the choice and the bind (seen as EADDRINUSE in CI).
 */
export function ephemeralPortRange(): { low: number; high: number } {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low !== undefined && high !== undefined && low > 0 && high >= low) return { low, high };
  } catch {
    // Not Linux: the range Linux has by default.
  }
  return { low: 32_768, high: 60_999 };
}

/** Ports this process has handed out: two servers started together never get the same one. */
const handedOut = new Set<number>();

function listenOnce(port: number, host: string): Promise<number | undefined> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(undefined));
    server.listen(port, host, () => {
      const address = server.address();
      server.close(() => resolve(address !== null && typeof address !== 'string' ? address.port : undefined));
    });
  });
}

/**
 * A loopback TCP port (or one on the IP `host`) that was free a moment ago, chosen below the
 * kernel's ephemeral range so no client socket or port-0 listener can take it meanwhile. Another
 * process choosing the same way still may, so callers that spawn a server retry on "address
 * already in use".
 */
export async function freeLoopbackPort(host = '127.0.0.1'): Promise<number> {
  const { low } = ephemeralPortRange();
  const first = Math.max(1_024, low - choiceSpan);
  for (let attempt = 0; attempt < 100 && low - first >= 1_000; attempt++) {
    const port = first + Math.floor(Math.random() * (low - first));
    if (handedOut.has(port) || (await listenOnce(port, host)) === undefined) continue;
    handedOut.add(port);
    return port;
  }
  // No room below the range (or all of it taken): the kernel's choice, as a last resort.
  const port = await listenOnce(0, host);
  if (port === undefined) throw new Error(`no free TCP port on ${host}`);
  handedOut.add(port);
  return port;
}
