// The digest a trigger writes really runs: on the sandbox's real node, the Deployment the
// controller pins to the stream's image prints image A's build-info file, and B's once the tag
// has moved and been imported again. kwok would report both as Running without pulling anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defer, pushFixtures, startRegistry } from '@istream/test-harness';
import { realNodePlacement, sharedRealNode, trustRegistry } from '@istream/test-harness/cluster/index';
import { cli, clusterWithCrd, getJson, ok, runController, waitFor, type Cluster } from './support.js';

interface Pod {
  metadata: { name: string; deletionTimestamp?: string };
  spec: { containers: Array<{ image: string }> };
  status: { phase: string };
}

/** The log of the Deployment's one running, not terminating pod once it runs `image`. */
async function runningLog(cluster: Cluster, ns: string, image: string): Promise<string> {
  const pod = await waitFor(
    `a running myapp pod of ${image}`,
    async () => {
      const pods = (await getJson<{ items: Pod[] }>(cluster, ns, 'pods')).items.filter(
        (p) => !p.metadata.deletionTimestamp,
      );
      return pods.length === 1 && pods[0]!.spec.containers[0]!.image === image && pods[0]!.status.phase === 'Running'
        ? pods[0]
        : undefined;
    },
    120_000,
  );
  // Running is reported when the process started, which may be before it printed.
  return waitFor(
    `the log of ${pod.metadata.name}`,
    async () => (await ok(cluster, ['logs', pod.metadata.name], { namespace: ns })) || undefined,
  );
}

test('on the real node, the triggered Deployment runs image A, then image B after the import', async (t) => {
  const registry = await startRegistry({ mode: 'plain' });
  defer(t, () => registry.stop());
  const [fixtures, node, cluster] = await Promise.all([pushFixtures(registry), sharedRealNode(), clusterWithCrd()]);
  await trustRegistry(node, registry);
  const { repository, tag } = fixtures.floating;
  const aRef = fixtures.digestReference(fixtures.floating.A, repository);
  const bRef = fixtures.digestReference(fixtures.floating.B, repository);

  const ns = await cluster.createNamespace('real-node');
  defer(t, () => cluster.kubectl(['delete', 'namespace', ns, '--wait=false']));
  const controller = await runController(cluster.kubeconfig, ns);
  defer(t, () => controller.stop());
  const flags = ['-n', ns, '--kubeconfig', cluster.kubeconfig];

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
  const myapp = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'myapp' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'myapp' } },
      template: {
        metadata: { labels: { app: 'myapp' } },
        spec: {
          ...realNodePlacement,
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'myapp',
              image: `${registry.host}/${repository}:${tag}`,
              command: ['/bin/bash', '-c', 'ls /root/buildinfo/; exec sleep 3600'],
            },
          ],
        },
      },
    },
  };
  await ok(cluster, ['apply', '-f', '-'], { namespace: ns, input: JSON.stringify(myapp) });
  await cli(['set-triggers', 'deployment/myapp', '--from-image', 'ubi:8', '-c', 'myapp', ...flags]);
  assert.equal(await runningLog(cluster, ns, aRef), 'Dockerfile-ubi8-8.0-122\n');

  await fixtures.moveFloatingTag('B');
  await cli(['import-image', 'ubi', '--confirm', '--all', ...flags]);
  assert.equal(await runningLog(cluster, ns, bRef), 'Dockerfile-ubi8-8.0-154\n');
});
