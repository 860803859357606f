import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createLanguageService,
  streamTagsInText,
  type ImageDescription,
  type StreamTagInfo,
} from '../../src/language/index.js';
import { applyEdits, positionOf, readFixture } from './helpers.js';

const DIGEST = `sha256:${'1'.repeat(64)}`;
const AMD = `sha256:${'2'.repeat(64)}`;
const ARM = `sha256:${'3'.repeat(64)}`;
const index: ImageDescription = {
  digest: DIGEST,
  created: '2024-05-01T10:00:00Z',
  platforms: [
    { platform: 'linux/amd64', digest: AMD },
    { platform: 'linux/arm64/v8', digest: ARM },
  ],
};

test("inside fieldPath: every container and init container path of this kind, in the scalar's quoting", async () => {
  const text = readFixture('valid.yaml');
  const service = createLanguageService();
  const at = positionOf(text, 'spec.template.spec.containers[?(@.name==\\"web\\")]', 5);
  const items = await service.complete(text, at);
  // Each container by name first, then by index; the label is the name, the path is what is inserted.
  assert.deepEqual(
    items.map((i) => [i.label, i.labelDetail, i.labelDescription]),
    [
      ['web', undefined, 'containers[?(@.name=="web")]'],
      ['migrate', ' init', 'containers[?(@.name=="migrate")]'],
      ['web', ' [0]', 'containers[0]'],
      ['migrate', ' init [0]', 'initContainers[0]'],
    ],
  );
  assert.deepEqual(
    items.map((i) => i.detail?.split(': ')[1]),
    [
      'spec.template.spec.containers[?(@.name=="web")].image',
      'spec.template.spec.containers[?(@.name=="migrate")].image',
      'spec.template.spec.containers[0].image',
      'spec.template.spec.initContainers[0].image',
    ],
  );
  // Choosing the init container's item keeps the single-quoted YAML valid and the trigger clean.
  const chosen = items[3]!;
  const after = applyEdits(text, [{ range: chosen.range!, newText: chosen.insertText }]);
  assert.deepEqual(service.validate(after), []);
  assert.ok(after.includes(`"fieldPath":"spec.template.spec.initContainers[0].image"},{`));
});

test('a CronJob gets its jobTemplate paths', async () => {
  const text = readFixture('valid.yaml');
  const at = positionOf(text, '"fieldPath": "spec.jobTemplate', 14);
  const items = await createLanguageService().complete(text, at);
  assert.deepEqual(
    items.map((i) => i.detail?.split(': ')[1]),
    [
      'spec.jobTemplate.spec.template.spec.containers[?(@.name=="report")].image',
      'spec.jobTemplate.spec.template.spec.containers[0].image',
    ],
  );
});

test("typing a container's name in fieldPath matches that container's name form first", async () => {
  const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"app:latest"},"fieldPath":""}]'
spec:
  template:
    spec:
      containers:
      - name: proxy
        image: envoy:1
      - name: app
        image: app:1
`;
  const at = positionOf(text, '"fieldPath":""', '"fieldPath":"'.length);
  const items = await createLanguageService().complete(text, at);
  // An editor keeps the items whose filter text matches what was typed from the range's start
  // (the opening quote), in the order given, and Enter takes the first.
  const typed = '"app';
  const first = items.find((i) => (i.filterText ?? i.insertText).toLowerCase().startsWith(typed));
  assert.equal(
    first?.insertText,
    JSON.stringify('spec.template.spec.containers[?(@.name=="app")].image').replace(/'/g, "''"),
  );
  assert.ok(
    items.every((i) => (i.filterText ?? i.insertText).startsWith('"')),
    'every filter text starts as the range does, at the quote',
  );
});

test('inside from.name: stream tags of ImageStreams in the text and from the injected source', async () => {
  const stream =
    'apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: web\nspec:\n  tags:\n  - name: latest\n  - name: canary\n---\n';
  const text = stream + readFixture('paused-string.yaml');
  const cluster: StreamTagInfo[] = [
    { name: 'base:9', namespace: 'shared', source: 'cluster', current: { image: DIGEST } },
  ];
  const service = createLanguageService({ streams: { streamTags: async () => cluster } });
  const items = await service.complete(text, positionOf(text, '"name":"web:latest"', 9));
  assert.deepEqual(
    items.map((i) => [i.label, i.detail]),
    [
      ['web:latest', 'ImageStream tag (this file)'],
      ['web:canary', 'ImageStream tag (this file)'],
      ['base:9', `ImageStream tag (cluster, namespace shared, now ${DIGEST})`],
    ],
  );
  assert.equal(items[1]!.insertText, '"web:canary"');
});

test('an unreachable stream source still completes from the text, within the deadline', async () => {
  const text = readFixture('paused-string.yaml');
  const service = createLanguageService({ lookupTimeoutMs: 100, streams: { streamTags: () => new Promise(() => {}) } });
  const start = performance.now();
  assert.deepEqual(await service.complete(text, positionOf(text, '"name":"web:latest"', 9)), []);
  assert.ok(performance.now() - start < 1000);
});

test('in the metadata of a workload without triggers: a snippet adding the annotation for each container', async () => {
  const service = createLanguageService();
  const text = readFixture('paused-string.yaml').replace(/ {2}annotations:\n.*\n/, '  annotations:\n    \n');
  const items = await service.complete(text, { line: 4, character: 4 });
  assert.equal(items.length, 1);
  assert.equal(items[0]!.kind, 'snippet');
  assert.equal(
    items[0]!.insertText,
    `image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"\${1:web}:\${2:latest}"\\},"fieldPath":"spec.template.spec.containers[?(@.name==\\\\"web\\\\")].image"\\}]'`,
  );

  const noAnnotations = readFixture('paused-string.yaml').replace(/ {2}annotations:\n.*\n/, '  \n');
  const [withMap] = await service.complete(noAnnotations, { line: 4, character: 2 });
  assert.ok(withMap?.insertText.startsWith("annotations:\n  image.openshift.io/triggers: '"));
  assert.deepEqual(await service.complete(noAnnotations, positionOf(noAnnotations, '- name: web', 2)), []);
});

test('hover on image: the index digest, each platform, the created time', async () => {
  const text = readFixture('valid.yaml');
  const service = createLanguageService({
    imageLookup: { describe: async (ref) => (ref === 'postgres:15' ? index : Promise.reject(new Error('unexpected'))) },
  });
  const hover = await service.hover(text, positionOf(text, 'image: postgres:15', 10));
  assert.ok(hover);
  assert.match(hover.contents, new RegExp(`Digest: \`${DIGEST}\` \\(index\\)`));
  assert.match(hover.contents, /Created: 2024-05-01T10:00:00Z/);
  assert.match(hover.contents, new RegExp(`- linux/arm64/v8: \`${ARM}\``));
  assert.deepEqual(hover.range, { start: positionOf(text, 'postgres:15'), end: positionOf(text, 'postgres:15', 11) });
});

test('hover on a triggered container: the stream tag, its current digest and history', async () => {
  const stream = [
    'apiVersion: image.openshift.io/v1',
    'kind: ImageStream',
    'metadata:',
    '  name: report',
    'status:',
    '  tags:',
    '  - tag: stable',
    '    items:',
    `    - image: ${AMD}`,
    `      dockerImageReference: registry.example.com/report@${AMD}`,
    '      created: "2024-06-01T00:00:00Z"',
    `    - image: ${ARM}`,
    '      created: "2024-05-01T00:00:00Z"',
    '---',
    '',
  ].join('\n');
  const text = stream + readFixture('valid.yaml');
  const service = createLanguageService({ imageLookup: { describe: async () => index } });
  const hover = await service.hover(text, positionOf(text, 'image: report:stable', 8));
  assert.match(hover?.contents ?? '', /Triggered by ImageStreamTag `report:stable`/);
  assert.match(
    hover?.contents ?? '',
    new RegExp(`Current: \`registry.example.com/report@${AMD}\` \\(2024-06-01T00:00:00Z\\)`),
  );
  assert.match(hover?.contents ?? '', new RegExp(`History:\n- \`${ARM}\` \\(2024-05-01T00:00:00Z\\)`));
});

test('a registry that never answers gives a short message within the deadline, never a hang', async () => {
  const text = readFixture('valid.yaml');
  const service = createLanguageService({
    lookupTimeoutMs: 2000,
    imageLookup: { describe: () => new Promise(() => {}) },
  });
  const start = performance.now();
  const hover = await service.hover(text, positionOf(text, 'image: postgres:15', 10));
  const seconds = (performance.now() - start) / 1000;
  assert.ok(seconds >= 1.9 && seconds < 2.5, `answered after ${seconds} s`);
  assert.match(hover?.contents ?? '', /Registry: no answer within 2\.0 s/);
});

test('a lookup that fails says why; the signal the lookup gets is aborted at the deadline', async () => {
  const text = readFixture('valid.yaml');
  let seen: AbortSignal | undefined;
  const service = createLanguageService({
    lookupTimeoutMs: 50,
    imageLookup: {
      describe: (_ref, signal) => {
        seen = signal;
        return new Promise((_r, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
      },
    },
  });
  const hover = await service.hover(text, positionOf(text, 'image: postgres:15', 10));
  assert.match(hover?.contents ?? '', /Registry: no answer within 0\.1 s/);
  assert.equal(seen?.aborted, true);
  const offline = createLanguageService({
    imageLookup: {
      describe: async () => {
        throw new Error('cannot reach registry.example.com: connection refused');
      },
    },
  });
  assert.match(
    (await offline.hover(text, positionOf(text, 'image: postgres:15', 10)))?.contents ?? '',
    /Registry: cannot reach registry.example.com/,
  );
});

test('lookups are cached for the TTL by the injected clock', async () => {
  const text = readFixture('valid.yaml');
  let calls = 0;
  let now = 1_000_000;
  const service = createLanguageService({
    cacheTtlMs: 60_000,
    now: () => now,
    imageLookup: {
      describe: async () => {
        calls++;
        return index;
      },
    },
  });
  const at = positionOf(text, 'image: postgres:15', 10);
  await service.hover(text, at);
  await service.hover(text, at);
  assert.equal(calls, 1);
  now += 59_999;
  await service.hover(text, at);
  assert.equal(calls, 1);
  now += 2;
  await service.hover(text, at);
  assert.equal(calls, 2);
});

test('a failed registry lookup is kept a few seconds only: the registry back up is seen at once', async () => {
  const text = readFixture('valid.yaml');
  let up = false;
  let calls = 0;
  let now = 1_000_000;
  const service = createLanguageService({
    cacheTtlMs: 60_000,
    now: () => now,
    imageLookup: {
      describe: async () => {
        calls++;
        if (!up) throw new Error('cannot reach registry.example.com: connection refused');
        return index;
      },
    },
  });
  const at = positionOf(text, 'image: postgres:15', 10);
  assert.match((await service.hover(text, at))?.contents ?? '', /Registry: cannot reach registry\.example\.com/);
  up = true;
  now += 4_000;
  assert.match(
    (await service.hover(text, at))?.contents ?? '',
    /Registry: cannot reach/,
    'a failure is reused for a moment',
  );
  assert.equal(calls, 1);
  now += 1_001;
  assert.match(
    (await service.hover(text, at))?.contents ?? '',
    new RegExp(`Digest: \`${DIGEST}\``),
    'after 5 s the registry is asked again',
  );
  assert.equal(calls, 2);
});

test('hover says which source failed: an unreachable cluster is not "the tag is not in the cluster"; retried after a few seconds', async () => {
  const text = readFixture('valid.yaml');
  let now = 1_000_000;
  let clusterUp = false;
  const tag: StreamTagInfo = { name: 'report:stable', source: 'cluster', current: { image: AMD } };
  const service = createLanguageService({
    cacheTtlMs: 60_000,
    now: () => now,
    streams: {
      streamTags: async () =>
        clusterUp
          ? [tag]
          : {
              tags: [],
              failures: [{ source: 'cluster', reason: 'no answer from https://10.0.0.1:6443 within 1500 ms' }],
            },
    },
  });
  const at = positionOf(text, 'image: report:stable', 10);
  const down = (await service.hover(text, at))?.contents ?? '';
  assert.match(down, /The stream tag is not in this file or the workspace\./);
  assert.match(down, /Cluster: no answer from https:\/\/10\.0\.0\.1:6443 within 1500 ms/);
  assert.doesNotMatch(down, /or the cluster/);
  clusterUp = true;
  now += 5_001;
  assert.match((await service.hover(text, at))?.contents ?? '', new RegExp(`Current: \`${AMD}\``));
});

test('hover lines are separate paragraphs, not one run-together line', async () => {
  const text = readFixture('valid.yaml');
  const service = createLanguageService({
    imageLookup: { describe: async () => ({ digest: DIGEST, created: '2024-05-01T10:00:00Z' }) },
  });
  const contents = (await service.hover(text, positionOf(text, 'image: postgres:15', 10)))?.contents ?? '';
  assert.ok(
    contents.startsWith(`**postgres:15**\n\nDigest: \`${DIGEST}\`\n\nCreated: 2024-05-01T10:00:00Z\n\n`),
    contents,
  );
});

test('Ctrl+. on an image: line answers at once on a slow registry; the pin is offered once the registry answered', async () => {
  const text = readFixture('valid.yaml');
  let answer: (d: ImageDescription) => void = () => {};
  const service = createLanguageService({
    imageLookup: {
      describe: () =>
        new Promise((resolve) => {
          answer = resolve;
        }),
    },
  });
  const at = positionOf(text, 'image: postgres:15', 10);
  const start = performance.now();
  const first = await service.codeActions(text, { start: at, end: at }, []);
  const ms = performance.now() - start;
  assert.ok(ms < 600, `answered after ${ms} ms`);
  assert.ok(!first.some((a) => a.title.startsWith('Pin image')));
  answer({ digest: DIGEST });
  const next = await service.codeActions(text, { start: at, end: at }, []);
  assert.ok(
    next.some((a) => a.title.startsWith('Pin image')),
    JSON.stringify(next.map((a) => a.title)),
  );
});

test("stream tags of a workspace file, for the editor's workspace source", () => {
  const text = `apiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: ubi\n  namespace: shared\nspec:\n  tags:\n  - name: "8"\nstatus:\n  tags:\n  - tag: "8"\n    items:\n    - image: ${DIGEST}\n      created: "2024-06-01T00:00:00Z"\n`;
  assert.deepEqual(streamTagsInText(text), [
    {
      name: 'ubi:8',
      namespace: 'shared',
      current: { image: DIGEST, dockerImageReference: undefined, created: '2024-06-01T00:00:00Z' },
      history: [],
      source: 'workspace',
    },
  ]);
});

const triggered = (annotation: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
  namespace: team-a
  annotations:
    image.openshift.io/triggers: '${annotation}'
spec:
  template:
    spec:
      containers:
      - name: web
        image: web:1
`;

test('completion everywhere in the annotation: missing keys, kind, paused, namespaces', async () => {
  const service = createLanguageService({
    streams: { streamTags: async () => [{ name: 'base:9', namespace: 'shared', source: 'cluster' }] },
  });
  const labelsAt = async (text: string, needle: string, shift: number): Promise<string[]> =>
    (await service.complete(text, positionOf(text, needle, shift))).map((i) => i.label);

  const keys = triggered('[{"from":{"kind":"ImageStreamTag","name":"web:1"},""}]');
  assert.deepEqual(
    await labelsAt(keys, '},""}', 3),
    ['fieldPath', 'paused'],
    "the trigger's keys it does not have yet",
  );
  const [fieldPathKey] = await service.complete(keys, positionOf(keys, '},""}', 3));
  assert.ok(
    applyEdits(keys, [{ range: fieldPathKey!.range!, newText: fieldPathKey!.insertText }]).includes(
      '"web:1"},"fieldPath"}]',
    ),
    'the typed key is replaced, quotes included',
  );
  const fromKeys = triggered('[{"from":{"kind":"ImageStreamTag",""},"fieldPath":""}]');
  assert.deepEqual(await labelsAt(fromKeys, '",""}', 3), ['name', 'namespace']);

  const kind = triggered('[{"from":{"kind":"","name":"web:1"}}]');
  assert.deepEqual(await labelsAt(kind, '"kind":""', 8), ['ImageStreamTag']);

  const paused = triggered('[{"from":{"kind":"ImageStreamTag","name":"web:1"},"paused":"false"}]');
  const items = await service.complete(paused, positionOf(paused, '"paused":"false"', 11));
  assert.deepEqual(
    items.map((i) => i.label),
    ['false', 'true'],
  );
  const fixed = applyEdits(paused, [{ range: items[0]!.range!, newText: items[0]!.insertText }]);
  assert.ok(fixed.includes('"paused":false}'), fixed);

  const namespace = triggered('[{"from":{"kind":"ImageStreamTag","name":"base:9","namespace":""}}]');
  assert.deepEqual(await labelsAt(namespace, '"namespace":""', 13), ['team-a', 'shared']);
});

test("hover explains the annotation, each of its keys, and an ImageStream's lookup and import policies", async () => {
  const service = createLanguageService();
  const text = readFixture('paused-string.yaml');
  const onKey = await service.hover(text, positionOf(text, 'image.openshift.io/triggers', 3));
  assert.match(onKey?.contents ?? '', /image change triggers: a JSON array/);
  const onPaused = await service.hover(text, positionOf(text, '"paused"', 2));
  assert.match(onPaused?.contents ?? '', /\*\*paused\*\*\n\n`true` stops this trigger/);
  assert.match(onPaused?.contents ?? '', /docs\/rules\/paused-not-boolean\.md/);
  const onName = await service.hover(text, positionOf(text, '"name":"web', 2));
  assert.match(onName?.contents ?? '', /\*\*from\.name\*\*/);

  const stream = `apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: web
spec:
  lookupPolicy:
    local: true
  tags:
  - name: latest
    from: {kind: DockerImage, name: quay.io/x/web:latest}
    importPolicy:
      scheduled: true
      importMode: PreserveOriginal
`;
  assert.match(
    (await service.hover(stream, positionOf(stream, 'local:', 2)))?.contents ?? '',
    /\*\*spec\.lookupPolicy\.local\*\*\n\n`true`: a pod/,
  );
  assert.match(
    (await service.hover(stream, positionOf(stream, 'importMode', 2)))?.contents ?? '',
    /PreserveOriginal` keeps the whole index/,
  );
  assert.match(
    (await service.hover(stream, positionOf(stream, 'scheduled', 2)))?.contents ?? '',
    /imported again periodically/,
  );
  assert.equal(
    await service.hover(stream, positionOf(stream, 'name: latest', 2)),
    null,
    'no page for a field without a trap',
  );
});
