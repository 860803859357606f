// The seed article end to end on the real control plane and a real registry: a Deployment created
// from the floating tag, import-image, set-triggers, the tag moved and imported again, describe,
// rollback. After every step the Deployment shows the stream's current image and the rollout
// completed (one ReplicaSet with replicas, the others scaled to 0).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defer, pushFixtures, startRegistry } from '@istream/test-harness';
import {
  cli,
  clusterWithCrd,
  containerImage,
  deployment,
  getJson,
  ok,
  runController,
  waitFor,
  type Cluster,
} from './support.js';

interface ReplicaSet {
  metadata: { name: string };
  spec: { replicas: number; template: { spec: { containers: Array<{ image: string }> } } };
  status: { replicas?: number };
}

async function currentReference(cluster: Cluster, ns: string): Promise<string> {
  const stream = await getJson<{
    status: { tags: Array<{ tag: string; items: Array<{ dockerImageReference: string }> }> };
  }>(cluster, ns, 'imagestream/ubi');
  const ref = stream.status.tags.find((t) => t.tag === '8')?.items[0]?.dockerImageReference;
  assert.ok(ref, 'the stream has a current item for ubi:8');
  return ref;
}

/** Waits until the Deployment runs `image` and its rollout is complete; returns the ReplicaSets. */
async function rolledOutTo(cluster: Cluster, ns: string, image: string): Promise<ReplicaSet[]> {
  await waitFor(
    `myapp at ${image}`,
    async () => (await containerImage(cluster, ns, 'deployment/myapp', 'myapp')) === image,
  );
  await ok(cluster, ['rollout', 'status', 'deployment/myapp', '--timeout=60s'], { namespace: ns });
  return waitFor(
    'old ReplicaSets scaled to 0',
    async () => {
      const list = (await getJson<{ items: ReplicaSet[] }>(cluster, ns, 'replicasets')).items;
      const active = list.filter((rs) => rs.spec.replicas > 0 || (rs.status.replicas ?? 0) > 0);
      return active.length === 1 && active[0]!.spec.template.spec.containers[0]!.image === image ? list : undefined;
    },
    60_000,
  );
}

test('the seed walkthrough: import, set-triggers, tag moved, import, describe, rollback', async (t) => {
  const registry = await startRegistry({ mode: 'plain' });
  defer(t, () => registry.stop());
  const fixtures = await pushFixtures(registry);
  const { repository, tag } = fixtures.floating;
  const floating = `${registry.host}/${repository}:${tag}`;
  const aRef = fixtures.digestReference(fixtures.floating.A, fixtures.floating.repository);
  const bRef = fixtures.digestReference(fixtures.floating.B, fixtures.floating.repository);

  const cluster = await clusterWithCrd();
  const ns = await cluster.createNamespace('walkthrough');
  const controller = await runController(cluster.kubeconfig, ns);
  defer(t, () => controller.stop());
  const flags = ['-n', ns, '--kubeconfig', cluster.kubeconfig];

  await ok(cluster, ['apply', '-f', '-'], {
    namespace: ns,
    input: JSON.stringify(deployment('myapp', [{ name: 'myapp', image: floating }])),
  });
  let replicaSets = await rolledOutTo(cluster, ns, floating);
  assert.equal(replicaSets.length, 1);

  // The sandbox registry speaks plain HTTP on loopback, so the import is marked insecure.
  await cli([
    'import-image',
    'ubi',
    '--confirm',
    '--all',
    '--insecure',
    '--from',
    `${registry.host}/${repository}`,
    ...flags,
  ]);
  assert.equal(await currentReference(cluster, ns), aRef);

  assert.match(
    await cli(['set-triggers', 'deployment/myapp', '--from-image', 'ubi:8', '-c', 'myapp', ...flags]),
    /deployment.apps\/myapp triggers updated/,
  );
  replicaSets = await rolledOutTo(cluster, ns, aRef);
  assert.equal(replicaSets.length, 2, 'the trigger made a new ReplicaSet');

  await fixtures.moveFloatingTag('B');
  assert.equal(await containerImage(cluster, ns, 'deployment/myapp', 'myapp'), aRef, 'nothing moves before the import');
  await cli(['import-image', 'ubi', '--confirm', '--all', ...flags]);
  assert.equal(await currentReference(cluster, ns), bRef);
  replicaSets = await rolledOutTo(cluster, ns, bRef);
  assert.equal(replicaSets.length, 3, 'the import made a new ReplicaSet');

  const described = await cli(['describe', 'is', 'ubi', ...flags]);
  assert.ok(described.indexOf(`* ${bRef}`) >= 0, `B is the current item:\n${described}`);
  assert.ok(described.indexOf(aRef) > described.indexOf(bRef), 'A is listed below B');

  assert.match(
    await cli(['rollback', 'ubi:8', ...flags]),
    /imagestreamtag.image.openshift.io\/ubi:8 rolled back to revision 1/,
  );
  assert.equal(await currentReference(cluster, ns), aRef);
  replicaSets = await rolledOutTo(cluster, ns, aRef);
  assert.equal(replicaSets.length, 3, "rolling back to A scales A's ReplicaSet up again");
  assert.match(
    await cli(['describe', 'is', 'ubi', ...flags]),
    /pinned to ubi@sha256:[0-9a-f]{64} by a rollback/,
    'describe says the tag is pinned',
  );
});
