// A plain-HTTP pass-through in front of a registry that counts requests by method and kind, so
// the benchmark measures what any client (istream's CLI, skopeo) asks of the registry without
// trusting the client's own accounting. Clients reach it as an insecure (plain HTTP) registry;
// it speaks HTTPS upstream when the registry does.
import http from 'node:http';
import https from 'node:https';

/** `manifest`, `blob`, `tags` (tags/list), `ping` (/v2/) or `other`, from a distribution API path. */
function requestKind(path) {
  const pathname = new URL(path, 'http://registry').pathname;
  if (pathname === '/v2/' || pathname === '/v2') return 'ping';
  const match = /^\/v2\/.+\/(manifests|blobs|tags)\/[^/]+$/.exec(pathname);
  if (!match) return 'other';
  return { manifests: 'manifest', blobs: 'blob', tags: 'tags' }[match[1]];
}

/**
 * Starts the proxy on a free loopback port. `take()` returns the counts since the last take
 * (keys like `HEAD manifest`) and starts over.
 */
export async function startCountingProxy({ url, caPem }) {
  const upstream = new URL(url);
  const transport = upstream.protocol === 'https:' ? https : http;
  const agent = new transport.Agent({ keepAlive: true, ...(caPem ? { ca: caPem } : {}) });
  let counts = new Map();

  const server = http.createServer((req, res) => {
    const key = `${req.method} ${requestKind(req.url)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const target = new URL(req.url, upstream);
    const forward = transport.request(
      target,
      { method: req.method, headers: { ...req.headers, host: upstream.host }, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', (error) => res.destroy(error));
    req.pipe(forward);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    host: `127.0.0.1:${server.address().port}`,
    take() {
      const taken = Object.fromEntries(counts);
      counts = new Map();
      return taken;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      agent.destroy();
    },
  };
}
