// What every server of the controller process (health, admission, registry events) does alike:
// listen on a kube-style bind address and name what it bound, and read a request body with a cap.
import type { IncomingMessage } from 'node:http';
import type { Server } from 'node:net';
import { parseBindAddress } from './health-server.js';

/** Listens on `bindAddress` (":8443", "127.0.0.1:0", ...) and resolves with the "host:port" bound. */
export async function listenOn(server: Server, bindAddress: string): Promise<string> {
  const { host, port } = parseBindAddress(bindAddress) ?? { port: 0 };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') return String(address);
  return `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
}

/** A body over the cap: the request is cut off, and the caller answers 413 or 400. */
export class BodyTooLargeError extends Error {}

/** The whole request body, or a BodyTooLargeError once it passes `maxBytes`. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) req.destroy(new BodyTooLargeError(`request body over ${maxBytes} bytes`));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
