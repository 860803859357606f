// The transport's connection pool on Node's own http/https modules, for registries reached
// without a proxy (every one, unless HTTP(S)_PROXY is set). Node has them loaded already, so a
// one-HEAD command (`digest`) does not pay for evaluating undici and compiling its WebAssembly
// HTTP parser. Behind a proxy the transport uses undici's EnvHttpProxyAgent instead.
import http from 'node:http';
import https from 'node:https';
import type { SecureContext } from 'node:tls';

/** One request as the transport sends it: undici's dispatcher `request` options, the part it uses. */
export interface DispatchOptions {
  origin: string;
  path: string;
  method: string;
  headers: Record<string, string>;
  signal: AbortSignal;
  body?: string;
}

/** An answer whose body is read (or dumped) by the caller. */
export interface DispatchAnswer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: AsyncIterable<Uint8Array> & { dump(): Promise<void> };
}

/** What the transport needs of a pool: undici's Dispatcher has this shape too. */
export interface HttpDispatcher {
  request(options: DispatchOptions): Promise<DispatchAnswer>;
  close(): Promise<void>;
}

export interface NodeDispatcherOptions {
  /** Most connections open at once per origin. */
  connections: number;
  /** TLS: skip verification (insecure), or verify with this context (a registry's own CAs). */
  tls: { rejectUnauthorized: false } | { secureContext?: SecureContext };
}

/** A keep-alive pool per scheme over node:http and node:https. */
export function nodeDispatcher(options: NodeDispatcherOptions): HttpDispatcher {
  const pool = { keepAlive: true, maxSockets: options.connections };
  const agents = { http: new http.Agent(pool), https: new https.Agent({ ...pool, ...options.tls }) };
  return {
    request: (request) =>
      new Promise((resolve, reject) => {
        const url = new URL(request.path, request.origin);
        const secure = url.protocol === 'https:';
        const send = secure ? https.request : http.request;
        const req = send(url, {
          method: request.method,
          headers: request.headers,
          agent: secure ? agents.https : agents.http,
          signal: request.signal,
        });
        req.on('error', reject);
        req.on('response', (response) => {
          const body = Object.assign(response, {
            dump: () =>
              new Promise<void>((done) => {
                response.on('end', done).on('close', done).resume();
              }),
          });
          resolve({ statusCode: response.statusCode ?? 0, headers: response.headers, body });
        });
        req.end(request.body);
      }),
    close: async () => {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
