import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonPatch } from '../../src/cluster/index.js';

test('a patch names only what changed, item by item in lists, guarded by the resourceVersion', () => {
  const before = {
    metadata: { name: 'app', resourceVersion: '41', annotations: { 'a/b': 'x' } },
    spec: {
      template: {
        spec: {
          containers: [
            { name: 'app', image: 'old' },
            { name: 'side', image: 's' },
          ],
        },
      },
    },
  };
  const after = structuredClone(before);
  after.spec.template.spec.containers[0]!.image = 'new';
  (after.metadata.annotations as Record<string, string>)['istream.io/triggered-images'] = '{"app":"new"}';
  assert.deepEqual(jsonPatch(before, after), [
    { op: 'replace', path: '/metadata/resourceVersion', value: '41' },
    { op: 'add', path: '/metadata/annotations/istream.io~1triggered-images', value: '{"app":"new"}' },
    { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'new' },
  ]);
});

test('removed keys are removed, and lists that changed length are replaced whole', () => {
  const before: { metadata?: object } & Record<string, unknown> = { a: 1, b: [1, 2], 'c~d': 0 };
  assert.deepEqual(jsonPatch(before, { b: [1], 'c~d': 1 }), [
    { op: 'remove', path: '/a' },
    { op: 'replace', path: '/b', value: [1] },
    { op: 'replace', path: '/c~0d', value: 1 },
  ]);
});
