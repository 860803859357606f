import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/cluster/index.js';
import type { ImageStream } from '../../src/imagestream/index.js';
import { planTriggers, triggeredImagesAnnotation, type ReactorInputs } from '../../src/controller/reactor.js';

const A = 'reg.test/team/ubi@sha256:' + 'a'.repeat(64);
const B = 'reg.test/team/ubi@sha256:' + 'b'.repeat(64);

function stream(namespace: string, items: string[], extra: Record<string, unknown> = {}): ImageStream {
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name: 'ubi', namespace },
    spec: { tags: [{ name: '8', from: { kind: 'DockerImage', name: 'reg.test/team/ubi:8' } }] },
    status: { tags: [{ tag: '8', items: items.map((r) => ({ dockerImageReference: r, image: r.split('@')[1] })) }] },
    ...extra,
  } as unknown as ImageStream;
}

function deployment(
  triggers: unknown[],
  containers: Array<{ name: string; image: string }>,
  init: Array<{ name: string; image: string }> = [],
  triggered?: Record<string, string>,
): KubeObject {
  const annotations: Record<string, string> = { 'image.openshift.io/triggers': JSON.stringify(triggers) };
  if (triggered) annotations[triggeredImagesAnnotation] = JSON.stringify(triggered);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'myapp', namespace: 'app', annotations },
    spec: { template: { spec: { containers, initContainers: init } } },
  } as KubeObject;
}

/** A workload whose trigger already set `myapp` to the tag's item A once. */
const resolvedOnce = { myapp: A };

const byName = (c: string): string => `spec.template.spec.containers[?(@.name=="${c}")].image`;
const trigger = (name: string, c: string, more: Record<string, unknown> = {}): unknown => ({
  from: { kind: 'ImageStreamTag', name, ...more },
  fieldPath: byName(c),
});

function inputs(streams: Record<string, ImageStream>, allowed = true): ReactorInputs {
  return { stream: (ns, name) => streams[`${ns}/${name}`], mayRead: async () => allowed };
}

const images = (obj: KubeObject | undefined): string[] =>
  (obj as { spec: { template: { spec: { containers: Array<{ image: string }> } } } }).spec.template.spec.containers.map(
    (c) => c.image,
  );

test("the floating tag in the template is pinned to the tag's current item, not reported as a hand edit", async () => {
  const obj = deployment([trigger('ubi:8', 'myapp')], [{ name: 'myapp', image: 'reg.test/team/ubi:8' }]);
  const plan = await planTriggers(obj, inputs({ 'app/ubi': stream('app', [B, A]) }));
  assert.deepEqual(images(plan.updated), [B]);
  assert.equal(plan.changes[0]?.revertsManualEdit, false);
  assert.equal(images(obj)[0], 'reg.test/team/ubi:8', 'the cached object is not modified');
});

test("the first pin from a placeholder, the stream tag's name or another spelling of the source is not a hand edit", async () => {
  const s = { 'app/ubi': stream('app', [B, A]) };
  for (const image of [' ', 'ubi:8', 'app/ubi:8', 'reg.test/team/ubi:8']) {
    const plan = await planTriggers(deployment([trigger('ubi:8', 'myapp')], [{ name: 'myapp', image }]), inputs(s));
    assert.deepEqual(images(plan.updated), [B], image);
    assert.equal(plan.changes[0]?.revertsManualEdit, false, image);
  }
  const unknownDigest = 'reg.test/team/ubi@sha256:' + 'c'.repeat(64);
  const pinnedByHand = await planTriggers(
    deployment([trigger('ubi:8', 'myapp')], [{ name: 'myapp', image: unknownDigest }], [], resolvedOnce),
    inputs(s),
  );
  assert.equal(pinnedByHand.changes[0]?.revertsManualEdit, true, 'a digest the tag never had was set by hand');
  const docker = stream('app', [B]);
  docker.spec!.tags![0]!.from = { kind: 'DockerImage', name: 'ubuntu:22.04' };
  const fromHub = await planTriggers(
    deployment([trigger('ubi:8', 'myapp')], [{ name: 'myapp', image: 'docker.io/library/ubuntu:22.04' }]),
    inputs({ 'app/ubi': docker }),
  );
  assert.equal(fromHub.changes[0]?.revertsManualEdit, false);
});

test('an image set by hand is put back and flagged; an older stream item is a normal roll', async () => {
  const manual = await planTriggers(
    deployment([trigger('ubi:8', 'myapp')], [{ name: 'myapp', image: 'nginx:1.25' }], [], resolvedOnce),
    inputs({ 'app/ubi': stream('app', [B, A]) }),
  );
  assert.equal(manual.changes[0]?.revertsManualEdit, true);
  const roll = await planTriggers(
    deployment([trigger('ubi:8', 'myapp')], [{ name: 'myapp', image: A }]),
    inputs({ 'app/ubi': stream('app', [B, A]) }),
  );
  assert.equal(roll.changes[0]?.revertsManualEdit, false);
  assert.deepEqual(images(roll.updated), [B]);
});

test('the first resolution of any placeholder is a normal roll; the write records what the trigger set', async () => {
  const s = { 'app/ubi': stream('app', [B, A]) };
  const placeholders = [
    'nginx:1.25',
    'busybox',
    'image-registry.openshift-image-registry.svc:5000/app/ubi:8',
    'quay.io/x/y:latest',
    'reg.test/team/ubi@sha256:' + 'c'.repeat(64),
    '',
  ];
  for (const image of placeholders) {
    const plan = await planTriggers(deployment([trigger('ubi:8', 'myapp')], [{ name: 'myapp', image }]), inputs(s));
    assert.deepEqual(images(plan.updated), [B], image);
    assert.equal(plan.changes[0]?.revertsManualEdit, false, image);
    assert.equal(plan.updated?.metadata?.annotations?.[triggeredImagesAnnotation], JSON.stringify({ myapp: B }), image);
  }
  const handEdit = await planTriggers(
    deployment([trigger('ubi:8', 'myapp')], [{ name: 'myapp', image: 'busybox' }], [], { myapp: B }),
    inputs(s),
  );
  assert.equal(
    handEdit.changes[0]?.revertsManualEdit,
    true,
    "after a resolution, an image nobody's trigger set is a hand edit",
  );
});

test('two triggers on one container (by name and by index): the later wins, and replacing the earlier is no hand edit', async () => {
  const tools = stream('app', [B]);
  tools.metadata.name = 'tools';
  const s = { 'app/ubi': stream('app', [A]), 'app/tools': tools };
  const both = [
    trigger('ubi:8', 'myapp'),
    { ...(trigger('tools:8', 'myapp') as object), fieldPath: 'spec.template.spec.containers[0].image' },
  ];
  // The workload as the previous pass left it: the later trigger's image, recorded.
  const moved = stream('app', ['reg.test/team/ubi@sha256:' + 'c'.repeat(64), A]);
  const plan = await planTriggers(
    deployment(both, [{ name: 'myapp', image: B }], [], { myapp: B }),
    inputs({ ...s, 'app/ubi': moved }),
  );
  assert.deepEqual(images(plan.updated), [B], 'the index trigger, later in the annotation, has the last word');
  assert.deepEqual(
    plan.changes.map((c) => c.revertsManualEdit),
    [false, false],
    'the second change replaces the first one of the same pass, not a hand edit',
  );
  const handEdit = await planTriggers(
    deployment(both, [{ name: 'myapp', image: 'nginx:1.25' }], [], { myapp: B }),
    inputs(s),
  );
  assert.deepEqual(
    handEdit.changes.map((c) => c.revertsManualEdit),
    [true, false],
    'a hand edit is judged once, on the image the pass started from',
  );
});

test('nothing changes when the workload already shows the current item, the tag has no items, or the trigger is paused', async () => {
  const s = { 'app/ubi': stream('app', [B, A]) };
  assert.equal(
    (await planTriggers(deployment([trigger('ubi:8', 'myapp')], [{ name: 'myapp', image: B }]), inputs(s))).updated,
    undefined,
  );
  assert.equal(
    (
      await planTriggers(
        deployment([trigger('ubi:8', 'myapp')], [{ name: 'myapp', image: A }]),
        inputs({ 'app/ubi': stream('app', []) }),
      )
    ).updated,
    undefined,
  );
  const paused = deployment(
    [{ ...(trigger('ubi:8', 'myapp') as object), paused: true }],
    [{ name: 'myapp', image: A }],
  );
  assert.equal((await planTriggers(paused, inputs(s))).updated, undefined);
});

test('two triggers change two containers in one copy; an init container is found by the containers[...] form', async () => {
  const other = stream('app', [A]);
  other.metadata.name = 'tools';
  const obj = deployment(
    [trigger('ubi:8', 'myapp'), trigger('tools:8', 'setup')],
    [{ name: 'myapp', image: 'x' }],
    [{ name: 'setup', image: 'y' }],
  );
  const plan = await planTriggers(obj, inputs({ 'app/ubi': stream('app', [B]), 'app/tools': other }));
  assert.deepEqual(
    plan.changes.map((c) => [c.container, c.to]),
    [
      ['myapp', B],
      ['setup', A],
    ],
  );
  const spec = (plan.updated as { spec: { template: { spec: { initContainers: Array<{ image: string }> } } } }).spec
    .template.spec;
  assert.equal(spec.initContainers[0]?.image, A);
});

test('a cross-namespace trigger is refused without read access and applied with it', async () => {
  const obj = deployment([trigger('ubi:8', 'myapp', { namespace: 'shared' })], [{ name: 'myapp', image: 'x' }]);
  const streams = { 'shared/ubi': stream('shared', [A]) };
  const refused = await planTriggers(obj, inputs(streams, false));
  assert.equal(refused.updated, undefined);
  assert.equal(refused.denied[0]?.display, 'shared/ubi:8');
  const allowed = await planTriggers(obj, inputs(streams, true));
  assert.deepEqual(images(allowed.updated), [A]);
});

test("with referencePolicy Local the pull spec is the stream's own repository at the digest", async () => {
  const s = stream('app', [A], {});
  s.spec.tags![0]!.referencePolicy = { type: 'Local' };
  s.status!.dockerImageRepository = 'registry.local/app/ubi';
  const plan = await planTriggers(
    deployment([trigger('ubi:8', 'myapp')], [{ name: 'myapp', image: 'x' }]),
    inputs({ 'app/ubi': s }),
  );
  assert.deepEqual(images(plan.updated), [`registry.local/app/ubi@sha256:${'a'.repeat(64)}`]);
});

test('a controller watching one namespace names the triggers whose streams live elsewhere and changes nothing for them', async () => {
  const obj = deployment(
    [trigger('ubi:8', 'myapp'), trigger('tools:8', 'setup', { namespace: 'shared' })],
    [{ name: 'myapp', image: 'x' }],
    [{ name: 'setup', image: 'y' }],
  );
  const streams = { 'app/ubi': stream('app', [B]), 'shared/tools': stream('shared', [A]) };
  const plan = await planTriggers(obj, { ...inputs(streams), watches: (ns) => ns === 'app' });
  assert.deepEqual(
    plan.unwatched.map((s) => s.display),
    ['shared/tools:8'],
  );
  assert.deepEqual(plan.denied, [], 'not watched is not the same as not allowed');
  assert.deepEqual(
    plan.changes.map((c) => [c.container, c.to]),
    [['myapp', B]],
  );
  const everywhere = await planTriggers(obj, inputs(streams));
  assert.deepEqual(everywhere.unwatched, []);
  assert.equal(everywhere.changes.length, 2);
});
