// The extension's cluster StreamSource against a real API server with istream's ImageStream CRD:
// the worker's service options (workspace files first, the cluster second) give from.name
// completion and the triggered container's hover the stream tags the cluster holds.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createLanguageService } from '@istream/core/language';
import type { ClusterInstance } from '@istream/test-harness/cluster/index';
import { clusterStreamSource } from '../src/stream-sources.js';
import { resolveKubeContext } from '../src/kube-context.js';
import { startLanguageWorker } from '../src/language-client.js';
import { clusterTimeoutMs, serviceOptions } from '../src/service-options.js';
import { readSettings } from '../src/settings.js';
import { clusterStreamsFixture, type ClusterStreams } from './cluster-streams-fixture.js';
import { bundleExtension } from './packaging.js';
import { defer } from '@istream/test-harness';

let fixture: ClusterStreams;
let cluster: ClusterInstance;
let namespace: string;
let current: string;
let previous: string;
let workDir: string;
/** The admin kubeconfig with the test namespace as its current context's namespace. */
let kubeconfig: string;

before(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'istream-vscode-cluster-'));
  fixture = await clusterStreamsFixture(workDir);
  ({ cluster, namespace, kubeconfig, current, previous } = fixture);
});

after(async () => {
  await fixture?.remove();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

const deployment = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: web',
  '  annotations:',
  `    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"app:v1"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"web\\")].image"}]'`,
  'spec:',
  '  template:',
  '    spec:',
  '      containers:',
  '      - name: web',
  '        image: app:v1',
  '',
].join('\n');
const line = (needle: string): number => deployment.split('\n').findIndex((l) => l.includes(needle));
const fromNameLine = line('"name":"app:v1"');
const insideFromName = {
  line: fromNameLine,
  character: deployment.split('\n')[fromNameLine]!.indexOf('"name":"app:v1"') + 9,
};

test('the cluster source yields each status tag of the namespace with its digest and history', async () => {
  const { tags, failures } = await clusterStreamSource(undefined, clusterTimeoutMs, {
    KUBECONFIG: kubeconfig,
  }).streamTags(new AbortController().signal);
  assert.deepEqual(failures, []);
  assert.deepEqual(tags, [
    {
      name: 'app:v1',
      namespace,
      source: 'cluster',
      current: {
        image: current,
        dockerImageReference: `registry.example.com/app@${current}`,
        created: '2026-11-02T10:00:00Z',
      },
      history: [
        {
          image: previous,
          dockerImageReference: `registry.example.com/app@${previous}`,
          created: '2026-11-01T10:00:00Z',
        },
      ],
    },
  ]);
  const kube = await resolveKubeContext({
    clusterEnabled: true,
    configuredContext: undefined,
    env: { KUBECONFIG: kubeconfig },
    timeoutMs: clusterTimeoutMs,
  });
  assert.ok(kube.kind === 'context' && kube.reachable && kube.streamTags === 1, JSON.stringify(kube));
});

test("the extension's service completes from.name with workspace and cluster tags and hovers the cluster digest", async (t) => {
  const folder = await mkdtemp(join(workDir, 'workspace-'));
  // The workspace names app:v1 without status and web:latest: the cluster's app:v1 (with its image) is used.
  await writeFile(
    join(folder, 'streams.yaml'),
    [
      'apiVersion: image.openshift.io/v1',
      'kind: ImageStream',
      'metadata:',
      '  name: app',
      'spec:',
      '  tags:',
      '  - name: v1',
      '---',
      'apiVersion: image.openshift.io/v1',
      'kind: ImageStream',
      'metadata:',
      '  name: web',
      'spec:',
      '  tags:',
      '  - name: latest',
      '',
    ].join('\n'),
  );
  const saved = process.env.KUBECONFIG;
  process.env.KUBECONFIG = kubeconfig;
  defer(t, () => {
    process.env.KUBECONFIG = saved;
  });
  const settings = readSettings({ get: () => undefined });
  const service = createLanguageService(serviceOptions({ settings, workspaceFolders: [folder] }));

  const items = await service.complete(deployment, insideFromName);
  const labels = items.map((i) => i.label);
  assert.ok(labels.includes('app:v1') && labels.includes('web:latest'), JSON.stringify(labels));
  assert.equal(labels.filter((l) => l === 'app:v1').length, 1);

  const imageLine = line('image: app:v1');
  const hover = await service.hover(deployment, {
    line: imageLine,
    character: deployment.split('\n')[imageLine]!.indexOf('app:v1') + 2,
  });
  assert.match(hover?.contents ?? '', /Triggered by ImageStreamTag `app:v1`/);
  assert.match(hover?.contents ?? '', new RegExp(`Current: \`registry.example.com/app@${current}\``));
  assert.match(hover?.contents ?? '', new RegExp(`History:\n- \`${previous}\``));

  const off = createLanguageService(
    serviceOptions({ settings: { ...settings, clusterEnabled: false }, workspaceFolders: [folder] }),
  );
  const offHover = await off.hover(deployment, {
    line: imageLine,
    character: deployment.split('\n')[imageLine]!.indexOf('app:v1') + 2,
  });
  assert.doesNotMatch(offHover?.contents ?? '', new RegExp(current), 'istream.cluster.enabled=false reads no cluster');
});

test('a forbidden cluster gives no tags and says the cluster failed; the status says why', async () => {
  const nobody = await cluster.serviceAccountKubeconfig(namespace, 'nobody');
  const { tags, failures } = await clusterStreamSource(undefined, clusterTimeoutMs, { KUBECONFIG: nobody }).streamTags(
    new AbortController().signal,
  );
  assert.deepEqual(tags, []);
  assert.equal(failures[0]?.source, 'cluster');
  assert.match(failures[0]?.reason ?? '', /forbidden|Forbidden|403/);
  const kube = await resolveKubeContext({
    clusterEnabled: true,
    configuredContext: undefined,
    env: { KUBECONFIG: nobody },
    timeoutMs: clusterTimeoutMs,
  });
  assert.ok(kube.kind === 'context' && !kube.reachable, JSON.stringify(kube));
  assert.match(kube.reason, /forbidden|Forbidden|403/);
});

// The Kubernetes client bundled by esbuild (and minified) is what VS Code runs: list streams through it.
test("the bundled language worker completes from.name with the cluster's stream tags", async (t) => {
  const out = await bundleExtension();
  const saved = process.env.KUBECONFIG;
  process.env.KUBECONFIG = kubeconfig;
  defer(t, () => {
    process.env.KUBECONFIG = saved;
  });
  const remote = startLanguageWorker(
    join(out, 'language-worker.cjs'),
    { settings: readSettings({ get: () => undefined }), workspaceFolders: [] },
    (l) => t.diagnostic(l),
  );
  defer(t, () => remote.dispose());
  const labels = (await remote.complete(deployment, insideFromName)).map((i) => i.label);
  assert.deepEqual(labels, ['app:v1']);
});
