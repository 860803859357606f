// One stream change wakes both the trigger controller and the import controller of one process.
// The trigger write is what a user waits for, so it must be sent before the import reconcile of
// the same change starts: that reconcile's work (a spec check, imports that go to a registry
// anyway) is not what the move waits for, and its CPU used to delay the write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeClient, KubeObject } from '../../src/cluster/index.js';
import type { ImageStream } from '../../src/imagestream/index.js';
import { ImportController } from '../../src/controller/import-controller.js';
import { createLogger } from '../../src/controller/log.js';
import { ControllerMetrics } from '../../src/controller/metrics.js';
import type { StreamObject } from '../../src/controller/shared-informers.js';
import { TriggerController } from '../../src/controller/trigger-controller.js';
import { FakeCaches, until } from './fake-caches.js';

const image = `reg.test/ubi@sha256:${'a'.repeat(64)}`;

test('a stream move sends its trigger write before the import reconcile of that move starts', async () => {
  const caches = new FakeCaches();
  const order: string[] = [];
  const api = {
    call: async (path: string, req: { method?: string }) => {
      if (req.method !== 'PATCH') return undefined;
      order.push('trigger write');
      return caches.workloads.get(path.slice(path.lastIndexOf('/') + 1));
    },
  } as unknown as KubeClient;
  const log = createLogger(() => undefined);
  const metrics = new ControllerMetrics();
  const triggers = new TriggerController({
    api,
    caches,
    metrics,
    log,
    events: { record: () => undefined },
    mayRead: async () => true,
  });
  const imports = new ImportController({
    caches,
    metrics,
    log,
    // The import reconcile's first step asks whether the stream may copy from the other namespace.
    mayRead: async () => {
      order.push('import reconcile');
      return false;
    },
    openSession: async () => assert.fail('nothing is imported from a registry'),
    update: async () => undefined,
  });
  caches.putWorkload({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'app',
      uid: 'uid-web',
      resourceVersion: '1',
      annotations: {
        'image.openshift.io/triggers': JSON.stringify([
          {
            from: { kind: 'ImageStreamTag', name: 'ubi:8' },
            fieldPath: 'spec.template.spec.containers[?(@.name=="web")].image',
          },
        ]),
      },
    },
    spec: { template: { spec: { containers: [{ name: 'web', image: 'ubi:8' }] } } },
  } as KubeObject);
  const scope = new AbortController();
  const running = Promise.all([triggers.start(scope.signal), imports.start(scope.signal)]);
  // Both workers are waiting for work before the stream moves.
  await new Promise((resolve) => setTimeout(resolve, 20));
  caches.putStream({
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name: 'ubi', namespace: 'app' },
    spec: { tags: [{ name: '8', from: { kind: 'ImageStreamTag', name: 'ubi:8', namespace: 'base' } }] },
    status: {
      dockerImageRepository: '',
      tags: [
        { tag: '8', items: [{ created: '', dockerImageReference: image, image: image.split('@')[1]!, generation: 1 }] },
      ],
    },
  } as unknown as ImageStream & StreamObject);
  await until('both controllers acted on the move', () => order.length === 2);
  assert.deepEqual(order, ['trigger write', 'import reconcile']);
  scope.abort();
  await running;
});
