// The answers `why` gives that need no controller to happen first: an unreadable annotation, a
// container the fieldPath does not find, a trigger waiting for an import, a scheduled tag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageStream } from '@istream/core/imagestream';
import { triggerableKind } from '@istream/core/workloads';
import { explainStreamTag, explainWorkload, type StreamFact } from '../../src/printers/why.js';

const deploymentKind = triggerableKind('Deployment')!;
const now = new Date('2026-01-01T12:00:00Z');

function web(annotation: string) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'demo', annotations: { 'image.openshift.io/triggers': annotation } },
    spec: { template: { spec: { containers: [{ name: 'web', image: 'busybox' }] } } },
  };
}

const stream: ImageStream = {
  apiVersion: 'image.openshift.io/v1',
  kind: 'ImageStream',
  metadata: {
    name: 'app',
    namespace: 'demo',
    generation: 3,
    annotations: { 'openshift.io/image.dockerRepositoryCheck': '2026-01-01T11:50:00Z' },
  },
  spec: {
    tags: [
      { name: 'new', from: { kind: 'DockerImage', name: 'quay.io/team/app:2' }, generation: 3 },
      {
        name: 'nightly',
        from: { kind: 'DockerImage', name: 'quay.io/team/app:nightly' },
        generation: 2,
        importPolicy: { scheduled: true },
      },
    ],
  },
  status: {
    dockerImageRepository: '',
    tags: [
      {
        tag: 'nightly',
        items: [
          {
            created: '2026-01-01T11:50:00Z',
            dockerImageReference: `quay.io/team/app@sha256:${'c'.repeat(64)}`,
            image: `sha256:${'c'.repeat(64)}`,
            generation: 2,
          },
        ],
      },
    ],
  },
};

const explain = (annotation: string, streams = new Map<string, StreamFact>([['demo/app', stream]])) =>
  explainWorkload({ kind: deploymentKind, object: web(annotation), namespace: 'demo', streams, events: [], now });

test('why names an unreadable annotation and that no trigger fires', () => {
  const text = explain('[{"from":');
  assert.match(
    text,
    /^deployment\.apps\/web in namespace demo\n {2}annotation unreadable: .*not valid JSON.*\n {2}no trigger fires until it is fixed \(kubectl istream lint\)\n$/,
  );
});

test('why names a container the fieldPath does not find, and a tag whose import is pending', () => {
  const text = explain(
    JSON.stringify([
      {
        from: { kind: 'ImageStreamTag', name: 'app:new' },
        fieldPath: 'spec.template.spec.containers[?(@.name=="gone")].image',
      },
      {
        from: { kind: 'ImageStreamTag', name: 'app:new' },
        fieldPath: 'spec.template.spec.containers[?(@.name=="web")].image',
      },
    ]),
  );
  assert.match(
    text,
    /trigger 0: app:new -> spec\.template\.spec\.containers\[\?\(@\.name=="gone"\)\]\.image\n(?:.*\n){2} {2}template has: {2}\(no such container\)\n {2}state: {9}container not found: /,
  );
  assert.match(
    text,
    /trigger 1: app:new -> container web\n(?:.*\n){3} {2}state: {9}waiting for import: tag new has no image yet \(spec generation 3, imported 0\)\n {2}last decision: none recorded\n/,
  );
  assert.match(
    explain(
      JSON.stringify([
        {
          from: { kind: 'ImageStreamTag', name: 'other:1' },
          fieldPath: 'spec.template.spec.containers[?(@.name=="web")].image',
        },
      ]),
      new Map([['demo/other', 'not-found']]),
    ),
    /state: {9}image stream other not found/,
  );
});

test("why on a stream tag: a pending import, and a scheduled tag's next import", () => {
  assert.match(
    explainStreamTag(stream, 'new', now),
    /generation: {4}spec 3, imported 0: an import is pending\n {2}current image: \(none\)\n(?:.*\n) {2}next import: {3}as soon as the controller sees the new generation\n$/,
  );
  const nightly = explainStreamTag(stream, 'nightly', now);
  assert.match(
    nightly,
    /spec: {10}DockerImage quay\.io\/team\/app:nightly \(scheduled, importMode Legacy, referencePolicy Source\)/,
  );
  assert.match(nightly, /last import: {3}2026-01-01T11:50:00Z \(10m ago\): succeeded/);
  assert.match(
    nightly,
    /next import: {3}scheduled: about one import interval \(the controller's --import-interval, 15m by default\) after 2026-01-01T11:50:00Z/,
  );
});
