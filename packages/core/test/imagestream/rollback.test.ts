import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  pinTag,
  pinnedFromAnnotation,
  pinnedImage,
  resumeTag,
  RollbackError,
  tagRevisions,
  type ImageStream,
} from '../../src/imagestream/index.js';

const dA = 'sha256:' + 'a'.repeat(64);
const dB = 'sha256:' + 'b'.repeat(64);

function imported(): ImageStream {
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name: 'ubi', namespace: 'demo', generation: 3 },
    spec: {
      tags: [
        {
          name: '8',
          from: { kind: 'DockerImage', name: 'reg.test/ubi:8' },
          generation: 3,
          importPolicy: { scheduled: true },
          referencePolicy: { type: 'Source' },
        },
      ],
    },
    status: {
      dockerImageRepository: '',
      tags: [
        {
          tag: '8',
          items: [
            { created: '2026-01-02T00:00:00Z', dockerImageReference: `reg.test/ubi@${dB}`, image: dB, generation: 3 },
            { created: '2026-01-01T00:00:00Z', dockerImageReference: `reg.test/ubi@${dA}`, image: dA, generation: 2 },
          ],
        },
      ],
    },
  };
}

test('rollback with no target pins the previous image, keeps the history and remembers the source', () => {
  const { stream, pinned } = pinTag(imported(), '8', { previous: true }, new Date('2026-01-03T00:00:00Z'));
  assert.equal(pinned.event.dockerImageReference, `reg.test/ubi@${dA}`);
  assert.deepEqual(
    tagRevisions(stream, '8').map((r) => r.event.image),
    [dA, dB, dA],
  );
  const ref = stream.spec.tags?.[0];
  assert.deepEqual(ref?.from, { kind: 'ImageStreamImage', name: `ubi@${dA}` });
  assert.equal(
    ref?.annotations?.[pinnedFromAnnotation],
    JSON.stringify({ kind: 'DockerImage', name: 'reg.test/ubi:8' }),
  );
  assert.equal(ref?.importPolicy?.scheduled, true, 'the import policy survives for --resume');
  assert.equal(pinnedImage(stream, '8'), dA);
});

test('--to-revision and --to-image select from the numbered history; bad choices are refused', () => {
  const byRevision = pinTag(imported(), '8', { revision: 1 }, new Date());
  assert.equal(byRevision.pinned.event.image, dA);
  assert.equal(byRevision.chosen.revision, 1);
  assert.equal(byRevision.pinned.revision, 3, 'the pin is the newest revision');
  const byImage = pinTag(imported(), '8', { image: 'aaaa' }, new Date());
  assert.equal(byImage.pinned.event.image, dA);
  assert.throws(() => pinTag(imported(), '8', { revision: 7 }, new Date()), /no revision 7: it has revisions 1 to 2/);
  assert.throws(() => pinTag(imported(), '8', { image: 'sha256:cccc' }, new Date()), RollbackError);
  assert.throws(() => pinTag(imported(), '9', { previous: true }, new Date()), /no tag 9/);
});

test('resume restores the tracked source, drops the pin and asks for a new import', () => {
  const pinned = pinTag(imported(), '8', { previous: true }, new Date()).stream;
  const { stream, source } = resumeTag(pinned, '8', new Date());
  assert.deepEqual(source, { kind: 'DockerImage', name: 'reg.test/ubi:8' });
  const ref = stream.spec.tags?.[0];
  assert.deepEqual(ref?.from, source);
  assert.equal(ref?.annotations, null);
  assert.ok((ref?.generation ?? 0) > (stream.status?.tags?.[0]?.items?.[0]?.generation ?? 0), 'an import is pending');
  assert.equal(pinnedImage(stream, '8'), undefined);
  assert.throws(() => resumeTag(imported(), '8', new Date()), /is not pinned/);
});
