// The answer the API server decodes: a base64 JSON patch of the UTF-8 text, whatever characters it holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reviewResponse, type JsonPatchOperation } from '../../src/admission/index.js';

const decoded = (patch: string | undefined) =>
  JSON.parse(Buffer.from(patch ?? '', 'base64').toString('utf8')) as unknown;

test('the patch decodes to the operations, for ASCII and for characters past it', () => {
  for (const value of ['quay.io/team/myapp@sha256:' + 'ab'.repeat(32), 'café', 'ünïcödé ✓ 画像']) {
    const patch: JsonPatchOperation[] = [{ op: 'add', path: '/metadata/annotations/note', value }];
    const { response } = reviewResponse('u1', { allowed: true, patch });
    assert.equal(response?.patchType, 'JSONPatch');
    assert.deepEqual(decoded(response?.patch), patch);
  }
});

test('no operations: allowed without a patch; refused: the message and code the user sees', () => {
  assert.deepEqual(reviewResponse('u2', { allowed: true, patch: [] }).response, { uid: 'u2', allowed: true });
  assert.deepEqual(reviewResponse('u3', { allowed: false, message: 'no' }).response, {
    uid: 'u3',
    allowed: false,
    status: { code: 403, message: 'no' },
  });
});
