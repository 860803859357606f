import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pinTag, type ImageStream } from '@istream/core/imagestream';
import { describeImageStream } from '../../src/printers/describe-stream.js';
import { imageStreamRow, imageStreamTags, imageStreamTagRow, tagsUpToWidth } from '../../src/printers/streams.js';

const A = 'sha256:' + 'a'.repeat(64);
const B = 'sha256:' + 'b'.repeat(64);
const now = new Date('2026-01-01T12:00:06Z');

const stream: ImageStream = {
  apiVersion: 'image.openshift.io/v1',
  kind: 'ImageStream',
  metadata: {
    name: 'ubi',
    namespace: 'demo',
    generation: 3,
    creationTimestamp: '2026-01-01T10:00:00Z',
    annotations: { 'openshift.io/image.dockerRepositoryCheck': '2026-01-01T12:00:00Z' },
  },
  spec: {
    lookupPolicy: { local: false },
    tags: [
      {
        name: '8',
        annotations: null,
        from: { kind: 'DockerImage', name: 'reg.example/ubi8/ubi:8' },
        generation: 3,
        importPolicy: { importMode: 'Legacy' },
        referencePolicy: { type: 'Source' },
      },
      { name: 'prod', from: { kind: 'ImageStreamTag', name: '8' }, generation: 2 },
      { name: 'broken', from: { kind: 'DockerImage', name: 'reg.example/nope:1' }, generation: 3 },
    ],
  },
  status: {
    dockerImageRepository: '',
    tags: [
      {
        tag: '8',
        items: [
          {
            created: '2026-01-01T12:00:00Z',
            dockerImageReference: `reg.example/ubi8/ubi@${B}`,
            image: B,
            generation: 3,
          },
          {
            created: '2026-01-01T10:00:00Z',
            dockerImageReference: `reg.example/ubi8/ubi@${A}`,
            image: A,
            generation: 1,
          },
        ],
      },
      {
        tag: 'broken',
        items: null,
        conditions: [
          {
            type: 'ImportSuccess',
            status: 'False',
            lastTransitionTime: '2026-01-01T12:00:00Z',
            reason: 'NotFound',
            message: 'dockerimage.image.openshift.io "reg.example/nope:1" not found',
            generation: 3,
          },
        ],
      },
      {
        tag: 'prod',
        items: [
          {
            created: '2026-01-01T12:00:00Z',
            dockerImageReference: `reg.example/ubi8/ubi@${B}`,
            image: B,
            generation: 3,
          },
        ],
      },
    ],
  },
};

test('describe is: tags by priority, aliases folded into their target, * on the newest item, import errors', () => {
  assert.equal(
    describeImageStream(stream, now),
    [
      'Name:\t\t\tubi',
      'Namespace:\t\tdemo',
      'Created:\t\t2 hours ago',
      'Labels:\t\t\t<none>',
      'Annotations:\t\topenshift.io/image.dockerRepositoryCheck=2026-01-01T12:00:00Z',
      'Image Repository:\t<none>',
      'Image Lookup:\t\tlocal=false',
      'Unique Images:\t\t2',
      'Tags:\t\t\t3',
      '',
      '8 (prod)',
      '  tagged from reg.example/ubi8/ubi:8',
      '',
      `  * reg.example/ubi8/ubi@${B}`,
      '      6 seconds ago',
      `    reg.example/ubi8/ubi@${A}`,
      '      2 hours ago',
      '',
      'broken',
      '  tagged from reg.example/nope:1',
      '',
      '  ! error: Import failed (NotFound): dockerimage.image.openshift.io "reg.example/nope:1" not found',
      '      6 seconds ago',
      '',
    ].join('\n'),
  );
});

test("get is and get istag rows carry oc's columns", () => {
  assert.deepEqual(imageStreamRow(stream, now), ['ubi', '', tagsUpToWidth(stream), '6 seconds ago']);
  assert.equal(tagsUpToWidth(stream), '8,prod,broken');
  const tags = imageStreamTags(stream);
  assert.deepEqual(
    tags.map((t) => imageStreamTagRow(t, now, true)),
    [
      ['ubi:8', `reg.example/ubi8/ubi@${B}`, '6 seconds ago', B],
      ['ubi:prod', `reg.example/ubi8/ubi@${B}`, '6 seconds ago', B],
    ],
  );
});

test('get istag hides a tag whose newest item has no image, as the OpenShift API does', () => {
  const reference: ImageStream = {
    ...stream,
    spec: {
      ...stream.spec,
      tags: [
        ...stream.spec.tags!,
        { name: 'ref', from: { kind: 'DockerImage', name: 'reg.example/ubi8/ubi:9' }, reference: true, generation: 4 },
      ],
    },
    status: {
      ...stream.status!,
      tags: [
        ...stream.status!.tags!,
        {
          tag: 'ref',
          items: [
            {
              created: '2026-01-01T12:00:00Z',
              dockerImageReference: 'reg.example/ubi8/ubi:9',
              image: '',
              generation: 4,
            },
          ],
        },
      ],
    },
  };
  assert.deepEqual(
    imageStreamTags(reference).map((t) => t.metadata.name),
    ['ubi:8', 'ubi:prod'],
  );
});

test('a long tag list is cut with "+ N more..."', () => {
  const many: ImageStream = {
    ...stream,
    status: {
      dockerImageRepository: '',
      tags: Array.from({ length: 20 }, (_, i) => ({ tag: `tag-${String(i).padStart(2, '0')}`, items: [] })),
    },
  };
  assert.equal(tagsUpToWidth(many), 'tag-00,tag-01,tag-02,tag-03,tag-04 + 15 more...');
});

test('describe is: a tag pinned by rollback says so and how to resume tracking its source', () => {
  const pinned = pinTag(stream, '8', { previous: true }, now).stream;
  const described = describeImageStream(pinned, now);
  const section = described.slice(described.indexOf('\n8 '), described.indexOf('\nbroken'));
  assert.match(section, new RegExp(`  pinned to ubi@${A} by a rollback; triggered workloads stay on it\\n`));
  assert.match(section, / {4}kubectl istream rollback --resume ubi:8 tracks reg\.example\/ubi8\/ubi:8 again\n/);
  assert.match(section, new RegExp(`  \\* reg\\.example/ubi8/ubi@${A}\\n`), 'the pinned image is the current item');
  assert.doesNotMatch(describeImageStream(stream, now), /pinned/, 'a tracking tag is not called pinned');
});
