// A loopback port in front of a real server (the registry, the API server) whose path can be cut
// and restored: while cut, connecting is refused as if the server were stopped; the server itself
// keeps its state, so nothing has to be set up again when the path comes back.
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface CuttableLink {
  /** `127.0.0.1:PORT`: the same port while cut and after being restored. */
  host: string;
  /** Closes the port and every connection through it. */
  cut(): Promise<void>;
  /** Listens on the same port again. */
  restore(): Promise<void>;
}

/** A link to `target` (`HOST:PORT`), up or cut at first. */
export async function cuttableLink(target: string, { up }: { up: boolean }): Promise<CuttableLink> {
  const url = new URL(`tcp://${target}`);
  const sockets = new Set<Socket>();
  let server: Server | undefined;

  const listen = async (port: number): Promise<number> => {
    const listening = createServer((client) => {
      const upstream = connect(Number(url.port), url.hostname);
      for (const [socket, peer] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => peer.destroy());
        socket.pipe(peer);
      }
    });
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(port, '127.0.0.1', resolve);
    });
    server = listening;
    return (listening.address() as AddressInfo).port;
  };
  const cut = async (): Promise<void> => {
    const closing = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
  };

  const port = await listen(0);
  if (!up) await cut();
  return {
    host: `127.0.0.1:${port}`,
    cut,
    async restore() {
      if (!server) await listen(port);
    },
  };
}
