import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  normaliseSpec,
  OBSERVED_SPEC_ANNOTATION,
  specTag,
  statusTag,
  type ImageStream,
  type TagReference,
} from '../../src/imagestream/index.js';

const now = new Date('2026-01-01T12:00:00Z');
const A = `sha256:${'a'.repeat(64)}`;

/** A stream as the API server stores what kubectl sent: the CRD bumps metadata.generation, nothing else. */
function applied(generation: number, tags: TagReference[], annotations: Record<string, string> = {}): ImageStream {
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name: 'app', namespace: 'demo', generation, creationTimestamp: '2026-01-01T11:00:00Z', annotations },
    spec: { tags },
  };
}

/** What the API server stores after the controller's write: metadata.generation moves on with a spec change. */
function afterWrite(stream: ImageStream, previous: ImageStream): ImageStream {
  const specChanged = JSON.stringify(stream.spec) !== JSON.stringify(previous.spec);
  return {
    ...stream,
    metadata: { ...stream.metadata, generation: (previous.metadata.generation ?? 0) + (specChanged ? 1 : 0) },
  };
}

const docker = (name: string, from: string, extra: Partial<TagReference> = {}): TagReference => ({
  name,
  from: { kind: 'DockerImage', name: from },
  ...extra,
});

test('tags applied without a generation get the generation the stamping write stores, as PrepareForCreate stamps them', () => {
  const stream = applied(1, [docker('8', 'reg.test/ubi:8')]);
  const { change, applied: didApply } = normaliseSpec(stream, now);
  assert.equal(didApply, true);
  const stored = afterWrite(change.stream, stream);
  assert.equal(specTag(stored, '8')?.generation, stored.metadata.generation);
  assert.equal(statusTag(stored, '8'), undefined, 'a registry image waits for its import');
});

test('a stream seen again unchanged needs nothing; a tag stamped by a writer that follows the rules is only recorded', () => {
  const first = applied(1, [docker('8', 'reg.test/ubi:8')]);
  const stored = afterWrite(normaliseSpec(first, now).change.stream, first);
  assert.equal(normaliseSpec(stored, now).change.changed, false);
  const byCli = structuredClone(stored);
  byCli.spec.tags = [docker('8', 'reg.test/ubi:9', { generation: 5 })];
  const again = normaliseSpec(byCli, now);
  assert.equal(again.applied, false);
  assert.equal(specTag(again.change.stream, '8')?.generation, 5);
  assert.match(again.change.stream.metadata.annotations?.[OBSERVED_SPEC_ANNOTATION] ?? '', /ubi:9/);
});

test('kubectl apply drops generations (JSON merge patch replaces the list): unchanged tags get theirs back, changed ones a new one', () => {
  const first = applied(1, [docker('8', 'reg.test/ubi:8'), docker('9', 'reg.test/ubi:9')]);
  const stored = afterWrite(normaliseSpec(first, now).change.stream, first);
  const g = stored.metadata.generation!;
  const reapplied = applied(
    g + 1,
    [docker('8', 'reg.test/ubi:8'), docker('9', 'reg.test/ubi:9.1')],
    stored.metadata.annotations,
  );
  const { change } = normaliseSpec(reapplied, now);
  assert.equal(specTag(change.stream, '8')?.generation, g, 'unchanged: its generation restored, no import');
  assert.equal(
    specTag(change.stream, '9')?.generation,
    g + 2,
    'from.name changed: the generation of the write that stores it',
  );
});

test('from.name patched with the generation kept, generation set to 0, reference toggled and importMode changed each take a new generation', () => {
  const first = applied(1, [
    docker('a', 'reg.test/a:1'),
    docker('b', 'reg.test/b:1'),
    docker('c', 'reg.test/c:1'),
    docker('d', 'reg.test/d:1'),
  ]);
  const stored = afterWrite(normaliseSpec(first, now).change.stream, first);
  const g = stored.metadata.generation!;
  const edited = structuredClone(stored);
  edited.metadata.generation = g + 1;
  edited.spec.tags = [
    docker('a', 'reg.test/a:2', { generation: g }),
    docker('b', 'reg.test/b:1', { generation: 0 }),
    docker('c', 'reg.test/c:1', { generation: g, reference: true }),
    docker('d', 'reg.test/d:1', { generation: g, importPolicy: { importMode: 'PreserveOriginal' } }),
  ];
  const { change } = normaliseSpec(edited, now);
  const stored2 = afterWrite(change.stream, edited);
  const defaulted = structuredClone(stored2);
  defaulted.spec.tags![0] = { ...defaulted.spec.tags![0]!, importPolicy: { importMode: 'Legacy' } };
  assert.equal(normaliseSpec(defaulted, now).applied, false, 'Legacy is what an unset import mode means');
  const generations = change.stream.spec.tags!.map((t) => t.generation);
  assert.deepEqual(generations, [g + 2, g + 2, g + 2, g + 2]);
  assert.deepEqual(statusTag(change.stream, 'c')?.items, [
    { created: '2026-01-01T12:00:00Z', dockerImageReference: 'reg.test/c:1', image: '', generation: g + 2 },
  ]);
});

test("reference tags and tags from the same stream get their status item at once, created at the stream's creation", () => {
  const stream = applied(1, [
    docker('ref', 'reg.test/ubi:8', { reference: true }),
    { name: 'copy', from: { kind: 'ImageStreamTag', name: 'app:src' } },
  ]);
  stream.status = {
    dockerImageRepository: '',
    tags: [
      {
        tag: 'src',
        items: [
          { created: '2026-01-01T10:00:00Z', dockerImageReference: `reg.test/ubi@${A}`, image: A, generation: 1 },
        ],
      },
    ],
  };
  const { change } = normaliseSpec(stream, now);
  const generation = specTag(change.stream, 'ref')?.generation;
  assert.deepEqual(statusTag(change.stream, 'ref')?.items, [
    { created: '2026-01-01T11:00:00Z', dockerImageReference: 'reg.test/ubi:8', image: '', generation },
  ]);
  assert.deepEqual(statusTag(change.stream, 'copy')?.items, [
    { created: '2026-01-01T11:00:00Z', dockerImageReference: `reg.test/ubi@${A}`, image: A, generation },
  ]);
});

test('a tag copied from another namespace gets nothing unless the lookup (the access check) gives that stream', () => {
  const tags = [{ name: 'copy', from: { kind: 'ImageStreamTag', name: 'base:1', namespace: 'shared' } }];
  const base: ImageStream = { ...applied(1, []), metadata: { name: 'base', namespace: 'shared' } };
  base.status = {
    dockerImageRepository: '',
    tags: [
      {
        tag: '1',
        items: [
          { created: '2026-01-01T10:00:00Z', dockerImageReference: `reg.test/base@${A}`, image: A, generation: 1 },
        ],
      },
    ],
  };
  assert.equal(statusTag(normaliseSpec(applied(1, tags), now, () => undefined).change.stream, 'copy'), undefined);
  const granted = normaliseSpec(applied(1, tags), now, (ns, name) =>
    ns === 'shared' && name === 'base' ? base : undefined,
  );
  assert.equal(statusTag(granted.change.stream, 'copy')?.items?.[0]?.image, A);
});

test('an unreadable record is treated as none: stamped tags are kept, unstamped ones stamped', () => {
  const stream = applied(3, [docker('8', 'reg.test/ubi:8', { generation: 2 }), docker('9', 'reg.test/ubi:9')], {
    [OBSERVED_SPEC_ANNOTATION]: '{not json',
  });
  const { change } = normaliseSpec(stream, now);
  assert.deepEqual(
    change.stream.spec.tags!.map((t) => t.generation),
    [2, 4],
  );
});
