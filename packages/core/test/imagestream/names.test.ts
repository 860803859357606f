import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  InvalidNameError,
  digestReference,
  newImageStream,
  parseStreamTag,
  putSpecTag,
  resolveTag,
  tagNameProblem,
} from '../../src/imagestream/index.js';

const A = 'sha256:' + 'a'.repeat(64);

test('stream tag names parse with the latest default and reject what OpenShift rejects', () => {
  assert.deepEqual(parseStreamTag('ubi:8'), { stream: 'ubi', tag: '8', explicitTag: true });
  assert.deepEqual(parseStreamTag('ns/ubi'), { namespace: 'ns', stream: 'ubi', tag: 'latest', explicitTag: false });
  assert.throws(() => parseStreamTag('ubi:bad tag'), /invalid tag name "bad tag"/);
  assert.throws(() => parseStreamTag('ubi:-x'), InvalidNameError);
  assert.throws(() => parseStreamTag('Ubi:8'), /invalid image stream name "Ubi"/);
  assert.throws(() => parseStreamTag('ubi@sha256:abc'), /image stream image/);
  assert.equal(
    tagNameProblem('x'.repeat(129)),
    `invalid tag name "${'x'.repeat(129)}": a tag has at most 128 characters`,
  );
  assert.equal(tagNameProblem('v1.2_3-rc'), undefined);
});

test('the import result is the source as typed with its tag replaced by the digest', () => {
  assert.equal(digestReference('127.0.0.1:5000/seed/ubi:8', A), `127.0.0.1:5000/seed/ubi@${A}`);
  assert.equal(digestReference('127.0.0.1:5000/seed/ubi', A), `127.0.0.1:5000/seed/ubi@${A}`);
  assert.equal(digestReference('nginx', A), `nginx@${A}`);
  assert.equal(digestReference('reg/x@sha256:' + 'b'.repeat(64), A), `reg/x@${A}`);
});

test('reference policy Local resolves through the stream repository when both parts are known', () => {
  const stream = newImageStream('ubi', 'demo');
  putSpecTag(stream, { name: '8', referencePolicy: { type: 'Local' } });
  stream.status = {
    dockerImageRepository: '',
    tags: [{ tag: '8', items: [{ created: 'x', dockerImageReference: `reg/ubi@${A}`, image: A, generation: 1 }] }],
  };
  assert.equal(resolveTag(stream, '8'), `reg/ubi@${A}`, 'no local repository: the source');
  stream.status.dockerImageRepository = 'image-registry.svc:5000/demo/ubi';
  assert.equal(resolveTag(stream, '8'), `image-registry.svc:5000/demo/ubi@${A}`);
  putSpecTag(stream, { name: '8', referencePolicy: { type: 'Source' } });
  assert.equal(resolveTag(stream, '8'), `reg/ubi@${A}`);
  assert.equal(resolveTag(stream, 'missing'), undefined);
});
