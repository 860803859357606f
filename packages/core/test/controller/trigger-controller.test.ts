// The trigger controller's queue and informer wiring, with fake caches and a fake apiserver: a
// stream change reconciles exactly the workloads whose triggers name it, and a broken annotation
// is reported without a write. What the writes do on a real apiserver is the cluster tests' job.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonPatchOperation, KubeClient, KubeObject } from '../../src/cluster/index.js';
import type { ImageStream } from '../../src/imagestream/index.js';
import { createLogger } from '../../src/controller/log.js';
import { ControllerMetrics } from '../../src/controller/metrics.js';
import type { StreamObject } from '../../src/controller/shared-informers.js';
import { eventsWait, TriggerController } from '../../src/controller/trigger-controller.js';
import { FakeCaches, until } from './fake-caches.js';
const ref = (digest: string) => `reg.test/ubi@sha256:${digest.repeat(64)}`;

function stream(name: string, items: string[]): StreamObject {
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name, namespace: 'app' },
    spec: { tags: [{ name: '8', from: { kind: 'DockerImage', name: 'reg.test/ubi:8' } }] },
    status: {
      dockerImageRepository: '',
      tags: [
        {
          tag: '8',
          items: items.map((r) => ({ created: '', dockerImageReference: r, image: r.split('@')[1]!, generation: 1 })),
        },
      ],
    },
  } as unknown as ImageStream & StreamObject;
}

function workload(name: string, annotation: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: 'app',
      uid: `uid-${name}`,
      annotations: { 'image.openshift.io/triggers': annotation },
    },
    spec: { template: { spec: { containers: [{ name: 'c', image: 'placeholder' }] } } },
  } as KubeObject;
}

const follows = (s: string) =>
  JSON.stringify([
    {
      from: { kind: 'ImageStreamTag', name: `${s}:8` },
      fieldPath: 'spec.template.spec.containers[?(@.name=="c")].image',
    },
  ]);

test('a stream change reconciles exactly the workloads that follow it; a broken annotation gets a Warning and no write', async () => {
  const caches = new FakeCaches();
  const writes: string[] = [];
  // The controller writes JSON patches; the fake applies their add/replace operations.
  const api = {
    call: async (path: string, req: { method?: string; body?: JsonPatchOperation[] }) => {
      if (req.method !== 'PATCH' || !req.body) return undefined;
      writes.push(path);
      const name = path.slice(path.lastIndexOf('/') + 1);
      const written = structuredClone(caches.workloads.get(name)) as Record<string, unknown>;
      for (const op of req.body) {
        if (op.op === 'remove') continue;
        const keys = op.path.split('/').slice(1);
        const parent = keys.slice(0, -1).reduce<Record<string, unknown>>((node, key) => node[key] as never, written);
        parent[keys.at(-1)!.replace(/~1/g, '/')] = op.value;
      }
      caches.workloads.set(name, written);
      return written;
    },
  } as unknown as KubeClient;
  const events: string[] = [];
  const lines: string[] = [];
  const controller = new TriggerController({
    api,
    caches,
    metrics: new ControllerMetrics(),
    log: createLogger((l) => lines.push(l)),
    events: {
      record: (o, type, reason) => {
        events.push(`${o.metadata?.name} ${type} ${reason}`);
      },
    },
    mayRead: async () => true,
  });
  caches.putStream(stream('ubi', [ref('a')]));
  caches.putStream(stream('tools', [ref('c')]));
  caches.putWorkload(workload('one', follows('ubi')));
  caches.putWorkload(workload('two', follows('tools')));
  caches.putWorkload(
    workload('broken', '[{"from":{"kind":"ImageStreamTag","name":"ubi:8"},"fieldPath":"x","paused":"false"}]'),
  );
  const scope = new AbortController();
  const running = controller.start(scope.signal);
  // The broken annotation has two mistakes ("paused" a string, a fieldPath outside the template): both are reported.
  await until('both followers written and the broken one reported', () => writes.length === 2 && events.length === 4);
  assert.deepEqual(writes.sort(), [
    '/apis/apps/v1/namespaces/app/deployments/one',
    '/apis/apps/v1/namespaces/app/deployments/two',
  ]);
  assert.ok(events.includes('broken Warning ImageTriggerInvalid'));
  assert.ok(
    lines.some((l) =>
      /warning invalid trigger annotation workload=Deployment\/app\/broken problem=paused-not-boolean /.test(l),
    ),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) =>
      /warning invalid trigger annotation workload=Deployment\/app\/broken problem=field-path-outside-template /.test(
        l,
      ),
    ),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) =>
      / info rolled workload=Deployment\/app\/one container=c source=ubi:8 from=placeholder to=reg.test\/ubi@sha256:a+$/.test(
        l,
      ),
    ),
    lines.join('\n'),
  );

  caches.putStream(stream('ubi', [ref('b'), ref('a')]));
  await until('the follower of ubi written again', () => writes.length === 3);
  assert.equal(writes[2], '/apis/apps/v1/namespaces/app/deployments/one', 'only the workload that follows ubi');
  scope.abort();
  await running;
});

test('a write of its own is cached at once and its echo reconciles nothing; a change by anyone else is reconciled', async () => {
  const caches = new FakeCaches();
  let version = 0;
  const api = {
    call: async (path: string, req: { method?: string }) => {
      if (req.method !== 'PATCH') return undefined;
      const name = path.slice(path.lastIndexOf('/') + 1);
      const stored = structuredClone(caches.workloads.get(name)!);
      stored.metadata!.resourceVersion = String(++version);
      return stored;
    },
  } as unknown as KubeClient;
  const metrics = new ControllerMetrics();
  const reconciles = () => metrics.reconciles.get({ queue: 'triggers', result: 'success' });
  const controller = new TriggerController({
    api,
    caches,
    metrics,
    log: createLogger(() => undefined),
    events: { record: () => undefined },
    mayRead: async () => true,
  });
  caches.putStream(stream('ubi', [ref('a')]));
  const created = workload('one', follows('ubi'));
  created.metadata!.resourceVersion = '0';
  caches.putWorkload(created);
  const scope = new AbortController();
  const running = controller.start(scope.signal);
  await until('the first reconcile', () => reconciles() === 1 && version === 1);
  assert.equal(
    caches.workloads.get('one')!.metadata!.resourceVersion,
    '1',
    'the cache holds the written version before its watch event comes',
  );
  const echo = structuredClone(caches.workloads.get('one')!);
  echo.metadata!.resourceVersion = '1';
  caches.putWorkload(echo);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(reconciles(), 1, 'the echo of its own write was not reconciled');
  const someoneElses = structuredClone(echo);
  someoneElses.metadata!.resourceVersion = '7';
  caches.putWorkload(someoneElses);
  await until('the change by someone else reconciled', () => reconciles() === 2);
  // The echo left the stream index as it was: the stream's next move still reaches the workload.
  caches.putStream(stream('ubi', [ref('b'), ref('a')]));
  await until('the stream move reconciled', () => reconciles() === 3 && version === 3);
  scope.abort();
  await running;
});

test('Events wait behind a backlog up to a minute, for a settling queue up to five seconds, not for an idle one', () => {
  assert.equal(eventsWait({ queued: 500, idleForMs: 0 }, 30_000), true, 'a roll under way');
  assert.equal(eventsWait({ queued: 500, idleForMs: 0 }, 60_000), false, 'a backlog that never clears');
  assert.equal(eventsWait({ queued: 0, idleForMs: 0 }, 1_000), true, 'the last reconciles run');
  assert.equal(eventsWait({ queued: 0, idleForMs: 400 }, 4_000), true, 'the roll settles');
  assert.equal(eventsWait({ queued: 0, idleForMs: 400 }, 5_000), false, 'workloads that change every second');
  assert.equal(eventsWait({ queued: 0, idleForMs: 1_000 }, 10), false, 'idle');
  assert.equal(eventsWait({ queued: 0, idleForMs: Infinity }, 0), false, 'never busy');
});
