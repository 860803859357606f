// A write that loses a race (409 Conflict) is recomputed from what the apiserver holds now: the
// other writer's change survives and the trigger's image still lands. The race is real: the
// reconcile starts from a copy that another client has since updated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedCluster } from '@istream/test-harness/cluster/index';
import type { ImageStream } from '../../src/imagestream/index.js';
import { connectCluster, kubeClient, type KubeObject } from '../../src/cluster/index.js';
import { reconcileWorkload } from '../../src/controller/trigger-reconciler.js';
import { createLogger } from '../../src/controller/log.js';
import { RateLimitedWarnings } from '../../src/controller/warnings.js';
import { defer } from '@istream/test-harness';

const image = `registry.test/ubi@sha256:${'c3'.repeat(32)}`;

test('a 409 on the workload write is retried from a fresh read without losing the other write', async (t) => {
  const cluster = await sharedCluster();
  const ns = await cluster.createNamespace('conflict');
  const triggers = JSON.stringify([
    {
      from: { kind: 'ImageStreamTag', name: 'ubi:8' },
      fieldPath: 'spec.template.spec.containers[?(@.name=="app")].image',
    },
  ]);
  const manifest = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'app', namespace: ns, annotations: { 'image.openshift.io/triggers': triggers } },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'app' } },
      template: {
        metadata: { labels: { app: 'app' } },
        spec: { containers: [{ name: 'app', image: 'registry.test/ubi:8' }] },
      },
    },
  };
  const api = kubeClient(connectCluster({ kubeconfig: cluster.kubeconfig }, {}));
  defer(t, () => api.close());
  const stale = await api.call<KubeObject>(`/apis/apps/v1/namespaces/${ns}/deployments`, {
    method: 'POST',
    body: manifest,
  });
  const label = await cluster.kubectl(['label', 'deployment/app', 'team=blue'], { namespace: ns });
  assert.equal(label.code, 0, label.stderr);

  const stream = {
    metadata: { name: 'ubi', namespace: ns },
    spec: { tags: [{ name: '8', from: { kind: 'DockerImage', name: 'registry.test/ubi:8' } }] },
    status: {
      dockerImageRepository: '',
      tags: [
        {
          tag: '8',
          items: [{ created: '2026-01-01T00:00:00Z', dockerImageReference: image, image: 'sha256:x', generation: 1 }],
        },
      ],
    },
  } as unknown as ImageStream;
  const recorded: string[] = [];
  const events = {
    record: (_o: unknown, _type: unknown, reason: string) => {
      recorded.push(reason);
    },
  };
  const log = createLogger(() => undefined);
  const plan = await reconcileWorkload(
    {
      api,
      events,
      log,
      warnings: new RateLimitedWarnings(events, log),
      inputs: { stream: (n, name) => (n === ns && name === 'ubi' ? stream : undefined), mayRead: async () => true },
      cached: () => ({ ...stale, kind: 'Deployment', apiVersion: 'apps/v1' }),
    },
    `Deployment/${ns}/app`,
  );
  assert.equal(plan?.changes.length, 1);
  const now = await api.call<{
    metadata: { labels?: Record<string, string> };
    spec: { template: { spec: { containers: Array<{ image: string }> } } };
  }>(`/apis/apps/v1/namespaces/${ns}/deployments/app`);
  assert.equal(now.spec.template.spec.containers[0]?.image, image);
  assert.equal(now.metadata.labels?.team, 'blue', 'the concurrent label write was not lost');
  assert.deepEqual(recorded, ['ImageTriggered']);
});
