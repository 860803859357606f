import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addTagEvent,
  applyImportResults,
  latestObservedGeneration,
  newImageStream,
  specTag,
  statusTag,
  REPOSITORY_CHECK_ANNOTATION,
  type ImageStream,
  type TagImportRequest,
} from '../../src/imagestream/index.js';

const A = 'sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const B = 'sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const request: TagImportRequest = {
  tag: '8',
  from: 'registry.example:5000/ubi8/ubi:8',
  importPolicy: { importMode: 'Legacy' },
  referencePolicy: { type: 'Source' },
};
const t0 = new Date('2026-01-01T10:00:00.123Z');
const t1 = new Date('2026-01-01T11:00:00Z');
const t2 = new Date('2026-01-01T12:00:00Z');

function success(image: string) {
  return {
    request,
    outcome: { ok: true as const, image, dockerImageReference: `registry.example:5000/ubi8/ubi@${image}` },
  };
}

/** What the apiserver does with a write: keeps the generation we computed and stamps a version. */
function stored(stream: ImageStream): ImageStream {
  return {
    ...stream,
    metadata: { ...stream.metadata, resourceVersion: '1', creationTimestamp: '2026-01-01T10:00:00Z' },
  };
}

test('the first import creates one item, generation 1 everywhere, time in whole seconds', () => {
  const { stream, changed } = applyImportResults(newImageStream('ubi', 'demo'), [success(A)], t0, true);
  assert.equal(changed, true);
  assert.equal(stream.metadata.generation, 1);
  assert.deepEqual(specTag(stream, '8'), {
    name: '8',
    annotations: null,
    from: { kind: 'DockerImage', name: request.from },
    generation: 1,
    importPolicy: { importMode: 'Legacy' },
    referencePolicy: { type: 'Source' },
  });
  assert.deepEqual(statusTag(stream, '8'), {
    tag: '8',
    items: [
      {
        created: '2026-01-01T10:00:00Z',
        dockerImageReference: `registry.example:5000/ubi8/ubi@${A}`,
        image: A,
        generation: 1,
      },
    ],
  });
  assert.equal(stream.metadata.annotations?.[REPOSITORY_CHECK_ANNOTATION], '2026-01-01T10:00:00Z');
});

test('the seed flow: a moved tag prepends a second item at the next generation; an unchanged one writes nothing', () => {
  const first = stored(applyImportResults(newImageStream('ubi', 'demo'), [success(A)], t0, true).stream);
  const moved = applyImportResults(first, [success(B)], t1);
  assert.equal(moved.changed, true);
  assert.equal(moved.specChanged, true);
  assert.equal(moved.statusChanged, true);
  const second = moved.stream;
  assert.equal(second.metadata.generation, 2);
  assert.equal(specTag(second, '8')?.generation, 2);
  assert.deepEqual(
    statusTag(second, '8')?.items?.map((i) => [i.image, i.generation, i.created]),
    [
      [B, 2, '2026-01-01T11:00:00Z'],
      [A, 1, '2026-01-01T10:00:00Z'],
    ],
  );
  const again = applyImportResults(stored(second), [success(B)], t2);
  assert.equal(again.changed, false);
  assert.deepEqual(again.stream.status, second.status);
  assert.equal(again.stream.metadata.generation, 2);
});

test('a failed import sets ImportSuccess=False with reason and message and keeps the history', () => {
  const first = stored(applyImportResults(newImageStream('ubi', 'demo'), [success(A)], t0, true).stream);
  const failure = {
    request,
    outcome: { ok: false as const, reason: 'NotFound', message: 'dockerimage.image.openshift.io "x" not found' },
  };
  const failed = applyImportResults(first, [failure], t1);
  assert.equal(failed.changed, true);
  const list = statusTag(failed.stream, '8');
  assert.deepEqual(list?.items, statusTag(first, '8')?.items);
  assert.deepEqual(list?.conditions, [
    {
      type: 'ImportSuccess',
      status: 'False',
      lastTransitionTime: '2026-01-01T11:00:00Z',
      reason: 'NotFound',
      message: 'dockerimage.image.openshift.io "x" not found',
      generation: 2,
    },
  ]);
  assert.equal(failed.stream.metadata.generation, 2);
  assert.equal(specTag(failed.stream, '8')?.generation, 2);
  assert.equal(latestObservedGeneration(failed.stream, '8'), 2);

  const repeated = applyImportResults(stored(failed.stream), [failure], t2);
  assert.equal(repeated.changed, false, 'the same failure again changes nothing');

  const recovered = applyImportResults(stored(failed.stream), [success(B)], t2).stream;
  assert.equal(statusTag(recovered, '8')?.conditions, undefined);
  assert.deepEqual(
    statusTag(recovered, '8')?.items?.map((i) => i.image),
    [B, A],
  );
});

test('a failed first import creates the spec tag and a condition, with no items', () => {
  const failure = { request, outcome: { ok: false as const, reason: 'Unauthorized', message: '' } };
  const { stream } = applyImportResults(newImageStream('ubi', 'demo'), [failure], t0, true);
  assert.equal(specTag(stream, '8')?.from?.name, request.from);
  assert.equal(statusTag(stream, '8')?.items, null);
  assert.equal(statusTag(stream, '8')?.conditions?.[0]?.message, 'unknown error prevented import');
});

test('an explicitly chosen reference policy survives an import', () => {
  const stream = newImageStream('ubi', 'demo');
  stream.metadata.generation = 1;
  stream.spec.tags = [
    { name: '8', from: { kind: 'DockerImage', name: request.from }, generation: 1, referencePolicy: { type: 'Local' } },
  ];
  const next = applyImportResults(stream, [success(A)], t0).stream;
  assert.deepEqual(specTag(next, '8')?.referencePolicy, { type: 'Local' });
});

test('addTagEvent collapses like OpenShift: same ref and image only moves the generation', () => {
  const stream = newImageStream('s', 'n');
  const base = { created: '2026-01-01T00:00:00Z', dockerImageReference: 'r@' + A, image: A, generation: 1 };
  assert.equal(addTagEvent(stream, 't', base), true);
  assert.equal(addTagEvent(stream, 't', { ...base, created: 'later' }), false, 'same ref, image and generation');
  assert.equal(addTagEvent(stream, 't', { ...base, generation: 3 }), true);
  assert.deepEqual(statusTag(stream, 't')?.items, [{ ...base, generation: 3 }]);
  // same reference, new image: the current item takes the image
  addTagEvent(stream, 't', { ...base, image: B, generation: 4 });
  assert.deepEqual(statusTag(stream, 't')?.items, [{ ...base, image: B, generation: 4 }]);
  // same image, new reference: the current item takes the reference
  addTagEvent(stream, 't', { ...base, dockerImageReference: 'other@' + B, image: B, generation: 5 });
  assert.equal(statusTag(stream, 't')?.items?.length, 1);
  assert.equal(statusTag(stream, 't')?.items?.[0]?.dockerImageReference, 'other@' + B);
  // both different: prepended
  addTagEvent(stream, 't', { ...base, created: 'new', generation: 6 });
  assert.deepEqual(
    statusTag(stream, 't')?.items?.map((i) => i.created),
    ['new', base.created],
  );
});

test('status tags stay sorted by name as OpenShift serialises them', () => {
  const stream = newImageStream('s', 'n');
  for (const tag of ['b', 'a', 'c']) {
    addTagEvent(stream, tag, { created: 'x', dockerImageReference: 'r@' + A, image: A, generation: 1 });
  }
  assert.deepEqual(
    stream.status?.tags?.map((t) => t.tag),
    ['a', 'b', 'c'],
  );
});
