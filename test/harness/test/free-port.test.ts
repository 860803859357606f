import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { ephemeralPortRange, freeLoopbackPort } from '../src/free-port.js';

// A port inside the ephemeral range can be taken by any test's outgoing connection between the
// choice and the server's bind: the EADDRINUSE that failed CI once.
test('a chosen port lies below the ephemeral range, binds, and is not handed out twice', async () => {
  const { low } = ephemeralPortRange();
  const ports = await Promise.all(Array.from({ length: 20 }, () => freeLoopbackPort()));
  assert.equal(new Set(ports).size, ports.length, `a port handed out twice: ${ports.join(', ')}`);
  for (const port of ports) assert.ok(port < low, `port ${port} is inside the ephemeral range (from ${low})`);
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(ports[0], '127.0.0.1', resolve);
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
