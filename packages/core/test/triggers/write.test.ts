import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerFieldPath, formatTriggers, readTriggers, type TriggerToWrite } from '@istream/core/triggers';

const SEED =
  '[{"from":{"kind":"ImageStreamTag","name":"ubi:8"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"myapp\\")].image"}]';

test('fieldPath per kind is the containers[?(@.name=="N")] form oc writes', () => {
  assert.equal(containerFieldPath('Deployment', 'myapp'), 'spec.template.spec.containers[?(@.name=="myapp")].image');
  assert.equal(containerFieldPath('StatefulSet', 'db'), 'spec.template.spec.containers[?(@.name=="db")].image');
  assert.equal(containerFieldPath('DaemonSet', 'agent'), 'spec.template.spec.containers[?(@.name=="agent")].image');
  assert.equal(
    containerFieldPath('CronJob', 'job'),
    'spec.jobTemplate.spec.template.spec.containers[?(@.name=="job")].image',
  );
});

const cases: { name: string; triggers: TriggerToWrite[]; ns?: string; bytes: string }[] = [
  {
    name: 'the seed article annotation',
    triggers: [{ name: 'ubi:8', fieldPath: containerFieldPath('Deployment', 'myapp') }],
    bytes: SEED,
  },
  {
    name: "namespace only when it differs from the object's",
    triggers: [
      { name: 'ubi:8', namespace: 'team', fieldPath: containerFieldPath('Deployment', 'a') },
      { name: 'ubi:9', namespace: 'other', fieldPath: containerFieldPath('Deployment', 'b') },
    ],
    ns: 'team',
    bytes:
      '[{"from":{"kind":"ImageStreamTag","name":"ubi:8"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"a\\")].image"},' +
      '{"from":{"kind":"ImageStreamTag","name":"ubi:9","namespace":"other"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"b\\")].image"}]',
  },
  {
    name: 'paused only when true, after fieldPath',
    triggers: [
      { name: 's:t', fieldPath: containerFieldPath('CronJob', 'c'), paused: true },
      { name: 's:u', fieldPath: containerFieldPath('CronJob', 'd'), paused: false },
    ],
    bytes:
      '[{"from":{"kind":"ImageStreamTag","name":"s:t"},"fieldPath":"spec.jobTemplate.spec.template.spec.containers[?(@.name==\\"c\\")].image","paused":true},' +
      '{"from":{"kind":"ImageStreamTag","name":"s:u"},"fieldPath":"spec.jobTemplate.spec.template.spec.containers[?(@.name==\\"d\\")].image"}]',
  },
  {
    name: 'Go escapes <, >, & and U+2028 the HTML-safe way; \\b \\f and control characters as Go 1.22',
    triggers: [{ name: 'a<b>&c:\u2028', fieldPath: 'x\b\f\n\u0001\u007f\u2029' }],
    bytes:
      '[{"from":{"kind":"ImageStreamTag","name":"a\\u003cb\\u003e\\u0026c:\\u2028"},"fieldPath":"x\\b\\f\\n\\u0001\u007f\\u2029"}]',
  },
  {
    name: "an unpaired surrogate becomes U+FFFD as in Go's UTF-8 strings",
    triggers: [{ name: 's:\uD800', fieldPath: 'p' }],
    bytes: '[{"from":{"kind":"ImageStreamTag","name":"s:\uFFFD"},"fieldPath":"p"}]',
  },
  { name: 'no triggers is null, as oc writes a nil slice', triggers: [], bytes: 'null' },
];

for (const c of cases) {
  test(`formatTriggers: ${c.name}`, () => {
    assert.equal(formatTriggers(c.triggers, c.ns), c.bytes);
  });
}

test('what we write reads back as the same triggers', () => {
  const object = {
    kind: 'Deployment',
    metadata: { namespace: 'ns' },
    spec: { template: { spec: { containers: [{ name: 'myapp', image: 'x' }] } } },
  };
  const reading = readTriggers(SEED, object);
  assert.deepEqual(reading.problems, []);
  assert.equal(reading.accepted, true);
  assert.deepEqual(
    reading.triggers.map((t) => [t.stream, t.tag, t.namespace, t.paused, t.container?.name]),
    [['ubi', '8', undefined, false, 'myapp']],
  );
});
