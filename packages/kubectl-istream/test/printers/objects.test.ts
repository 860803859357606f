import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { listOf, toJson, toYaml } from '../../src/printers/objects.js';

// What a typed Kubernetes client hands over: timestamps as Date objects.
const deployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    creationTimestamp: new Date('2026-12-01T12:34:56.000Z'),
    managedFields: [{ manager: 'kubectl', operation: 'Update', time: new Date('2026-12-01T12:35:00.000Z') }],
  },
  spec: { replicas: 1 },
});

test('Date values print as RFC 3339 timestamps with seconds, as the apiserver writes them, in YAML and JSON', () => {
  assert.equal(
    toYaml(deployment()),
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  creationTimestamp: "2026-12-01T12:34:56Z"\n  name: web\nspec:\n  replicas: 1\n',
  );
  assert.equal(
    (JSON.parse(toJson(deployment())) as { metadata: { creationTimestamp: unknown } }).metadata.creationTimestamp,
    '2026-12-01T12:34:56Z',
  );
});

test('managedFields are hidden unless asked for, in an object and in each item of a List', () => {
  assert.doesNotMatch(toJson(listOf([deployment(), deployment()])), /managedFields/);
  const shown = parse(toYaml(deployment(), { showManagedFields: true })) as {
    metadata: { managedFields: { time: unknown }[] };
  };
  assert.deepEqual(shown.metadata.managedFields, [
    { manager: 'kubectl', operation: 'Update', time: '2026-12-01T12:35:00Z' },
  ]);
});
