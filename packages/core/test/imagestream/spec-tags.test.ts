import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  deleteTag,
  INSECURE_ANNOTATION,
  recordRepository,
  setSpecTag,
  specTag,
  statusTag,
  tagReference,
  TagCycleError,
  type ImageStream,
} from '../../src/imagestream/index.js';

const now = new Date('2026-01-01T00:00:00Z');
const dA = `sha256:${'a'.repeat(64)}`;

function stream(): ImageStream {
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name: 'ubi', namespace: 'demo', generation: 1 },
    spec: { tags: [{ name: '8', from: { kind: 'DockerImage', name: 'reg.test/ubi:8' }, generation: 1 }] },
    status: {
      dockerImageRepository: '',
      tags: [
        {
          tag: '8',
          items: [
            { created: '2026-01-01T00:00:00Z', dockerImageReference: `reg.test/ubi@${dA}`, image: dA, generation: 1 },
          ],
        },
      ],
    },
  };
}

test("oc tag writes a registry source for import (generation 0) and names another namespace's stream", () => {
  const policy = { referencePolicy: { type: 'Source' as const } };
  assert.deepEqual(
    tagReference(
      '8',
      { kind: 'DockerImage', name: 'reg.test/ubi:8' },
      { ...policy, scheduled: true },
      { current: 'demo', destination: 'demo' },
    ),
    {
      name: '8',
      annotations: null,
      from: { kind: 'DockerImage', name: 'reg.test/ubi:8' },
      generation: 0,
      importPolicy: { scheduled: true },
      referencePolicy: { type: 'Source' },
    },
  );
  const copy = (destination: string, namespace?: string) =>
    tagReference('8', { kind: 'ImageStreamTag', name: 'ubi:8', ...(namespace ? { namespace } : {}) }, policy, {
      current: 'demo',
      destination,
    }).from;
  assert.deepEqual(copy('demo'), { kind: 'ImageStreamTag', name: 'ubi:8' });
  assert.deepEqual(
    copy('prod'),
    { kind: 'ImageStreamTag', name: 'ubi:8', namespace: 'demo' },
    'the source stream is in the current namespace',
  );
  assert.deepEqual(copy('demo', 'base'), { kind: 'ImageStreamTag', name: 'ubi:8', namespace: 'base' });
});

test('setting a tag creates the stream when missing and refuses an alias cycle', () => {
  const ref = tagReference(
    'latest',
    { kind: 'ImageStreamTag', name: '8' },
    { referencePolicy: { type: 'Source' } },
    { current: 'demo', destination: 'demo' },
  );
  const created = setSpecTag(undefined, 'new', 'demo', ref, now);
  assert.equal(created.stream.metadata.name, 'new');
  assert.equal(specTag(created.stream, 'latest')?.generation, 1);
  const aliased = setSpecTag(stream(), 'ubi', 'demo', ref, now).stream;
  assert.equal(statusTag(aliased, 'latest')?.items?.[0]?.image, dA, "the alias takes its target's image at once");
  const back = tagReference(
    '8',
    { kind: 'ImageStreamTag', name: 'latest' },
    { referencePolicy: { type: 'Source' } },
    { current: 'demo', destination: 'demo' },
  );
  assert.throws(() => setSpecTag(aliased, 'ubi', 'demo', back, now), TagCycleError);
});

test('deleting a tag removes it from spec and status; a missing tag is no change', () => {
  const deleted = deleteTag(stream(), '8', now);
  assert.equal(deleted?.changed, true);
  assert.equal(specTag(deleted!.stream, '8'), undefined);
  assert.equal(statusTag(deleted!.stream, '8'), undefined);
  assert.equal(deleteTag(stream(), 'nope', now), undefined);
});

test('a repository import records the repository, and an insecure one the insecure annotation', () => {
  const unchanged = { stream: stream(), changed: false, specChanged: false, statusChanged: false };
  const recorded = recordRepository(unchanged, { name: 'reg.test/ubi', insecure: true });
  assert.equal(recorded.changed, true);
  assert.equal(recorded.stream.spec.dockerImageRepository, 'reg.test/ubi');
  assert.equal(recorded.stream.metadata.annotations?.[INSECURE_ANNOTATION], 'true');
  assert.equal(
    recordRepository({ ...recorded, changed: false }, { name: 'reg.test/ubi', insecure: true }).changed,
    false,
  );
});
