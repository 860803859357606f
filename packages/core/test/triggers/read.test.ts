import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTriggers, type WorkloadObject } from '@istream/core/triggers';

const deployment: WorkloadObject = {
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'ns' },
  spec: {
    template: {
      spec: {
        initContainers: [{ name: 'setup', image: 'busybox' }],
        containers: [
          { name: 'app', image: 'app:1' },
          { name: 'side', image: 'side:1' },
        ],
      },
    },
  },
};
const cronJob: WorkloadObject = {
  kind: 'CronJob',
  metadata: { name: 'nightly', namespace: 'ns' },
  spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'job', image: 'job:1' }] } } } } },
};

const DEPLOY_APP = 'spec.template.spec.containers[?(@.name==\\"app\\")].image';
const trigger = (fieldPath: string, extra = '') =>
  `{"from":{"kind":"ImageStreamTag","name":"ubi:8"},"fieldPath":"${fieldPath}"${extra}}`;

interface Case {
  name: string;
  value: string;
  object?: WorkloadObject;
  accepted: boolean;
  /** [stream:tag, container "init/name" or selector, paused] of the effective triggers. */
  triggers?: [string, string, boolean][];
  /** [code, severity, path, the annotation text the span covers]. */
  problems: [string, string, (string | number)[], string][];
}

const cases: Case[] = [
  {
    name: 'the seed annotation is clean',
    value: `[${trigger(DEPLOY_APP)}]`,
    object: deployment,
    accepted: true,
    triggers: [['ubi:8', 'app', false]],
    problems: [],
  },
  {
    name: "oc's containers[...] form finds an init container",
    value: `[${trigger('spec.template.spec.containers[?(@.name==\\"setup\\")].image')}]`,
    object: deployment,
    accepted: true,
    triggers: [['ubi:8', 'init/setup', false]],
    problems: [],
  },
  {
    name: 'initContainers[...] and the index forms are honoured',
    value: `[${trigger('spec.template.spec.initContainers[0].image')},${trigger('spec.template.spec.containers[1]image')}]`,
    object: deployment,
    accepted: true,
    triggers: [
      ['ubi:8', 'init/setup', false],
      ['ubi:8', 'side', false],
    ],
    problems: [],
  },
  {
    name: 'paused true is a paused trigger, not a problem',
    value: `[${trigger(DEPLOY_APP, ',"paused":true')}]`,
    object: deployment,
    accepted: true,
    triggers: [['ubi:8', 'app', true]],
    problems: [],
  },
  {
    name: '"paused":"false" drops the whole annotation',
    value: `[${trigger(DEPLOY_APP, ',"paused":"false"')}]`,
    object: deployment,
    accepted: false,
    problems: [['paused-not-boolean', 'error', [0, 'paused'], '"false"']],
  },
  { name: 'invalid JSON', value: '[{"from":', accepted: false, problems: [['invalid-json', 'error', [], '']] },
  {
    name: 'single quotes are invalid JSON',
    value: "[{'from':{}}]",
    accepted: false,
    problems: [['invalid-json', 'error', [], "'"]],
  },
  {
    name: 'an object instead of an array',
    value: `${trigger(DEPLOY_APP)}`,
    accepted: false,
    problems: [['not-an-array', 'error', [], trigger(DEPLOY_APP).replace(/\\"/g, '\\"')]],
  },
  { name: 'null is no triggers', value: 'null', accepted: true, triggers: [], problems: [] },
  {
    name: 'a number where fieldPath goes drops everything',
    value: '[{"from":{"kind":"ImageStreamTag","name":"a:b"},"fieldPath":7}]',
    accepted: false,
    problems: [['wrong-type', 'error', [0, 'fieldPath'], '7']],
  },
  {
    name: 'duplicate fieldPath drops everything',
    value: `[${trigger(DEPLOY_APP)},${trigger(DEPLOY_APP)}]`,
    object: deployment,
    accepted: false,
    problems: [['duplicate-field-path', 'error', [1, 'fieldPath'], `"${DEPLOY_APP}"`]],
  },
  {
    name: 'unknown key "pause" is ignored by OpenShift: a warning',
    value: `[${trigger(DEPLOY_APP, ',"pause":true')}]`,
    object: deployment,
    accepted: true,
    triggers: [['ubi:8', 'app', false]],
    problems: [['unknown-key', 'warning', [0, 'pause'], '"pause"']],
  },
  {
    name: 'Go matches keys case-insensitively, also U+212A and U+017F',
    value: `[{"From":{"\u212Aind":"ImageStreamTag","NAME":"ubi:8"},"fieldpath":"${DEPLOY_APP}","pau\u017Fed":true}]`,
    object: deployment,
    accepted: true,
    triggers: [['ubi:8', 'app', true]],
    problems: [
      ['non-canonical-key', 'warning', [0, 'From'], '"From"'],
      ['non-canonical-key', 'warning', [0, 'From', '\u212Aind'], '"\u212Aind"'],
      ['non-canonical-key', 'warning', [0, 'From', 'NAME'], '"NAME"'],
      ['non-canonical-key', 'warning', [0, 'fieldpath'], '"fieldpath"'],
      ['non-canonical-key', 'warning', [0, 'pau\u017Fed'], '"pau\u017Fed"'],
    ],
  },
  {
    name: 'the last duplicate key wins, as in Go',
    value: `[${trigger(DEPLOY_APP, ',"paused":true,"paused":false')}]`,
    object: deployment,
    accepted: true,
    triggers: [['ubi:8', 'app', false]],
    problems: [],
  },
  {
    name: 'a repeated "from" updates the first, as Go decodes into the same struct',
    value: `[{"from":{"kind":"ImageStreamTag","name":"ubi:7"},"from":{"name":"ubi:8","kind":null},"fieldPath":"${DEPLOY_APP}"}]`,
    object: deployment,
    accepted: true,
    triggers: [['ubi:8', 'app', false]],
    problems: [],
  },
  {
    name: 'from.kind must be ImageStreamTag',
    value: `[{"from":{"kind":"DockerImage","name":"ubi:8"},"fieldPath":"${DEPLOY_APP}"}]`,
    object: deployment,
    accepted: true,
    triggers: [],
    problems: [['from-kind-not-imagestreamtag', 'error', [0, 'from', 'kind'], '"DockerImage"']],
  },
  {
    name: 'from.apiVersion must be empty',
    value: `[{"from":{"kind":"ImageStreamTag","name":"ubi:8","apiVersion":"image.openshift.io/v1"},"fieldPath":"${DEPLOY_APP}"}]`,
    object: deployment,
    accepted: true,
    triggers: [],
    problems: [['from-api-version-set', 'error', [0, 'from', 'apiVersion'], '"image.openshift.io/v1"']],
  },
  {
    name: 'from.name needs :TAG',
    value: `[{"from":{"kind":"ImageStreamTag","name":"ubi"},"fieldPath":"${DEPLOY_APP}"}]`,
    object: deployment,
    accepted: true,
    triggers: [],
    problems: [['from-name-missing-tag', 'error', [0, 'from', 'name'], '"ubi"']],
  },
  {
    name: 'STREAM: means latest',
    value: `[{"from":{"kind":"ImageStreamTag","name":"ubi:"},"fieldPath":"${DEPLOY_APP}"}]`,
    object: deployment,
    accepted: true,
    triggers: [['ubi:latest', 'app', false]],
    problems: [],
  },
  {
    name: 'a CronJob path on a Deployment is outside its pod template',
    value: `[${trigger('spec.jobTemplate.spec.template.spec.containers[?(@.name==\\"app\\")].image')}]`,
    object: deployment,
    accepted: true,
    triggers: [],
    problems: [
      [
        'field-path-outside-template',
        'error',
        [0, 'fieldPath'],
        '"spec.jobTemplate.spec.template.spec.containers[?(@.name==\\"app\\")].image"',
      ],
    ],
  },
  {
    name: 'a Deployment path on a CronJob is outside its pod template',
    value: `[${trigger(DEPLOY_APP)}]`,
    object: cronJob,
    accepted: true,
    triggers: [],
    problems: [['field-path-outside-template', 'error', [0, 'fieldPath'], `"${DEPLOY_APP}"`]],
  },
  {
    name: 'single-quoted filter',
    value: `[${trigger("spec.template.spec.containers[?(@.name=='app')].image")}]`,
    object: deployment,
    accepted: true,
    triggers: [],
    problems: [
      ['field-path-invalid', 'error', [0, 'fieldPath'], `"spec.template.spec.containers[?(@.name=='app')].image"`],
    ],
  },
  // library-go cuts the ") suffix and takes the rest, spaces and all, as the container name.
  {
    name: 'spaces in the filter name a container that is not there',
    value: `[${trigger('spec.template.spec.containers[?(@.name == \\"app\\")].image')}]`,
    object: deployment,
    accepted: true,
    triggers: [['ubi:8', '-', false]],
    problems: [
      [
        'field-path-loose-selector',
        'warning',
        [0, 'fieldPath'],
        '"spec.template.spec.containers[?(@.name == \\"app\\")].image"',
      ],
      [
        'container-not-found',
        'error',
        [0, 'fieldPath'],
        '"spec.template.spec.containers[?(@.name == \\"app\\")].image"',
      ],
    ],
  },
  {
    name: 'only the ?(@.name==" prefix is applied, with a warning',
    value: `[${trigger('spec.template.spec.containers[?(@.name==\\"app].image')}]`,
    object: deployment,
    accepted: true,
    triggers: [['ubi:8', 'app', false]],
    problems: [
      [
        'field-path-loose-selector',
        'warning',
        [0, 'fieldPath'],
        '"spec.template.spec.containers[?(@.name==\\"app].image"',
      ],
    ],
  },
  {
    name: 'only the ") suffix is applied, with a warning',
    value: `[${trigger('spec.template.spec.containers[app\\")].image')}]`,
    object: deployment,
    accepted: true,
    triggers: [['ubi:8', 'app', false]],
    problems: [
      ['field-path-loose-selector', 'warning', [0, 'fieldPath'], '"spec.template.spec.containers[app\\")].image"'],
    ],
  },
  {
    name: 'missing ]',
    value: `[${trigger('spec.template.spec.containers[?(@.name==\\"app\\").image')}]`,
    object: deployment,
    accepted: true,
    triggers: [],
    problems: [
      ['field-path-invalid', 'error', [0, 'fieldPath'], '"spec.template.spec.containers[?(@.name==\\"app\\").image"'],
    ],
  },
  {
    name: 'missing .image',
    value: `[${trigger('spec.template.spec.containers[?(@.name==\\"app\\")]')}]`,
    object: deployment,
    accepted: true,
    triggers: [],
    problems: [
      ['field-path-invalid', 'error', [0, 'fieldPath'], '"spec.template.spec.containers[?(@.name==\\"app\\")]"'],
    ],
  },
  {
    name: 'container name not in the pod spec',
    value: `[${trigger('spec.template.spec.containers[?(@.name==\\"nope\\")].image')}]`,
    object: deployment,
    accepted: true,
    triggers: [['ubi:8', '-', false]],
    problems: [
      [
        'container-not-found',
        'error',
        [0, 'fieldPath'],
        '"spec.template.spec.containers[?(@.name==\\"nope\\")].image"',
      ],
    ],
  },
  {
    name: 'index out of range',
    value: `[${trigger('spec.template.spec.containers[2].image')}]`,
    object: deployment,
    accepted: true,
    triggers: [['ubi:8', '-', false]],
    problems: [['container-not-found', 'error', [0, 'fieldPath'], '"spec.template.spec.containers[2].image"']],
  },
  {
    name: 'missing fieldPath',
    value: '[{"from":{"kind":"ImageStreamTag","name":"ubi:8"}}]',
    object: deployment,
    accepted: true,
    triggers: [],
    problems: [['field-path-missing', 'error', [0], '{"from":{"kind":"ImageStreamTag","name":"ubi:8"}}']],
  },
  {
    name: 'a Job is never triggered',
    value: `[${trigger(DEPLOY_APP)}]`,
    object: { kind: 'Job', spec: {} },
    accepted: true,
    triggers: [],
    problems: [['unsupported-kind', 'warning', [], `[${trigger(DEPLOY_APP)}]`]],
  },
  {
    name: 'a string entry drops everything',
    value: '["x"]',
    accepted: false,
    problems: [['trigger-not-an-object', 'error', [0], '"x"']],
  },
  {
    name: "nesting beyond Go's limit is refused, not a crash",
    value: '['.repeat(20000),
    accepted: false,
    problems: [['invalid-json', 'error', [], '[']],
  },
];

for (const c of cases) {
  test(`readTriggers: ${c.name}`, () => {
    const reading = readTriggers(c.value, c.object);
    assert.deepEqual(
      reading.problems.map((p) => [p.code, p.severity, p.path, c.value.slice(p.span.start, p.span.end)]),
      c.problems,
    );
    assert.equal(reading.accepted, c.accepted);
    if (c.triggers) {
      assert.deepEqual(
        reading.triggers.map((t) => [
          `${t.stream}:${t.tag}`,
          t.container ? `${t.container.init ? 'init/' : ''}${t.container.name}` : '-',
          t.paused,
        ]),
        c.triggers,
      );
    }
    for (const p of reading.problems) assert.match(p.message, /OpenShift/);
  });
}

test('a cross-namespace trigger keeps its namespace; an unparsable resolving path blocks the object', () => {
  const reading = readTriggers(
    `[{"from":{"kind":"ImageStreamTag","name":"s:t","namespace":"shared"},"fieldPath":"${DEPLOY_APP}"},${trigger('spec.template.spec.containers[x].image')}]`,
    deployment,
  );
  assert.equal(reading.triggers[0]?.namespace, 'shared');
  assert.deepEqual(reading.blocking, [{ index: 1, namespace: undefined, name: 'ubi:8', stream: 'ubi', tag: '8' }]);
});
