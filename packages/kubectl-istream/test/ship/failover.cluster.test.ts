// The controller image as `install` runs it, for real: two pods pulled and started on the sandbox's
// real node (placed there with install's --node-selector and --toleration), one holding the Lease.
// Deleting the leader pod, as a node drain or `kubectl delete pod` does, hands the Lease to
// another replica (the standby, or the ReplicaSet's replacement if it is quicker) within the Lease
// duration, and that replica then rolls the triggered Deployment.
// The install has a namespace of its own (--install-namespace) and acts on the test's namespace
// only (--watch-namespace), so it shares the sandbox with every other test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connectCluster, kubeClient, resourcePath } from '@istream/core/cluster';
import { defer, startRegistry } from '@istream/test-harness';
import { sharedRealNode, trustRegistry } from '@istream/test-harness/cluster/index';
import {
  applyTriggeredDeployment,
  type Cluster,
  clusterWithCrd,
  containerImage,
  digestA,
  digestB,
  getJson,
  itemAt,
  ok,
  putStream,
  setItems,
  waitFor,
} from '../controller/support.js';
import {
  type ControllerPod as Pod,
  installOnRealNode,
  podSummary,
  pushControllerImage,
  twoReadyPods,
} from './support.js';

const repo = 'registry.test/team/ubi';
const digestC = `sha256:${'c3'.repeat(32)}`;
const A = itemAt(repo, digestA);
const B = itemAt(repo, digestB);
const C = itemAt(repo, digestC);

interface Lease {
  spec: { holderIdentity?: string; leaseDurationSeconds?: number; leaseTransitions?: number };
}

/**
 * Waits until the controller in `pod` has logged exactly these rollouts ([workload, image] per
 * `rolled` line of its JSON log). The line is written after the update it reports, and reaches
 * `kubectl logs` later still.
 */
async function rolledBy(cluster: Cluster, ns: string, pod: Pod, expected: string[][]): Promise<void> {
  let seen: string[][] = [];
  await waitFor(`${pod.metadata.name} to log its rollouts`, async () => {
    seen = (await ok(cluster, ['logs', pod.metadata.name], { namespace: ns }))
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; workload?: string; to?: string })
      .filter((l) => l.msg === 'rolled')
      .map((l) => [l.workload ?? '', l.to ?? '']);
    return seen.length >= expected.length || undefined;
  }).catch(() => undefined); // on a timeout, the assertion says what was logged
  assert.deepEqual(seen, expected, `what ${pod.metadata.name} rolled`);
}

test('two controller pods on the real node: deleting the leader hands the Lease to another replica within the Lease duration, and it keeps rolling', async (t) => {
  // On disk: the in-memory registry takes about a minute for the image's two 48 MB layers.
  const registry = await startRegistry({ mode: 'plain', storage: 'disk' });
  defer(t, () => registry.stop());
  const [node, cluster] = await Promise.all([sharedRealNode(), clusterWithCrd()]);
  await trustRegistry(node, registry);

  // The build reuses ~/.cache/istream/ship (Node packages, Debian packages, compressed layers).
  const image = `${registry.host}/istream/istream-controller:failover`;
  const buildStart = Date.now();
  const { log: imageLog } = await pushControllerImage(t, image);
  const buildMs = Date.now() - buildStart;

  const installNs = await cluster.createNamespace('istream-ha');
  const appNs = await cluster.createNamespace('ha-app');
  defer(t, () => cluster.kubectl(['delete', 'namespace', appNs, '--wait=false']));
  const installStart = Date.now();
  const pods = await installOnRealNode(t, cluster, { image, installNs, watchNs: appNs, node: node.name });
  const readyMs = Date.now() - installStart;

  const connection = connectCluster({ kubeconfig: cluster.kubeconfig }, {});
  const leasePath = resourcePath('coordination.k8s.io/v1', 'leases', installNs, 'istream-controller');
  const holder = async (): Promise<Pod | undefined> => {
    const lease = await kubeClient(connection).call<Lease>(leasePath);
    return pods.find((p) => lease.spec.holderIdentity?.startsWith(`${p.metadata.name}_`));
  };
  const leader = await waitFor('one of the pods to hold the Lease', holder, 60_000);

  await putStream(cluster, appNs, 'ubi', '8', `${repo}:8`, [A]);
  await applyTriggeredDeployment(cluster, appNs, 'myapp', { stream: 'ubi:8' });
  const imageOf = async (item: { ref: string }) =>
    (await containerImage(cluster, appNs, 'deployment/myapp', 'myapp')) === item.ref || undefined;
  await waitFor('myapp at A', () => imageOf(A), 60_000);
  await setItems(cluster, appNs, 'ubi', '8', [B, A]);
  await waitFor('myapp at B', () => imageOf(B), 60_000);
  const workload = `Deployment/${appNs}/myapp`;
  await rolledBy(cluster, installNs, leader, [
    [workload, A.ref],
    [workload, B.ref],
  ]);

  const lease = await kubeClient(connection).call<Lease>(leasePath);
  const durationMs = (lease.spec.leaseDurationSeconds ?? 0) * 1000;
  // The deleted pod's log is gone with it; what it said while stopping (its release of the Lease)
  // is followed from before the deletion, for the assertion's message.
  let leaderLog = '';
  const follow = spawn(
    cluster.kubectlPath,
    ['--kubeconfig', cluster.kubeconfig, 'logs', '-f', '--tail=5', leader.metadata.name, '-n', installNs],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  follow.stdout.on('data', (chunk: Buffer) => (leaderLog += chunk.toString()));
  defer(t, () => follow.kill());
  const deleted = Date.now();
  await ok(cluster, ['delete', 'pod', leader.metadata.name, '--wait=false'], { namespace: installNs });
  // Any replica but the deleted one may take over: the standby, or the replacement the ReplicaSet
  // starts at once, which tries as soon as it runs while the standby retries every 2 s.
  const currentHolder = async (): Promise<Pod | undefined> => {
    const { spec } = await kubeClient(connection).call<Lease>(leasePath);
    const now = (await getJson<{ items: Pod[] }>(cluster, installNs, 'pods')).items;
    return now.find((p) => spec.holderIdentity?.startsWith(`${p.metadata.name}_`));
  };
  const newHolder = await waitFor(
    'another replica to take the Lease',
    async () => {
      const pod = await currentHolder();
      if (pod && pod.metadata.name !== leader.metadata.name) return pod;
      const { spec } = await kubeClient(connection).call<Lease>(leasePath);
      const now = (await getJson<{ items: Pod[] }>(cluster, installNs, 'pods')).items.map(podSummary);
      throw new Error(`the Lease is held by "${spec.holderIdentity ?? ''}"; pods: ${now.join('; ')}`);
    },
    durationMs + 30_000,
  );
  const takeoverMs = Date.now() - deleted;
  assert.ok(
    takeoverMs < durationMs,
    `${newHolder.metadata.name} took the Lease ${takeoverMs} ms after the leader pod was deleted; the Lease lasts ${durationMs} ms. The deleted leader's last lines:\n${leaderLog}`,
  );
  assert.equal(
    (await kubeClient(connection).call<Lease>(leasePath)).spec.leaseTransitions,
    (lease.spec.leaseTransitions ?? 0) + 1,
  );

  await setItems(cluster, appNs, 'ubi', '8', [C, B, A]);
  await waitFor('myapp at C', () => imageOf(C), 60_000);
  const rolledMs = Date.now() - deleted;
  await rolledBy(cluster, installNs, newHolder, [[workload, C.ref]]);

  // The Deployment is back to two replicas: the new leader keeps the Lease, the other stands by.
  const replaced = await twoReadyPods(cluster, installNs, 120_000);
  assert.ok(replaced.some((p) => p.metadata.name === newHolder.metadata.name));
  assert.ok(!replaced.some((p) => p.metadata.name === leader.metadata.name));
  assert.equal((await currentHolder())?.metadata.name, newHolder.metadata.name, 'the new leader keeps the Lease');

  t.diagnostic(
    `controller failover: image build+push ${buildMs} ms (${/ in [\d.]+ s/.exec(imageLog)?.[0].trim() ?? '?'}); install to 2 Ready pods ${readyMs} ms; ` +
      `leader pod deleted -> ${newHolder.metadata.name === pods.find((p) => p !== leader)?.metadata.name ? 'the standby' : 'the replacement'} holds the Lease ${takeoverMs} ms (Lease ${durationMs} ms); ` +
      `-> Deployment rolled by it ${rolledMs} ms`,
  );
});
