import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyTriggers,
  containerFieldPath,
  formatTriggers,
  podSpecOf,
  resolveStreamTag,
  type TagResolver,
  type TriggerableKind,
  type WorkloadObject,
} from '@istream/core/triggers';
import { newImageStream, type ImageStream, type TagReference } from '@istream/core/imagestream';

const A = 'registry.example:5000/team/app@sha256:aaaa';
const B = 'registry.example:5000/team/app@sha256:bbbb';

function stream(
  items: { dockerImageReference: string; image: string }[],
  policy?: 'Local' | 'Source',
  repository = 'in-cluster.local:5000/team/ubi',
): ImageStream {
  const s = newImageStream('ubi', 'team');
  const tag: TagReference = { name: '8', ...(policy ? { referencePolicy: { type: policy } } : {}) };
  s.spec.tags = [tag];
  s.status = {
    dockerImageRepository: repository,
    tags: [{ tag: '8', items: items.map((i) => ({ ...i, created: '2026-01-01T00:00:00Z', generation: 1 })) }],
  };
  return s;
}

test('resolveStreamTag: newest item; Local policy pulls through the stream repository; no items is no change', () => {
  const items = [
    { dockerImageReference: B, image: 'sha256:bbbb' },
    { dockerImageReference: A, image: 'sha256:aaaa' },
  ];
  assert.equal(resolveStreamTag(stream(items), '8'), B);
  assert.equal(resolveStreamTag(stream(items, 'Source'), '8'), B);
  assert.equal(resolveStreamTag(stream(items, 'Local'), '8'), 'in-cluster.local:5000/team/ubi@sha256:bbbb');
  assert.equal(resolveStreamTag(stream([]), '8'), undefined);
  assert.equal(resolveStreamTag(stream(items), '9'), undefined);
  assert.equal(resolveStreamTag(stream(items, 'Local', ''), '8'), B);
});

function workload(kind: string, annotation: string, podSpec: object): WorkloadObject {
  const template = { spec: podSpec };
  return {
    apiVersion: kind === 'CronJob' ? 'batch/v1' : 'apps/v1',
    kind,
    metadata: { name: 'w', namespace: 'ns', annotations: { 'image.openshift.io/triggers': annotation } },
    spec: kind === 'CronJob' ? { schedule: '@daily', jobTemplate: { spec: { template } } } : { template },
  };
}

const tags: Record<string, string> = { 'ns/ubi:8': A, 'shared/base:1': B };
const resolver: TagResolver = (ns, s, t) => tags[`${ns}/${s}:${t}`];
interface Pod {
  initContainers?: { name: string; image: string }[];
  containers: { name: string; image: string }[];
}
const images = (o: WorkloadObject): Record<string, string> => {
  const pod = podSpecOf(o, o.kind as TriggerableKind) as unknown as Pod;
  return Object.fromEntries([...(pod.initContainers ?? []), ...pod.containers].map((c) => [c.name, c.image]));
};

for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob'] as const) {
  test(`applyTriggers on a ${kind}: by name (init too), two triggers independently, a paused one never`, () => {
    const annotation = formatTriggers(
      [
        { name: 'ubi:8', fieldPath: containerFieldPath(kind, 'app') },
        { name: 'base:1', namespace: 'shared', fieldPath: containerFieldPath(kind, 'init') },
        { name: 'ubi:8', fieldPath: containerFieldPath(kind, 'side'), paused: true },
      ],
      'ns',
    );
    const object = workload(kind, annotation, {
      initContainers: [{ name: 'init', image: 'old-init' }],
      containers: [
        { name: 'app', image: 'old-app' },
        { name: 'side', image: 'old-side' },
      ],
    });
    const before = structuredClone(object);
    const result = applyTriggers(object, resolver);
    assert.ok(result.ok);
    assert.deepEqual(object, before, 'the input is not mutated');
    assert.deepEqual(images(result.object), { init: B, app: A, side: 'old-side' });
    assert.deepEqual(
      result.changes.map((c) => [c.trigger, c.container.name, c.container.init, c.oldImage, c.newImage]),
      [
        [0, 'app', false, 'old-app', A],
        [1, 'init', true, 'old-init', B],
      ],
    );
    const again = applyTriggers(result.object, resolver);
    assert.ok(again.ok);
    assert.deepEqual(again.changes, [], 'a second pass changes nothing');
    assert.equal(again.object, result.object);
  });
}

test('applyTriggers honours the index and initContainers[...] forms', () => {
  const object = workload(
    'Deployment',
    '[{"from":{"kind":"ImageStreamTag","name":"ubi:8"},"fieldPath":"spec.template.spec.containers[1].image"},' +
      '{"from":{"kind":"ImageStreamTag","name":"base:1","namespace":"shared"},"fieldPath":"spec.template.spec.initContainers[?(@.name==\\"i\\")].image"}]',
    {
      initContainers: [{ name: 'i', image: 'x' }],
      containers: [
        { name: 'a', image: 'x' },
        { name: 'b', image: 'x' },
      ],
    },
  );
  const result = applyTriggers(object, resolver);
  assert.ok(result.ok);
  assert.deepEqual(images(result.object), { i: B, a: 'x', b: A });
});

test('applyTriggers applies a selector with only the ?(@.name==" prefix or only the ") suffix, as OpenShift does', () => {
  const object = workload(
    'Deployment',
    '[{"from":{"kind":"ImageStreamTag","name":"ubi:8"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"a].image"},' +
      '{"from":{"kind":"ImageStreamTag","name":"base:1","namespace":"shared"},"fieldPath":"spec.template.spec.containers[b\\")].image"}]',
    {
      containers: [
        { name: 'a', image: 'x' },
        { name: 'b', image: 'x' },
        { name: 'c', image: 'x' },
      ],
    },
  );
  const result = applyTriggers(object, resolver);
  assert.ok(result.ok);
  assert.deepEqual(images(result.object), { a: A, b: B, c: 'x' });
});

test('applyTriggers: an unresolved tag changes nothing; a dropped annotation or a resolving broken path fails the update', () => {
  const pod = { containers: [{ name: 'app', image: 'x' }] };
  const unresolved = applyTriggers(
    workload(
      'Deployment',
      formatTriggers([{ name: 'ubi:9', fieldPath: containerFieldPath('Deployment', 'app') }]),
      pod,
    ),
    resolver,
  );
  assert.ok(unresolved.ok);
  assert.deepEqual(unresolved.changes, []);

  const stringPaused = applyTriggers(
    workload(
      'Deployment',
      `[{"from":{"kind":"ImageStreamTag","name":"ubi:8"},"fieldPath":"${containerFieldPath('Deployment', 'app').replace(/"/g, '\\"')}","paused":"false"}]`,
      pod,
    ),
    resolver,
  );
  assert.equal(stringPaused.ok, false);
  assert.match(!stringPaused.ok ? stringPaused.reason : '', /paused/);

  const broken = applyTriggers(
    workload(
      'Deployment',
      formatTriggers([
        { name: 'ubi:8', fieldPath: containerFieldPath('Deployment', 'app') },
        { name: 'ubi:8', fieldPath: containerFieldPath('Deployment', 'gone') },
      ]),
      pod,
    ),
    resolver,
  );
  assert.equal(broken.ok, false, 'OpenShift fails the whole update: not even app changes');
  assert.match(!broken.ok ? broken.reason : '', /trigger 1: no container or init container is named "gone"/);

  const brokenButUnresolved = applyTriggers(
    workload(
      'Deployment',
      formatTriggers([
        { name: 'ubi:8', fieldPath: containerFieldPath('Deployment', 'app') },
        { name: 'ubi:9', fieldPath: containerFieldPath('Deployment', 'gone') },
      ]),
      pod,
    ),
    resolver,
  );
  assert.ok(brokenButUnresolved.ok);
  assert.deepEqual(images(brokenButUnresolved.object), { app: A });
});

test('applyTriggers: a kind OpenShift does not trigger and an object without the annotation are left alone', () => {
  const job = { kind: 'Job', metadata: { annotations: { 'image.openshift.io/triggers': '[]' } }, spec: {} };
  assert.deepEqual(applyTriggers(job, resolver), { ok: true, object: job, changes: [] });
  const plain = { kind: 'Deployment', metadata: {}, spec: {} };
  assert.deepEqual(applyTriggers(plain, resolver), { ok: true, object: plain, changes: [] });
});
