// Which images admission rewrites, and to what: OpenShift's image policy scoping over the same
// resolution a trigger uses. The API server's side is covered by the controller's cluster tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  imageStreamStrategy,
  lookupImages,
  verdictsFrom,
  RESOLVE_NAMES_ANNOTATION,
  type LookupRequest,
} from '../../src/admission/index.js';
import type { KubeObject } from '../../src/cluster/index.js';
import type { ImageStream } from '../../src/imagestream/index.js';
import { workloadKind } from '../../src/workloads/index.js';

const digest = `sha256:${'ab'.repeat(32)}`;

function stream(
  name: string,
  local: boolean,
  items = true,
  referencePolicy: 'Source' | 'Local' = 'Source',
): ImageStream {
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name, namespace: 'app' },
    spec: {
      lookupPolicy: { local },
      tags: [
        {
          name: 'latest',
          from: { kind: 'DockerImage', name: `quay.io/team/${name}:latest` },
          referencePolicy: { type: referencePolicy },
        },
      ],
    },
    status: {
      dockerImageRepository: referencePolicy === 'Local' ? 'registry.local:5000/app/' + name : '',
      tags: items
        ? [
            {
              tag: 'latest',
              items: [
                { created: '', dockerImageReference: `quay.io/team/${name}@${digest}`, image: digest, generation: 1 },
              ],
            },
          ]
        : [],
    },
  } as ImageStream;
}

const streams = new Map([
  ['myapp', stream('myapp', true)],
  ['plain', stream('plain', false)],
  ['empty', stream('empty', true, false)],
  ['mirrored', stream('mirrored', true, true, 'Local')],
]);
const lookup = (_ns: string, name: string) => streams.get(name);

function deployment(images: string[], annotations?: Record<string, string>, extra: object = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'app', annotations, ...extra },
    spec: { template: { spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) } } },
  } as KubeObject;
}

const request = (object: KubeObject, more: Partial<LookupRequest> = {}): LookupRequest => ({
  operation: 'CREATE',
  namespace: 'app',
  kind: workloadKind(object.kind)!,
  object,
  ...more,
});

test('single-segment names of lookup streams become the digest a trigger would write; others are left alone', () => {
  const outcome = lookupImages(
    request(
      deployment([
        'myapp:latest',
        'myapp',
        'plain:latest',
        'quay.io/team/myapp:latest',
        `myapp@${digest}`,
        'nostream:1',
        'mirrored',
      ]),
    ),
    verdictsFrom(lookup),
  );
  assert.deepEqual(outcome, {
    allowed: true,
    patch: [
      { op: 'replace', path: '/spec/template/spec/containers/0/image', value: `quay.io/team/myapp@${digest}` },
      { op: 'replace', path: '/spec/template/spec/containers/1/image', value: `quay.io/team/myapp@${digest}` },
      {
        op: 'replace',
        path: '/spec/template/spec/containers/6/image',
        value: `registry.local:5000/app/mirrored@${digest}`,
      },
    ],
    resolutions: [
      { container: 'c0', from: 'myapp:latest', to: `quay.io/team/myapp@${digest}` },
      { container: 'c1', from: 'myapp', to: `quay.io/team/myapp@${digest}` },
      { container: 'c6', from: 'mirrored', to: `registry.local:5000/app/mirrored@${digest}` },
    ],
  });
});

test('resolve-names "*" resolves every image by its last segment, whatever the lookup policy', () => {
  const outcome = lookupImages(
    request(deployment(['quay.io/org/plain:latest', 'docker.io/nostream'], { [RESOLVE_NAMES_ANNOTATION]: '*' })),
    verdictsFrom(lookup),
  );
  assert.ok(outcome.allowed);
  assert.deepEqual(outcome.patch, [
    { op: 'replace', path: '/spec/template/spec/containers/0/image', value: `quay.io/team/plain@${digest}` },
  ]);
});

test('controller-owned objects, subresources, deletes and unchanged images on update are not touched', () => {
  const owned = deployment(['myapp'], undefined, {
    ownerReferences: [{ kind: 'X', name: 'x', uid: 'u', apiVersion: 'v1', controller: true }],
  });
  for (const r of [
    request(owned),
    request(deployment(['myapp']), { subResource: 'status' }),
    request(deployment(['myapp']), { operation: 'DELETE' }),
    request(deployment(['myapp']), { operation: 'UPDATE', oldObject: deployment(['myapp']) }),
  ]) {
    assert.deepEqual(lookupImages(r, verdictsFrom(lookup)), { allowed: true, patch: [], resolutions: [] });
  }
  const changed = lookupImages(
    request(deployment(['myapp']), { operation: 'UPDATE', oldObject: deployment(['busybox']) }),
    verdictsFrom(lookup),
  );
  assert.equal(changed.allowed && changed.patch.length, 1);
});

test('a lookup stream whose tag has no image refuses the object with the fix instead of a Docker Hub pull', () => {
  const outcome = lookupImages(request(deployment(['empty:latest'])), verdictsFrom(lookup));
  assert.deepEqual(outcome, {
    allowed: false,
    message:
      'istream: container "c0" names image "empty:latest", which is tag "latest" of ImageStream app/empty (local lookup), but that tag has no image yet; ' +
      'import it (kubectl istream import-image empty:latest -n app) or name the image by its full reference',
  });
});

test('the strategy stamps generations on a new stream and stores its tags in name order', () => {
  const next = {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name: 's', namespace: 'app' },
    spec: {
      tags: [
        { name: 'b', from: { kind: 'DockerImage', name: 'x/b:1' } },
        { name: 'a', from: { kind: 'DockerImage', name: 'x/a:1' } },
      ],
    },
  } as ImageStream;
  const [op] = imageStreamStrategy(next, undefined, new Date(0));
  assert.deepEqual(
    op && {
      ...op,
      value: (op.value as Array<{ name: string; generation: number }>).map((t) => `${t.name}:${t.generation}`),
    },
    { op: 'replace', path: '/spec/tags', value: ['a:1', 'b:1'] },
  );
});

test('a Pod: init containers are pinned first, each at its own pointer; containers without an image are skipped', () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'app' },
    spec: {
      initContainers: [{ name: 'setup', image: 'myapp' }],
      containers: [{ name: 'noimage' }, { name: 'app', image: 'mirrored:latest' }],
    },
  } as KubeObject;
  const outcome = lookupImages(request(pod), verdictsFrom(lookup));
  assert.ok(outcome.allowed);
  assert.deepEqual(outcome.patch, [
    { op: 'replace', path: '/spec/initContainers/0/image', value: `quay.io/team/myapp@${digest}` },
    { op: 'replace', path: '/spec/containers/1/image', value: `registry.local:5000/app/mirrored@${digest}` },
  ]);
});
