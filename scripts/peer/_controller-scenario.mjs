// The scenario OpenShift's image trigger controller is recorded on (scripts/peer/controller.mjs):
// image streams, workloads of every kind and the phases that move and roll back tags. It is
// written into the vectors in full, so the replay needs only the vector file. Namespaces are the
// placeholders {{ns}} (the workloads'), {{other}} (streams the workloads' namespace may pull) and
// {{denied}} (streams it may not); everything else is fixed, so two recordings are byte-equal.
import { createHash } from 'node:crypto';

export const NS = '{{ns}}';
export const OTHER = '{{other}}';
export const DENIED = '{{denied}}';

const REGISTRY = 'registry.example.com/team';
const CREATED = '2026-01-01T00:00:00Z';

function digest(label) {
  return `sha256:${createHash('sha256').update(label).digest('hex')}`;
}

/** A status item as an import writes it: the source repository with the image's digest. */
function item(repository, label) {
  const image = digest(label);
  return { created: CREATED, dockerImageReference: `${repository}@${image}`, image, generation: 1 };
}

function specTag(name, from, referencePolicy = 'Source') {
  return { name, from, generation: 1, referencePolicy: { type: referencePolicy }, importPolicy: {} };
}

const docker = (name) => ({ kind: 'DockerImage', name });

/** The streams, each with its status before the tag move and the status items the move prepends. */
function streamDefinitions() {
  const app = `${REGISTRY}/app`;
  return [
    {
      namespace: NS,
      name: 'app',
      spec: [
        specTag('1.0', docker(`${app}:1.0`)),
        specTag('latest', docker(`${app}:latest`)),
        // An alias: OpenShift copies the source tag's items into the alias's status.
        specTag('stable', { kind: 'ImageStreamTag', name: 'app:1.0' }),
        // Spec only: never imported before the move.
        specTag('pending', docker(`${app}:pending`)),
        specTag('emptyitems', docker(`${app}:emptyitems`)),
      ],
      repository: '',
      before: {
        '1.0': [item(app, 'app-1.0-a')],
        latest: [item(app, 'app-latest-a')],
        stable: [item(app, 'app-1.0-a')],
        emptyitems: [],
        statusonly: [item(app, 'app-statusonly-a')],
      },
      moved: {
        '1.0': item(app, 'app-1.0-b'),
        latest: item(app, 'app-latest-b'),
        stable: item(app, 'app-1.0-b'),
        pending: item(app, 'app-pending-b'),
        statusonly: item(app, 'app-statusonly-b'),
      },
    },
    {
      namespace: NS,
      name: 'sidecar',
      spec: [specTag('2', docker(`${REGISTRY}/sidecar:2`))],
      repository: '',
      before: { 2: [item(`${REGISTRY}/sidecar`, 'sidecar-2-a')] },
      moved: { 2: item(`${REGISTRY}/sidecar`, 'sidecar-2-b') },
    },
    {
      // Local reference policy, no status.dockerImageRepository (no integrated registry).
      namespace: NS,
      name: 'local',
      spec: [specTag('1.0', docker(`${REGISTRY}/local:1.0`), 'Local')],
      repository: '',
      before: { '1.0': [item(`${REGISTRY}/local`, 'local-1.0-a')] },
      moved: { '1.0': item(`${REGISTRY}/local`, 'local-1.0-b') },
    },
    {
      // Local reference policy with a repository in status: pulls go through it.
      namespace: NS,
      name: 'localrepo',
      spec: [specTag('1.0', docker(`${REGISTRY}/localrepo:1.0`), 'Local')],
      repository: `mirror.example.com:5000/${NS}/localrepo`,
      before: { '1.0': [item(`${REGISTRY}/localrepo`, 'localrepo-1.0-a')] },
      moved: { '1.0': item(`${REGISTRY}/localrepo`, 'localrepo-1.0-b') },
    },
    {
      // A stream whose only tag is imported for the first time by the move.
      namespace: NS,
      name: 'empty',
      spec: [specTag('1.0', docker(`${REGISTRY}/empty:1.0`))],
      repository: '',
      before: {},
      moved: { '1.0': item(`${REGISTRY}/empty`, 'empty-1.0-b') },
    },
    {
      namespace: OTHER,
      name: 'shared',
      spec: [specTag('1.0', docker(`${REGISTRY}/shared:1.0`))],
      repository: '',
      before: { '1.0': [item(`${REGISTRY}/shared`, 'shared-1.0-a')] },
      moved: { '1.0': item(`${REGISTRY}/shared`, 'shared-1.0-b') },
    },
    {
      namespace: DENIED,
      name: 'secret',
      spec: [specTag('1.0', docker(`${REGISTRY}/secret:1.0`))],
      repository: '',
      before: { '1.0': [item(`${REGISTRY}/secret`, 'secret-1.0-a')] },
      moved: { '1.0': item(`${REGISTRY}/secret`, 'secret-1.0-b') },
    },
  ];
}

function status(repository, tags) {
  return {
    dockerImageRepository: repository,
    tags: Object.entries(tags)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([tag, items]) => ({ tag, items })),
  };
}

function streams() {
  return streamDefinitions().map((d) => ({
    object: {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name: d.name, namespace: d.namespace },
      spec: { lookupPolicy: { local: false }, tags: d.spec },
    },
    status: status(d.repository, d.before),
  }));
}

/** What the tag move writes: each stream's whole status, new items first, as an import leaves it. */
function movedStatuses() {
  return streamDefinitions().map((d) => {
    const tags = { ...d.before };
    for (const [tag, event] of Object.entries(d.moved)) tags[tag] = [event, ...(tags[tag] ?? [])];
    return { namespace: d.namespace, name: d.name, status: status(d.repository, tags) };
  });
}

/** Service accounts of {{ns}} may pull streams of {{other}} (what system:image-puller grants there). */
function rbac() {
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'stream-puller', namespace: OTHER },
      rules: [{ apiGroups: ['image.openshift.io'], resources: ['imagestreams/layers'], verbs: ['get'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'stream-puller', namespace: OTHER },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'stream-puller' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: `system:serviceaccounts:${NS}` }],
    },
  ];
}

const KINDS = {
  Deployment: { short: 'deploy', apiVersion: 'apps/v1', podSpec: 'spec.template.spec' },
  StatefulSet: { short: 'sts', apiVersion: 'apps/v1', podSpec: 'spec.template.spec' },
  DaemonSet: { short: 'ds', apiVersion: 'apps/v1', podSpec: 'spec.template.spec' },
  CronJob: { short: 'cj', apiVersion: 'batch/v1', podSpec: 'spec.jobTemplate.spec.template.spec' },
  Job: { short: 'job', apiVersion: 'batch/v1', podSpec: 'spec.template.spec' },
};

/** A workload that starts no pod: no replicas, suspended, or a node selector no node has. */
function workload(kind, name, containers, initContainers, annotation) {
  const labels = { 'istream.io/peer-scenario': name };
  const podSpec = {
    containers: containers.map(([n, image]) => ({ name: n, image })),
    ...(initContainers.length ? { initContainers: initContainers.map(([n, image]) => ({ name: n, image })) } : {}),
    ...(kind === 'CronJob' || kind === 'Job' ? { restartPolicy: 'Never' } : {}),
    ...(kind === 'DaemonSet' ? { nodeSelector: { 'istream.io/peer-scenario': 'no-such-node' } } : {}),
  };
  const template = { metadata: { labels }, spec: podSpec };
  const spec = {
    Deployment: { replicas: 0, selector: { matchLabels: labels }, template },
    StatefulSet: { replicas: 0, serviceName: name, selector: { matchLabels: labels }, template },
    DaemonSet: { selector: { matchLabels: labels }, template },
    CronJob: { schedule: '0 0 1 1 *', suspend: true, jobTemplate: { spec: { template } } },
    Job: { suspend: true, template },
  }[kind];
  const annotations = annotation === undefined ? undefined : { 'image.openshift.io/triggers': annotation };
  return {
    apiVersion: KINDS[kind].apiVersion,
    kind,
    metadata: { name, namespace: NS, ...(annotations ? { annotations } : {}) },
    spec,
  };
}

const byName = (container) => `containers[?(@.name=="${container}")].image`;
const initByName = (container) => `initContainers[?(@.name=="${container}")].image`;

/** One trigger entry; `at` is the path below the kind's pod spec, or a whole fieldPath with `whole`. */
function trigger(name, at, options = {}) {
  const from = { kind: options.kind ?? 'ImageStreamTag', name };
  if (options.namespace) from.namespace = options.namespace;
  if (options.apiVersion) from.apiVersion = options.apiVersion;
  return { from, fieldPath: at, ...(options.paused !== undefined ? { paused: options.paused } : {}) };
}

const PLACEHOLDER = ' ';
const OLD = `${REGISTRY}/old:0`;

/** Cases recorded for every kind: [case, containers, initContainers, triggers(podSpecPath)]. */
const everyKind = [
  ['basic', [['web', PLACEHOLDER]], [], (p) => [trigger('app:1.0', `${p}.${byName('web')}`)]],
  [
    'index',
    [
      ['web', PLACEHOLDER],
      ['side', PLACEHOLDER],
    ],
    [],
    (p) => [trigger('app:latest', `${p}.containers[0].image`), trigger('sidecar:2', `${p}.containers[1].image`)],
  ],
  [
    'init',
    [['web', OLD]],
    [['setup', PLACEHOLDER]],
    (p) => [trigger('app:1.0', `${p}.${initByName('setup')}`), trigger('sidecar:2', `${p}.initContainers[0].image`)],
  ],
  [
    'init-index',
    [['web', OLD]],
    [
      ['setup', PLACEHOLDER],
      ['migrate', PLACEHOLDER],
    ],
    (p) => [trigger('app:1.0', `${p}.initContainers[1].image`), trigger('app:latest', `${p}.${byName('web')}`)],
  ],
  ['paused', [['web', OLD]], [], (p) => [trigger('app:1.0', `${p}.${byName('web')}`, { paused: true })]],
  [
    'paused-mixed',
    [
      ['web', OLD],
      ['side', OLD],
    ],
    [],
    (p) => [
      trigger('app:1.0', `${p}.${byName('web')}`, { paused: true }),
      trigger('sidecar:2', `${p}.${byName('side')}`, { paused: false }),
    ],
  ],
  ['cross', [['web', PLACEHOLDER]], [], (p) => [trigger('shared:1.0', `${p}.${byName('web')}`, { namespace: OTHER })]],
  [
    'denied',
    [['web', PLACEHOLDER]],
    [],
    (p) => [trigger('secret:1.0', `${p}.${byName('web')}`, { namespace: DENIED })],
  ],
  [
    'local',
    [
      ['web', PLACEHOLDER],
      ['side', PLACEHOLDER],
    ],
    [],
    (p) => [trigger('local:1.0', `${p}.${byName('web')}`), trigger('localrepo:1.0', `${p}.${byName('side')}`)],
  ],
  [
    'missing',
    [
      ['a', OLD],
      ['b', OLD],
      ['c', OLD],
    ],
    [],
    (p) => [
      trigger('nosuch:1.0', `${p}.${byName('a')}`),
      trigger('app:pending', `${p}.${byName('b')}`),
      trigger('empty:1.0', `${p}.${byName('c')}`),
    ],
  ],
  ['alias', [['web', PLACEHOLDER]], [], (p) => [trigger('app:stable', `${p}.${byName('web')}`)]],
  [
    'wrong-kind',
    [
      ['web', OLD],
      ['side', OLD],
    ],
    [],
    (p) => [
      trigger('app:1.0', `${p}.${byName('web')}`, { kind: 'DockerImage' }),
      trigger('app:latest', `${p}.${byName('side')}`, { apiVersion: 'image.openshift.io/v1' }),
    ],
  ],
  [
    'container-missing',
    [['web', OLD]],
    [],
    (p) => [trigger('sidecar:2', `${p}.${byName('web')}`), trigger('app:1.0', `${p}.${byName('nope')}`)],
  ],
];

const D = 'spec.template.spec';
const json = (value) => JSON.stringify(value);

/** Deployment-only cases: every rule of the annotation that does not depend on the kind. */
const deploymentCases = [
  ['invalid-json', [['web', OLD]], [], `[{"from":{"kind":"ImageStreamTag","name":"app:1.0"},"fieldPath":`],
  ['not-an-array', [['web', OLD]], [], json(trigger('app:1.0', `${D}.${byName('web')}`))],
  ['json-null', [['web', OLD]], [], 'null'],
  ['empty-array', [['web', OLD]], [], '[]'],
  ['empty-string', [['web', OLD]], [], ''],
  ['no-annotation', [['web', OLD]], [], undefined],
  [
    'pretty-json',
    [['web', OLD]],
    [],
    `\n  [\n    {\n      "from": {"kind": "ImageStreamTag", "name": "app:1.0"},\n      "fieldPath": "${D}.containers[0].image"\n    }\n  ]\n`,
  ],
  [
    'paused-string',
    [['web', OLD]],
    [],
    `[{"from":{"kind":"ImageStreamTag","name":"app:1.0"},"fieldPath":"${D}.containers[0].image","paused":"true"}]`,
  ],
  [
    'paused-repeated-key',
    [['web', OLD]],
    [],
    `[{"from":{"kind":"ImageStreamTag","name":"app:1.0"},"fieldPath":"${D}.containers[0].image","paused":true,"paused":false}]`,
  ],
  [
    'key-case',
    [['web', OLD]],
    [],
    `[{"FROM":{"Kind":"ImageStreamTag","NAME":"app:1.0"},"FieldPath":"${D}.containers[0].image","Paused":false}]`,
  ],
  [
    'unknown-key',
    [['web', OLD]],
    [],
    `[{"from":{"kind":"ImageStreamTag","name":"app:1.0"},"fieldPath":"${D}.containers[0].image","pause":true}]`,
  ],
  [
    'null-entry',
    [['web', OLD]],
    [],
    `[null,{"from":{"kind":"ImageStreamTag","name":"app:1.0"},"fieldPath":"${D}.containers[0].image"}]`,
  ],
  [
    'two-null-entries',
    [['web', OLD]],
    [],
    `[null,null,{"from":{"kind":"ImageStreamTag","name":"app:1.0"},"fieldPath":"${D}.containers[0].image"}]`,
  ],
  [
    'duplicate',
    [['web', OLD]],
    [],
    json([trigger('app:1.0', `${D}.${byName('web')}`), trigger('app:latest', `${D}.${byName('web')}`)]),
  ],
  [
    'duplicate-paused',
    [['web', OLD]],
    [],
    json([
      trigger('app:1.0', `${D}.${byName('web')}`, { paused: true }),
      trigger('app:latest', `${D}.${byName('web')}`),
    ]),
  ],
  [
    'same-container-two-paths',
    [['web', OLD]],
    [],
    json([trigger('app:1.0', `${D}.${byName('web')}`), trigger('app:latest', `${D}.containers[0].image`)]),
  ],
  [
    'wrong-kind-with-valid',
    [
      ['web', OLD],
      ['side', OLD],
    ],
    [],
    json([
      trigger('app:1.0', `${D}.${byName('web')}`, { kind: 'DockerImage' }),
      trigger('app:latest', `${D}.${byName('side')}`),
    ]),
  ],
  [
    'kind-lowercase',
    [['web', OLD]],
    [],
    json([trigger('app:1.0', `${D}.${byName('web')}`, { kind: 'imagestreamtag' })]),
  ],
  [
    'kind-image',
    [['web', OLD]],
    [],
    json([trigger(`app@${digest('app-1.0-a')}`, `${D}.${byName('web')}`, { kind: 'ImageStreamImage' })]),
  ],
  ['name-without-tag', [['web', OLD]], [], json([trigger('app', `${D}.${byName('web')}`)])],
  ['name-empty-tag', [['web', OLD]], [], json([trigger('app:', `${D}.${byName('web')}`)])],
  ['name-two-colons', [['web', OLD]], [], json([trigger('app:1.0:x', `${D}.${byName('web')}`)])],
  ['name-with-namespace', [['web', OLD]], [], json([trigger(`${OTHER}/shared:1.0`, `${D}.${byName('web')}`)])],
  [
    'own-namespace-explicit',
    [['web', OLD]],
    [],
    json([trigger('app:1.0', `${D}.${byName('web')}`, { namespace: NS })]),
  ],
  [
    'denied-with-own',
    [
      ['web', OLD],
      ['side', OLD],
    ],
    [],
    json([
      trigger('secret:1.0', `${D}.${byName('web')}`, { namespace: DENIED }),
      trigger('app:1.0', `${D}.${byName('side')}`),
    ]),
  ],
  [
    'container-missing-unresolved',
    [['web', OLD]],
    [],
    json([trigger('nosuch:1.0', `${D}.${byName('nope')}`), trigger('app:1.0', `${D}.${byName('web')}`)]),
  ],
  [
    'container-missing-paused',
    [['web', OLD]],
    [],
    json([
      trigger('app:1.0', `${D}.${byName('nope')}`, { paused: true }),
      trigger('app:latest', `${D}.${byName('web')}`),
    ]),
  ],
  [
    'container-missing-pending',
    [['web', OLD]],
    [],
    json([trigger('app:pending', `${D}.${byName('nope')}`), trigger('app:1.0', `${D}.${byName('web')}`)]),
  ],
  ['index-out-of-range', [['web', OLD]], [], json([trigger('app:1.0', `${D}.containers[3].image`)])],
  ['index-negative', [['web', OLD]], [], json([trigger('app:1.0', `${D}.containers[-1].image`)])],
  ['index-plus-sign', [['web', OLD]], [], json([trigger('app:1.0', `${D}.containers[+0].image`)])],
  [
    'index-leading-zero',
    [
      ['web', OLD],
      ['side', OLD],
    ],
    [],
    json([trigger('app:1.0', `${D}.containers[01].image`)]),
  ],
  ['selector-prefix-only', [['web', OLD]], [], json([trigger('app:1.0', `${D}.containers[?(@.name=="web].image`)])],
  ['selector-suffix-only', [['web', OLD]], [], json([trigger('app:1.0', `${D}.containers[web")].image`)])],
  ['selector-single-quotes', [['web', OLD]], [], json([trigger('app:1.0', `${D}.containers[?(@.name=='web')].image`)])],
  ['selector-spaces', [['web', OLD]], [], json([trigger('app:1.0', `${D}.containers[?(@.name == "web")].image`)])],
  ['init-through-containers', [['web', OLD]], [['setup', OLD]], json([trigger('app:1.0', `${D}.${byName('setup')}`)])],
  ['remainder-not-image', [['web', OLD]], [], json([trigger('app:1.0', `${D}.containers[0].name`)])],
  ['remainder-missing', [['web', OLD]], [], json([trigger('app:1.0', `${D}.containers[0]`)])],
  ['remainder-deeper', [['web', OLD]], [], json([trigger('app:1.0', `${D}.containers[0].image.name`)])],
  [
    'outside-template',
    [['web', OLD]],
    [],
    json([trigger('app:1.0', 'spec.containers[0].image'), trigger('app:latest', `${D}.containers[0].image`)]),
  ],
  [
    'cronjob-path',
    [['web', OLD]],
    [],
    json([trigger('app:1.0', 'spec.jobTemplate.spec.template.spec.containers[0].image')]),
  ],
  ['missing-field-path', [['web', OLD]], [], json([{ from: { kind: 'ImageStreamTag', name: 'app:1.0' } }])],
  ['stream-tag-placeholder', [['web', 'app:1.0']], [], json([trigger('app:1.0', `${D}.${byName('web')}`)])],
  [
    'already-current',
    [['web', item(`${REGISTRY}/app`, 'app-1.0-a').dockerImageReference]],
    [],
    json([trigger('app:1.0', `${D}.${byName('web')}`)]),
  ],
  ['status-only-tag', [['web', OLD]], [], json([trigger('app:statusonly', `${D}.${byName('web')}`)])],
  ['empty-items', [['web', OLD]], [], json([trigger('app:emptyitems', `${D}.${byName('web')}`)])],
  ['missing-tag', [['web', OLD]], [], json([trigger('app:nosuchtag', `${D}.${byName('web')}`)])],
];

/** A CronJob whose fieldPath names a Deployment's pod template, beside one that is right. */
const cronJobCases = [
  [
    'deployment-path',
    [
      ['web', OLD],
      ['side', OLD],
    ],
    [],
    json([
      trigger('app:1.0', `${D}.containers[0].image`),
      trigger('app:latest', `spec.jobTemplate.spec.template.spec.${byName('side')}`),
    ]),
  ],
];

function workloads() {
  const out = [];
  for (const [kind, { short, podSpec }] of Object.entries(KINDS)) {
    for (const [name, containers, init, triggers] of everyKind) {
      out.push(workload(kind, `${short}-${name}`, containers, init, json(triggers(podSpec))));
    }
  }
  for (const [name, containers, init, annotation] of deploymentCases)
    out.push(workload('Deployment', `deploy-${name}`, containers, init, annotation));
  for (const [name, containers, init, annotation] of cronJobCases)
    out.push(workload('CronJob', `cj-${name}`, containers, init, annotation));
  return out;
}

/**
 * The whole scenario. `phases[0]` is the state after the controller first saw everything;
 * `tag-moved` writes the statuses an import of the new images leaves; `rolled-back` runs
 * `kubectl istream rollback` (pins the tag to its previous image, as `oc tag STREAM@DIGEST` does).
 */
export function scenario() {
  return {
    namespaces: { ns: NS, other: OTHER, denied: DENIED },
    rbac: rbac(),
    streams: streams(),
    workloads: workloads(),
    phases: [
      { name: 'created' },
      { name: 'tag-moved', statuses: movedStatuses() },
      {
        name: 'rolled-back',
        rollbacks: [
          { namespace: NS, tag: 'app:1.0' },
          { namespace: NS, tag: 'local:1.0' },
          { namespace: NS, tag: 'localrepo:1.0' },
          { namespace: OTHER, tag: 'shared:1.0' },
          { namespace: DENIED, tag: 'secret:1.0' },
        ],
      },
    ],
  };
}
