// Every request made through a connection is reported to its onRequest (what `-v=6` prints), and
// writers that lose a race are retried as client-go's retry.RetryOnConflict retries them; answers
// that ask for a wait (429 or 5xx with Retry-After) are waited out and sent again, as client-go does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { defer, scratchDir } from '@istream/test-harness';
import { sharedCluster } from '@istream/test-harness/cluster/index';
import {
  applyObject,
  connectCluster,
  imageStreamClient,
  KubeApiError,
  kubeClient,
  KubeUnreachableError,
  retryOnConflict,
  type KubeRequestEvent,
} from '../../src/cluster/index.js';

const scratch = scratchDir();

const summary = (e: KubeRequestEvent): string => `${e.method} ${new URL(e.url).pathname} ${e.status}`;

test('requests for streams, discovery and apply are each reported with method, URL, status and duration', async () => {
  const cluster = await sharedCluster();
  const ns = await cluster.createNamespace('requests');
  const events: KubeRequestEvent[] = [];
  const connection = connectCluster(
    { kubeconfig: cluster.kubeconfig, namespace: ns },
    {},
    { onRequest: (e) => events.push(e) },
  );

  await imageStreamClient(connection).pullSecrets(ns);
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'settings', namespace: ns, labels: { app: 'settings' } },
    data: { a: '1' },
  };
  assert.equal((await applyObject(connection, configMap)).outcome, 'created');
  assert.equal((await applyObject(connection, configMap)).outcome, 'unchanged');

  assert.deepEqual(events.map(summary), [
    `GET /api/v1/namespaces/${ns}/secrets 200`,
    'GET /api/v1 200',
    `GET /api/v1/namespaces/${ns}/configmaps/settings 404`,
    `POST /api/v1/namespaces/${ns}/configmaps 201`,
    'GET /api/v1 200',
    `GET /api/v1/namespaces/${ns}/configmaps/settings 200`,
  ]);
  assert.ok(
    events.every((e) => e.url.startsWith(`${cluster.server}/`) && Number.isInteger(e.durationMs) && e.durationMs >= 0),
    JSON.stringify(events),
  );
});

test("a connection's User-Agent names its writes: the API server makes it the field manager", async () => {
  const cluster = await sharedCluster();
  const ns = await cluster.createNamespace('user-agent');
  const managersOf = async (userAgent: string | undefined, name: string): Promise<string[]> => {
    const connection = connectCluster({ kubeconfig: cluster.kubeconfig, namespace: ns }, {}, { userAgent });
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { a: '1' } };
    const { object } = await applyObject(connection, configMap);
    const { managedFields = [] } = object.metadata as { managedFields?: Array<{ manager: string }> };
    return managedFields.map((m) => m.manager);
  };
  assert.deepEqual(await managersOf('istream-test/1.2.3 (linux/amd64) istream/0123abc', 'named'), ['istream-test']);
  // What every write said before clients named themselves.
  assert.deepEqual(await managersOf(undefined, 'anonymous'), ['unknown']);
});

test('a request that gets no answer is reported without a status and fails naming the server', async () => {
  const kubeconfig = join(mkdtempSync(join(scratch, 'requests-')), 'config');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'x',
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    }),
  );
  const events: KubeRequestEvent[] = [];
  const connection = connectCluster({ kubeconfig }, {}, { onRequest: (e) => events.push(e) });
  await assert.rejects(
    imageStreamClient(connection).pullSecrets('default'),
    (e: unknown) =>
      e instanceof KubeUnreachableError &&
      e.message === 'cannot reach the Kubernetes API at https://127.0.0.1:1: ECONNREFUSED',
  );
  assert.deepEqual(events.map(summary), ['GET /api/v1/namespaces/default/secrets undefined']);
});

test('retryOnConflict redoes a write that lost a race, five attempts in all, and passes other errors at once', async () => {
  const conflict = new KubeApiError(409, 'Conflict', 'the object has been modified');
  let calls = 0;
  assert.equal(
    await retryOnConflict(async () => {
      calls += 1;
      if (calls < 3) throw conflict;
      return 'written';
    }),
    'written',
  );
  assert.equal(calls, 3);

  calls = 0;
  await assert.rejects(
    retryOnConflict(async () => {
      calls += 1;
      throw conflict;
    }),
    conflict,
  );
  assert.equal(calls, 5, 'client-go DefaultRetry: 5 steps');

  calls = 0;
  const forbidden = new KubeApiError(403, 'Forbidden', 'no');
  await assert.rejects(
    retryOnConflict(async () => {
      calls += 1;
      throw forbidden;
    }),
    forbidden,
  );
  assert.equal(calls, 1);
});

test('an answer of 429 with Retry-After is waited out and the request sent again, as client-go does', async (t) => {
  // A hand-written server: the real API server answers this way only in the moment a CRD's storage
  // re-initialises (after the CRD is updated), which a test cannot hit on demand.
  const initializing = JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    message: 'storage is (re)initializing',
    reason: 'TooManyRequests',
    details: { retryAfterSeconds: 1 },
    code: 429,
  });
  let answered = 0;
  const server = createServer((req, res) => {
    answered += 1;
    if (req.url?.startsWith('/busy') || answered === 1) {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' }).end(initializing);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'SecretList', items: [] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  defer(t, () => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  const kubeconfig = join(mkdtempSync(join(scratch, 'requests-')), 'config');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'x',
      clusters: [{ name: 'c', cluster: { server: `http://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    }),
  );
  const events: KubeRequestEvent[] = [];
  const connection = connectCluster({ kubeconfig }, {}, { onRequest: (e) => events.push(e) });
  assert.deepEqual(await imageStreamClient(connection).pullSecrets('default'), []);
  assert.deepEqual(
    events.map((e) => e.status),
    [429, 200],
    'the 429 was retried once',
  );

  answered = 0;
  await assert.rejects(
    kubeClient(connection).call('/busy'),
    (e: unknown) => e instanceof KubeApiError && e.status === 429 && e.message === 'storage is (re)initializing',
  );
  assert.equal(answered, 10, 'ten attempts at the most');
});
