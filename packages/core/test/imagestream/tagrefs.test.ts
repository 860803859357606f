import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyImportResults,
  applySpecChange,
  assertNoCycle,
  followTagReference,
  newImageStream,
  putSpecTag,
  statusTag,
  TagCycleError,
  type ImageStream,
} from '../../src/imagestream/index.js';

const A = 'sha256:' + 'a'.repeat(64);
const B = 'sha256:' + 'b'.repeat(64);
const now = new Date('2026-01-01T10:00:00Z');

function imported(image: string, base?: ImageStream): ImageStream {
  const stream = base ?? newImageStream('ubi', 'demo');
  const request = {
    tag: '8',
    from: 'reg.example/ubi:8',
    importPolicy: {},
    referencePolicy: { type: 'Source' as const },
  };
  const result = applyImportResults(
    stream,
    [{ request, outcome: { ok: true, image, dockerImageReference: `reg.example/ubi@${image}` } }],
    now,
    base === undefined,
  );
  return { ...result.stream, metadata: { ...result.stream.metadata, resourceVersion: '1' } };
}

test('an alias in the same stream gets the target image at once and follows later imports', () => {
  const stream = imported(A);
  const edited = structuredClone(stream);
  putSpecTag(edited, { name: 'prod', from: { kind: 'ImageStreamTag', name: '8' } });
  const aliased = applySpecChange(stream, edited, now, false).stream;
  assert.equal(statusTag(aliased, 'prod')?.items?.[0]?.image, A);
  assert.equal(aliased.metadata.generation, 2);

  const moved = imported(B, aliased);
  assert.deepEqual(
    statusTag(moved, 'prod')?.items?.map((i) => i.image),
    [B, A],
  );
});

test('a tag copied from another stream is a one-shot copy', () => {
  const source = imported(A);
  const target = {
    ...newImageStream('app', 'demo'),
    metadata: { name: 'app', namespace: 'demo', generation: 1, resourceVersion: '1' },
  };
  const edited = structuredClone(target);
  putSpecTag(edited, { name: 'live', from: { kind: 'ImageStreamImage', name: `ubi@${A}`, namespace: 'demo' } });
  const copied = applySpecChange(target, edited, now, false, (ns, name) =>
    ns === 'demo' && name === 'ubi' ? source : undefined,
  ).stream;
  assert.equal(statusTag(copied, 'live')?.items?.[0]?.dockerImageReference, `reg.example/ubi@${A}`);
  imported(B, source); // the source moves on; the copy is not re-evaluated
  assert.equal(statusTag(copied, 'live')?.items?.length, 1);
});

test('aliases are followed to the tag that holds the image; loops are reported with their path', () => {
  const stream = newImageStream('ubi', 'demo');
  putSpecTag(stream, { name: 'a', from: { kind: 'ImageStreamTag', name: 'b' } });
  putSpecTag(stream, { name: 'b', from: { kind: 'ImageStreamTag', name: 'ubi:c' } });
  putSpecTag(stream, { name: 'c', from: { kind: 'DockerImage', name: 'reg/ubi:8' } });
  const followed = followTagReference(stream, 'a');
  assert.equal(followed.finalTag, 'c');
  assert.equal(followed.multiple, true);
  assert.equal(followed.problem, undefined);

  putSpecTag(stream, { name: 'c', from: { kind: 'ImageStreamTag', name: 'a' } });
  assert.throws(
    () => assertNoCycle(stream, 'a'),
    (e: unknown) => e instanceof TagCycleError && e.message.includes('a -> b -> c -> a'),
  );
  assert.equal(followTagReference(stream, 'missing').problem, 'not-found');
  putSpecTag(stream, { name: 'x', from: { kind: 'ImageStreamTag', name: 'other:1' } });
  assert.equal(followTagReference(stream, 'x').problem, 'cross-stream');
});
