import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kindByName } from '../../src/controller/workload-kinds.js';
import { trimWorkload } from '../../src/controller/workload-trim.js';

const triggers =
  '[{"from":{"kind":"ImageStreamTag","name":"app:v"},"fieldPath":"spec.template.spec.containers[0].image"}]';

function deployment(annotations: Record<string, string>): object {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'app',
      namespace: 'ns',
      uid: 'u1',
      resourceVersion: '7',
      generation: 3,
      labels: { app: 'app' },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"big":"copy"}', ...annotations },
      managedFields: [{ manager: 'kubectl', fieldsV1: {} }],
    },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'app' } },
      template: {
        metadata: { labels: { app: 'app' } },
        spec: {
          initContainers: [{ name: 'init', image: 'init:1', command: ['true'] }],
          containers: [
            { name: 'app', image: 'app:v', env: [{ name: 'A', value: '1' }], resources: {} },
            { name: 'side', image: 'side:1' },
          ],
          volumes: [{ name: 'v', emptyDir: {} }],
        },
      },
    },
    status: { replicas: 3, conditions: [] },
  };
}

test('an annotated workload keeps its kind, identity, the two trigger annotations and its containers names and images, in order', () => {
  const trimmed = trimWorkload(
    kindByName('Deployment')!,
    deployment({ 'image.openshift.io/triggers': triggers, 'istream.io/triggered-images': '{"app":"x"}' }),
  );
  assert.deepEqual(trimmed, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'app',
      namespace: 'ns',
      uid: 'u1',
      resourceVersion: '7',
      annotations: { 'image.openshift.io/triggers': triggers, 'istream.io/triggered-images': '{"app":"x"}' },
    },
    spec: {
      template: {
        spec: {
          containers: [
            { name: 'app', image: 'app:v' },
            { name: 'side', image: 'side:1' },
          ],
          initContainers: [{ name: 'init', image: 'init:1' }],
        },
      },
    },
  });
});

test('a workload without triggers is remembered by name only; a CronJob keeps its job template path', () => {
  assert.deepEqual(trimWorkload(kindByName('Deployment')!, deployment({})), {
    metadata: { name: 'app', namespace: 'ns', uid: 'u1', resourceVersion: '7', annotations: {} },
  });
  const cronJob = {
    metadata: { name: 'c', annotations: { 'image.openshift.io/triggers': triggers } },
    spec: {
      schedule: '* * * * *',
      jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'c:1', args: ['x'] }] } } } },
    },
  };
  assert.deepEqual((trimWorkload(kindByName('CronJob')!, cronJob) as { spec?: unknown }).spec, {
    jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'c:1' }] } } } },
  });
});
