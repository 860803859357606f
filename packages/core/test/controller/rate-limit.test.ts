// A 429 reaches the controller as an answer of kind 'rate-limited' carrying the registry's
// Retry-After, and pauses every import from that registry for that long. The 429 comes from a
// small node:http double: a real registry does not rate-limit on demand.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { defer } from '@istream/test-harness';
import { ImportReconciler } from '../../src/controller/imports.js';
import { RegistryBudget } from '../../src/controller/registry-budget.js';
import { registryImageSource, type ImageStream, type StreamChange } from '../../src/imagestream/index.js';
import { RegistryClient } from '../../src/registry/index.js';
import { serveFake, type FakeServer } from '../registry/fake-server.js';

const hour = 3_600_000;

/** A registry that refuses everything with 429 and Retry-After: 3600, and a client for it. */
async function rateLimitingRegistry(t: TestContext): Promise<{ server: FakeServer; client: RegistryClient }> {
  const server = await serveFake((_req, res) => {
    res.writeHead(429, { 'retry-after': '3600' });
    res.end();
  });
  defer(t, () => server.close());
  const client = new RegistryClient({ insecure: true });
  defer(t, () => client.close());
  return { server, client };
}

test('a registry that answers 429 with Retry-After is a rate-limited answer with its retry time', async (t) => {
  const { server, client } = await rateLimitingRegistry(t);
  const answer = await registryImageSource(client).resolve(`${server.host}/app:v1`, {
    insecure: true,
    importMode: 'Legacy',
  });
  if (answer.kind !== 'rate-limited') assert.fail(`expected a rate-limited answer, got ${JSON.stringify(answer)}`);
  assert.equal(answer.registry, server.host);
  assert.equal(answer.retryAfterMs, hour);
  assert.match(answer.message, /rate limiting requests \(429 Too Many Requests\): it asks to wait 3600s/);
});

test('the import controller pauses a rate-limiting registry for its Retry-After and records the failure', async (t) => {
  const { server, client } = await rateLimitingRegistry(t);
  let stream: ImageStream = {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name: 'app', namespace: 'demo', generation: 2 },
    spec: {
      tags: [
        {
          name: 'v1',
          from: { kind: 'DockerImage', name: `${server.host}/app:v1` },
          generation: 2,
          importPolicy: { insecure: true },
        },
      ],
    },
  };
  const now = Date.parse('2026-01-01T00:00:00Z');
  const budget = new RegistryBudget(60, () => now);
  const reconciler = new ImportReconciler({
    cached: () => stream,
    update: async (_ns, _name, change: (current: ImageStream | undefined) => StreamChange | undefined) => {
      stream = change(stream)?.stream ?? stream;
    },
    openSession: async () => ({ source: registryImageSource(client), close: async () => undefined }),
    sourceStreams: async () => () => undefined,
    budget,
    intervalMs: 15 * 60_000,
    now: () => new Date(now),
    random: () => 0,
  });
  await reconciler.reconcile('demo', 'app');
  assert.equal(budget.take(server.host), hour, 'no import from that registry for the hour it asked for');
  const condition = stream.status?.tags?.find((t) => t.tag === 'v1')?.conditions?.[0];
  assert.equal(condition?.reason, 'InternalError');
  assert.match(condition?.message ?? '', /is rate limiting requests \(429 Too Many Requests\)/);
});
