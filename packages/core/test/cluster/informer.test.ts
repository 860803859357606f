// A watch that expires (410 Gone) must lead to a fresh list. A real apiserver only answers 410 once
// etcd has compacted past the watch's resourceVersion (minutes), so this one fault is played by a
// small hand-written server that speaks the list and watch protocol.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectCluster, KubeClient, startInformer, type KubeObject } from '../../src/cluster/index.js';
import { defer, scratchDir } from '@istream/test-harness';

const scratch = scratchDir();

const deployment = (name: string, rv: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'ns', resourceVersion: rv },
});

/** A client for a plain-HTTP test server, configured through a kubeconfig file as a user's would be. */
function clientFor(server: string): KubeClient {
  const kubeconfig = join(mkdtempSync(join(scratch, 'informer-')), 'config');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'x',
      clusters: [{ name: 'c', cluster: { server, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    }),
  );
  return new KubeClient(connectCluster({ kubeconfig }, {}).kubeConfig);
}

test('a watch answered with 410 Gone relists: objects gone meanwhile are deleted, new ones added', async (t) => {
  const lists: string[] = [];
  const open: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.searchParams.get('watch') !== 'true') {
      lists.push(url.pathname);
      const items = lists.length === 1 ? [deployment('old', '5')] : [deployment('new', '9')];
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          kind: 'DeploymentList',
          metadata: { resourceVersion: lists.length === 1 ? '5' : '9' },
          items,
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    if (url.searchParams.get('resourceVersion') === '5') {
      res.end(
        JSON.stringify({
          type: 'ERROR',
          object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' },
        }) + '\n',
      );
    } else {
      open.push(res);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  defer(
    t,
    () =>
      new Promise<void>((resolve) => {
        open.forEach((r) => r.destroy());
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const api = clientFor(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const changes: string[] = [];
  const deletes: string[] = [];
  const informer = startInformer<KubeObject>(api, '/apis/apps/v1/deployments', {
    onChange: (o) => changes.push(o.metadata?.name ?? ''),
    onDelete: (o) => deletes.push(o.metadata?.name ?? ''),
  });
  defer(t, async () => {
    await informer.stop();
    api.close();
  });
  await informer.synced();
  const deadline = Date.now() + 5000;
  while (lists.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(lists.length, 2, 'listed again after the 410');
  assert.deepEqual(changes, ['old', 'new']);
  assert.deepEqual(deletes, ['old']);
  assert.equal(informer.get('new', 'ns')?.metadata?.resourceVersion, '9');
  assert.equal(informer.get('old', 'ns'), undefined);
});

test('a watch that keeps failing is retried with growing delays, not at the first delay forever', async (t) => {
  // An apiserver that lists but answers every watch with 503 (as a restarting one does for a while);
  // a real one cannot be held in that state, so this fault is played by a hand-written server too.
  const watchesAt: number[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.searchParams.get('watch') === 'true') {
      watchesAt.push(Date.now());
      res.writeHead(503).end();
      return;
    }
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(
        JSON.stringify({ kind: 'DeploymentList', metadata: { resourceVersion: '5' }, items: [deployment('app', '5')] }),
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  defer(
    t,
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const api = clientFor(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const informer = startInformer<KubeObject>(api, '/apis/apps/v1/deployments', {
    onChange: () => undefined,
    onDelete: () => undefined,
  });
  defer(t, async () => {
    await informer.stop();
    api.close();
  });
  const deadline = Date.now() + 10_000;
  while (watchesAt.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const gaps = watchesAt.slice(1, 4).map((at, i) => at - watchesAt[i]!);
  // Delays of 0.5, 1 and 2 s; a delay reset after each failure would leave every gap near 0.5 s.
  assert.equal(gaps.length, 3, `${watchesAt.length} watch requests in 10 s`);
  assert.ok(gaps[2]! >= 1500 && gaps[2]! > gaps[0]!, `the delay grew: gaps ${gaps.join(', ')} ms`);
});
