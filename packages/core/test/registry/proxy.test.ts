// HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment the client is given, through a real
// (minimal) CONNECT proxy to the real registry.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startRegistry, type RegistryInstance } from '@istream/test-harness';
import { RegistryClient, RegistryNotFoundError } from '@istream/core/registry';

let registry: RegistryInstance;
let proxy: Server;
let proxyUrl: string;
const tunnels: string[] = [];

before(async () => {
  registry = await startRegistry({ mode: 'plain' });
  proxy = createServer((_req, res) => res.writeHead(405).end('CONNECT only'));
  proxy.on('connect', (req, client, head) => {
    tunnels.push(req.url ?? '');
    const [host = '', port = ''] = (req.url ?? '').split(':');
    if (host !== '127.0.0.1') {
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'); // this test machine has no way out
      return;
    }
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
after(async () => {
  proxy.closeAllConnections();
  await new Promise((resolve) => proxy.close(resolve));
  await registry.stop();
});

test('requests go through HTTPS_PROXY/HTTP_PROXY, except hosts in NO_PROXY', async () => {
  const proxied = new RegistryClient({ insecure: true, env: { HTTPS_PROXY: proxyUrl, HTTP_PROXY: proxyUrl } });
  // A missing tag proves the request reached the registry: only it answers MANIFEST_UNKNOWN.
  await assert.rejects(proxied.resolve(`${registry.host}/app:missing`), RegistryNotFoundError);
  await proxied.close();
  assert.ok(tunnels.length > 0 && tunnels.every((t) => t === registry.host), `tunnels: ${tunnels.join(', ')}`);

  tunnels.length = 0;
  const direct = new RegistryClient({
    insecure: true,
    env: { HTTPS_PROXY: proxyUrl, HTTP_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' },
  });
  await assert.rejects(direct.resolve(`${registry.host}/app:missing`), RegistryNotFoundError);
  await direct.close();
  assert.deepEqual(tunnels, []);
});

test('Docker Hub references are asked of registry-1.docker.io', async () => {
  tunnels.length = 0;
  const client = new RegistryClient({ env: { HTTPS_PROXY: proxyUrl }, retry: { attempts: 1 } });
  await assert.rejects(client.resolve('ubuntu:22.04'), {
    message: 'cannot reach registry registry-1.docker.io: the proxy refused to connect to it (HTTP 502 to CONNECT)',
  });
  await client.close();
  assert.deepEqual(tunnels, ['registry-1.docker.io:443']);
});
