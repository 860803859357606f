import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTriggers, readTriggersOf, type WorkloadObject } from '@istream/core/triggers';

const value =
  '[{"from":{"kind":"ImageStreamTag","name":"ubi:8"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"app\\")].image"}]';
const byName5 =
  '[{"from":{"kind":"ImageStreamTag","name":"ubi:8"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"5\\")].image"}]';
const byIndex =
  '[{"from":{"kind":"ImageStreamTag","name":"ubi:8"},"fieldPath":"spec.template.spec.containers[0].image"}]';

function deployment(containers: unknown[], initContainers?: unknown[]): WorkloadObject {
  return {
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'ns' },
    spec: { template: { spec: { containers, ...(initContainers ? { initContainers } : {}) } } },
  };
}

test('a remembered reading is what readTriggers says for every object it is handed out for', () => {
  const cases: Array<[string, WorkloadObject]> = [
    [value, deployment([{ name: 'app', image: 'a' }])],
    // Another image, same names: the same reading.
    [value, deployment([{ name: 'app', image: 'b' }])],
    // The container the trigger names is gone, then it is an init container, then second.
    [value, deployment([{ name: 'web', image: 'a' }])],
    [value, deployment([{ name: 'web' }], [{ name: 'app' }])],
    [value, deployment([{ name: 'web' }, { name: 'app' }])],
    // Names of other types are read differently by name and by index selectors.
    [byIndex, deployment([{ name: 5 }])],
    [byIndex, deployment([{ name: '5' }])],
    [byIndex, deployment([{}])],
    [byName5, deployment([{ name: 5 }])],
    [byName5, deployment([{ name: '5' }])],
    // The kind decides which fieldPaths count.
    [value, { ...deployment([{ name: 'app' }]), kind: 'StatefulSet' }],
    [value, { ...deployment([{ name: 'app' }]), kind: 'CronJob' }],
    [value, { ...deployment([{ name: 'app' }]), kind: 'ConfigMap' }],
    ['not json', deployment([{ name: 'app' }])],
  ];
  // Twice round: the second pass is served from memory, after every other key went in.
  for (const round of [1, 2]) {
    for (const [v, object] of cases) {
      assert.deepEqual(readTriggersOf(v, object), readTriggers(v, object), `round ${round}: ${JSON.stringify(object)}`);
    }
  }
});

test('a remembered reading is shared and cannot be changed by one of its callers', () => {
  const object = deployment([{ name: 'app', image: 'a' }]);
  const first = readTriggersOf(value, object);
  assert.equal(readTriggersOf(value, deployment([{ name: 'app', image: 'c' }])), first);
  assert.throws(() => (first.triggers as unknown[]).push({}), TypeError);
  assert.throws(() => {
    (first.triggers[0] as { stream: string }).stream = 'other';
  }, TypeError);
  assert.equal(readTriggersOf(value, object).triggers[0]?.stream, 'ubi');
});

test('copies that share the annotations object but not the containers or the kind get their own reading', () => {
  const annotations = { 'image.openshift.io/triggers': value };
  const withApp: WorkloadObject = {
    ...deployment([{ name: 'app', image: 'a' }]),
    metadata: { name: 'web', annotations },
  };
  const copies: WorkloadObject[] = [
    withApp,
    // What a reconcile does: a copy with the same annotations and container lists.
    { ...withApp, apiVersion: 'apps/v1' },
    // The named container is gone from a new list, then becomes an init container.
    { ...withApp, spec: { template: { spec: { containers: [{ name: 'web' }] } } } },
    { ...withApp, spec: { template: { spec: { containers: [{ name: 'web' }], initContainers: [{ name: 'app' }] } } } },
    { ...withApp, kind: 'ConfigMap' },
    withApp,
  ];
  for (const object of copies)
    assert.deepEqual(readTriggersOf(value, object), readTriggers(value, object), JSON.stringify(object));
  // Another annotation value handed in with the same object is read for what it says.
  assert.deepEqual(readTriggersOf(byIndex, withApp), readTriggers(byIndex, withApp));
});
