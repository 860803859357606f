// The informer lists page by page and caches what its transform keeps, on the real API server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedCluster } from '@istream/test-harness/cluster/index';
import { defer } from '@istream/test-harness';
import { connectCluster, kubeClient, startInformer, type KubeObject } from '../../src/cluster/index.js';

test('a list in pages of 2 caches all 5 objects, each as the transform trimmed it, and so are watched changes', async (t) => {
  const cluster = await sharedCluster();
  const ns = await cluster.createNamespace('informer-pages');
  defer(t, () => cluster.kubectl(['delete', 'namespace', ns, '--wait=false']));
  const lists: string[] = [];
  const api = kubeClient(
    connectCluster(
      { kubeconfig: cluster.kubeconfig },
      {},
      {
        onRequest: (e) => {
          if (e.method === 'GET' && !e.url.includes('watch=')) lists.push(e.url);
        },
      },
    ),
  );
  defer(t, () => api.close());
  const path = `/api/v1/namespaces/${ns}/configmaps`;
  const names = ['a', 'b', 'c', 'd', 'e'];
  for (const name of names) {
    await api.call(path, {
      method: 'POST',
      body: { metadata: { name, labels: { n: name } }, data: { big: 'x'.repeat(1000) } },
    });
  }
  const seen: KubeObject[] = [];
  const informer = startInformer<KubeObject>(
    api,
    path,
    { onChange: (obj) => seen.push(obj), onDelete: () => undefined },
    {
      pageSize: 2,
      transform: (obj) => {
        return {
          metadata: {
            name: obj.metadata?.name,
            namespace: obj.metadata?.namespace,
            resourceVersion: obj.metadata?.resourceVersion,
          },
        };
      },
    },
  );
  defer(t, () => informer.stop());
  await informer.synced();
  const cached = informer
    .list(ns)
    .map((o) => o.metadata?.name)
    .filter((n) => names.includes(n ?? ''));
  assert.deepEqual(cached.sort(), names);
  for (const obj of informer.list(ns)) assert.deepEqual(Object.keys(obj), ['metadata'], 'only what the transform kept');
  const listed = informer.list(ns).length;
  assert.equal(lists.length, Math.ceil(listed / 2), `one list request a page of 2:\n${lists.join('\n')}`);
  assert.ok(
    lists.slice(1).every((url) => url.includes('continue=')),
    lists.join('\n'),
  );

  await api.call(`${path}/c`, {
    method: 'PATCH',
    contentType: 'application/merge-patch+json',
    body: { data: { big: 'y' } },
  });
  const changed = await (async () => {
    for (let i = 0; i < 100; i++) {
      const c = seen.filter((o) => o.metadata?.name === 'c');
      if (c.length >= 2) return c.at(-1);
      await new Promise((r) => setTimeout(r, 100));
    }
    return undefined;
  })();
  assert.ok(changed, 'the watched change arrived');
  assert.deepEqual(Object.keys(changed), ['metadata']);
  assert.deepEqual(Object.keys(informer.get('c', ns) ?? {}), ['metadata']);
});
