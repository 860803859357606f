// A write of the informer's owner shows in the cache at once and its watch event is dropped
// unread, on the real API server; writes by anyone else, and anything the watch brought first,
// win over it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedCluster } from '@istream/test-harness/cluster/index';
import { defer, waitFor } from '@istream/test-harness';
import {
  connectCluster,
  JSON_PATCH_CONTENT_TYPE,
  kubeClient,
  startInformer,
  type KubeClient,
  type KubeObject,
} from '../../src/cluster/index.js';

/** A JSON patch of `data.v`, conditional on `basedOn` as the trigger controller's writes are. */
function writeValue(api: KubeClient, path: string, value: string, basedOn: string): Promise<KubeObject> {
  return api.call<KubeObject>(path, {
    method: 'PATCH',
    contentType: JSON_PATCH_CONTENT_TYPE,
    body: [
      { op: 'replace', path: '/metadata/resourceVersion', value: basedOn },
      { op: 'replace', path: '/data/v', value },
    ],
  });
}

test('an own write is cached at once and its echo never parsed; later writes by others still arrive; a late assumption changes nothing', async (t) => {
  const cluster = await sharedCluster();
  const ns = await cluster.createNamespace('informer-own-writes');
  defer(t, () => cluster.kubectl(['delete', 'namespace', ns, '--wait=false']));
  const api = kubeClient(connectCluster({ kubeconfig: cluster.kubeconfig }, {}));
  defer(t, () => api.close());
  const collection = `/api/v1/namespaces/${ns}/configmaps`;
  for (const name of ['mine', 'other'])
    await api.call(collection, { method: 'POST', body: { metadata: { name }, data: { v: '0' } } });

  /** Every version of `mine` the informer decoded (listed, watched or assumed), in order. */
  const decoded: string[] = [];
  const changes: Array<{ name: string; value: string; previous?: string }> = [];
  const valueOf = (o: KubeObject | undefined) => (o as { data?: { v?: string } } | undefined)?.data?.v ?? '';
  const informer = startInformer<KubeObject>(
    api,
    collection,
    {
      onChange: (obj, previous) =>
        changes.push({
          name: obj.metadata!.name!,
          value: valueOf(obj),
          ...(previous ? { previous: valueOf(previous) } : {}),
        }),
      onDelete: () => undefined,
    },
    {
      transform: (obj) => {
        if (obj.metadata?.name === 'mine') decoded.push(valueOf(obj));
        return obj;
      },
    },
  );
  defer(t, () => informer.stop());
  await informer.synced();
  const mine = `${collection}/mine`;
  // The watch may bring a write's echo before the write's answer is read: the cache has then
  // moved past the version the write was based on, and the assumption rightly changes nothing.
  // Only a write assumed before its echo shows whether the echo is dropped unread, so the test
  // writes until one is (the echo came first in a fresh-clone CI run, and in three writes in a
  // row on a loaded machine).
  let assumed: string | undefined;
  /** Writes whose echo came first, in order. */
  const beaten: string[] = [];
  for (let attempt = 1; attempt <= 20 && assumed === undefined; attempt++) {
    const value = `w${attempt}`;
    const basedOn = informer.get('mine', ns)!.metadata!.resourceVersion!;
    const written = await writeValue(api, mine, value, basedOn);
    const echoCameFirst = informer.get('mine', ns)!.metadata!.resourceVersion !== basedOn;
    informer.assumeWritten(written, basedOn);
    if (echoCameFirst) {
      beaten.push(value);
      continue;
    }
    assumed = value;
    assert.equal(valueOf(informer.get('mine', ns)), assumed, 'the cache shows the write before any watch event');
    assert.equal(informer.get('mine', ns)!.metadata!.resourceVersion, written.metadata!.resourceVersion);
  }
  assert.ok(assumed, "the watch brought the echo before the write's answer twenty times running");

  // The watch is ordered: once a later change to `other` arrives, the echo of `mine` has passed.
  await cluster.kubectl(['-n', ns, 'patch', 'configmap', 'other', '--type=merge', '-p', '{"data":{"v":"1"}}']);
  await waitFor('the change to other', () => changes.find((c) => c.name === 'other' && c.value === '1'));
  assert.deepEqual(
    decoded,
    ['0', ...beaten.flatMap((value) => [value, value]), assumed],
    'listed; a write whose echo came first decoded as watched and as assumed; the assumed write once, its echo dropped before parsing',
  );
  assert.deepEqual(
    changes.filter((c) => c.name === 'mine'),
    [
      { name: 'mine', value: '0' },
      ...beaten.map((value, i) => ({ name: 'mine', value, previous: i === 0 ? '0' : beaten[i - 1] })),
    ],
    'no handler heard of the assumed write',
  );

  // Someone else's write is a change from what was assumed.
  await cluster.kubectl(['-n', ns, 'patch', 'configmap', 'mine', '--type=merge', '-p', '{"data":{"v":"2"}}']);
  const byOthers = await waitFor('the write by kubectl', () =>
    changes.find((c) => c.name === 'mine' && c.value === '2'),
  );
  assert.equal(byOthers.previous, assumed, 'the handler is told it replaced the assumed version');

  // A write whose answer is put in only after the watch brought it, and a change after that:
  // the late assumption must not take the cache back.
  const basedOn = informer.get('mine', ns)!.metadata!.resourceVersion!;
  const late = await writeValue(api, mine, '3', basedOn);
  await waitFor('the echo of the unassumed write', () => changes.find((c) => c.name === 'mine' && c.value === '3'));
  await cluster.kubectl(['-n', ns, 'patch', 'configmap', 'mine', '--type=merge', '-p', '{"data":{"v":"4"}}']);
  await waitFor('the next write by kubectl', () => changes.find((c) => c.name === 'mine' && c.value === '4'));
  informer.assumeWritten(late, basedOn);
  assert.equal(valueOf(informer.get('mine', ns)), '4', 'the cache keeps the newer version it watched');
});
