// The cluster harness against the real control plane: controllers, scheduler and kwok do their
// jobs, RBAC is enforced for ServiceAccount tokens, and kubectl discovers the istream plugin.
import assert from 'node:assert/strict';
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, describe, test } from 'node:test';
import {
  type ClusterInstance,
  type KubectlResult,
  kubectlFor,
  runCommand,
  sharedCluster,
} from '../src/cluster/index.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

function ok(result: KubectlResult): string {
  assert.equal(result.code, 0, result.stderr);
  return result.stdout;
}

interface Owned {
  metadata: { name: string; ownerReferences?: { kind: string; name: string }[] };
}

describe('cluster harness', () => {
  let cluster: ClusterInstance;
  before(async () => {
    cluster = await sharedCluster();
  });

  test('a Deployment gets a ReplicaSet from kube-controller-manager and a Running pod from kwok', async () => {
    const namespace = await cluster.createNamespace('deploy');
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'registry.example/web:1' }] },
        },
      },
    };
    ok(await cluster.kubectl(['apply', '-f', '-'], { input: JSON.stringify(deployment), namespace }));

    const replicaSet = await eventually('a ReplicaSet owned by the Deployment', async () => {
      const list = JSON.parse(ok(await cluster.kubectl(['get', 'replicasets', '-o', 'json'], { namespace }))) as {
        items: Owned[];
      };
      return list.items.find((rs) =>
        rs.metadata.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === 'web'),
      );
    });

    const pod = await eventually('a Running pod of that ReplicaSet', async () => {
      const list = JSON.parse(ok(await cluster.kubectl(['get', 'pods', '-o', 'json'], { namespace }))) as {
        items: (Owned & { spec: { nodeName?: string }; status: { phase?: string } })[];
      };
      return list.items.find(
        (p) =>
          p.status.phase === 'Running' &&
          p.metadata.ownerReferences?.some((o) => o.kind === 'ReplicaSet' && o.name === replicaSet.metadata.name),
      );
    });
    assert.match(pod.spec.nodeName ?? '', /^kwok-node-/, 'the scheduler placed the pod on a kwok node');

    ok(await cluster.kubectl(['wait', '--for=condition=Available', 'deployment/web', '--timeout=60s'], { namespace }));
  });

  test('a ServiceAccount token without RBAC bindings is authenticated but forbidden to list deployments', async () => {
    const namespace = await cluster.createNamespace('rbac');
    const asReader = kubectlFor(cluster.kubectlPath, await cluster.serviceAccountKubeconfig(namespace, 'reader'));

    const whoami = ok(await asReader(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']));
    assert.equal(whoami, `system:serviceaccount:${namespace}:reader`);

    const denied = await asReader(['get', 'deployments']);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /Forbidden/);
    assert.match(denied.stderr, /cannot list resource "deployments"/);

    ok(
      await cluster.kubectl(
        ['create', 'rolebinding', 'reader-view', '--clusterrole=view', `--serviceaccount=${namespace}:reader`],
        { namespace },
      ),
    );
    const allowed = await eventually('the RoleBinding to take effect', async () => {
      const result = await asReader(['get', 'deployments', '-o', 'name']);
      return result.code === 0 ? result : undefined;
    });
    assert.equal(allowed.stdout, '');
  });

  test('kubectl discovers the istream plugin on PATH', async () => {
    const pluginDir = `${repoRoot}packages/kubectl-istream/bin`;
    const result = await runCommand(cluster.kubectlPath, ['istream', '--help'], {
      env: {
        ...process.env,
        PATH: `${pluginDir}${delimiter}${process.env['PATH'] ?? ''}`,
        KUBECONFIG: cluster.kubeconfig,
      },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Usage: kubectl istream/m);
  });
});
