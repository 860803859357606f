import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import { createLanguageService } from '@istream/core/language';
import { resolveKubeContext, type KubeContextInputs } from '../src/kube-context.js';
import { serviceOptions } from '../src/service-options.js';
import { readSettings } from '../src/settings.js';
import { defer } from '@istream/test-harness';

// Port 1 refuses connections at once: a cluster that is configured but not reachable.
const unreachableServer = 'https://127.0.0.1:1';

/** `names` keeps cluster and user names apart across files (client-node refuses to merge duplicates). */
function kubeconfig(current: string | undefined, contexts: string[], namespace?: string, names = 'c'): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    ...(current === undefined ? [] : [`current-context: ${current}`]),
    'clusters:',
    `- name: ${names}\n  cluster: {server: "${unreachableServer}"}`,
    'users:',
    `- name: ${names}\n  user: {token: t}`,
    'contexts:',
    ...contexts.map(
      (name) =>
        `- name: ${name}\n  context: {cluster: ${names}, user: ${names}${namespace ? `, namespace: ${namespace}` : ''}}`,
    ),
  ].join('\n');
}

async function tempHome(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'istream-kube-context-'));
  defer(t, () => rm(home, { recursive: true, force: true }));
  return home;
}

const inputs = (env: NodeJS.ProcessEnv, configuredContext?: string): KubeContextInputs => ({
  clusterEnabled: true,
  configuredContext,
  env,
  timeoutMs: 1500,
});

test('the current context of ~/.kube/config, unless a setting names another; an unreachable one says why', async (t) => {
  const home = await tempHome(t);
  await mkdir(join(home, '.kube'));
  await writeFile(join(home, '.kube/config'), kubeconfig('dev', ['dev', 'prod'], 'team-a'));

  const dev = await resolveKubeContext(inputs({ HOME: home }));
  assert.equal(dev.kind, 'context');
  assert.ok(dev.kind === 'context' && !dev.reachable);
  assert.equal(dev.name, 'dev');
  assert.equal(dev.namespace, 'team-a');
  assert.equal(dev.server, unreachableServer);
  assert.match(dev.reason, /127\.0\.0\.1:1/);

  const prod = await resolveKubeContext(inputs({ HOME: home }, 'prod'));
  assert.equal(prod.kind === 'context' && prod.name, 'prod');
  const staging = await resolveKubeContext(inputs({ HOME: home }, 'staging'));
  assert.equal(staging.kind, 'none');
  assert.match(
    staging.kind === 'none' ? staging.reason : '',
    /context "staging" does not exist in the kubeconfig \(contexts: dev, prod\): name one of them in the istream\.cluster\.context setting/,
  );
  assert.deepEqual(await resolveKubeContext({ ...inputs({ HOME: home }), clusterEnabled: false }), {
    kind: 'none',
    reason: 'cluster lookups are off (istream.cluster.enabled)',
  });
});

test('KUBECONFIG lists files: the first current-context wins, contexts come from all of them', async (t) => {
  const home = await tempHome(t);
  const first = join(home, 'a.yaml');
  const second = join(home, 'b.yaml');
  await writeFile(first, kubeconfig(undefined, ['from-a'], undefined, 'a'));
  await writeFile(second, kubeconfig('from-a', ['from-b'], undefined, 'b'));
  const KUBECONFIG = [join(home, 'missing.yaml'), first, second].join(delimiter);
  const resolved = await resolveKubeContext(inputs({ HOME: home, KUBECONFIG }));
  assert.equal(resolved.kind === 'context' && resolved.name, 'from-a');
  assert.equal(resolved.kind === 'context' && resolved.namespace, 'default');
});

test('no kubeconfig, a broken one or one without a current context means no cluster', async (t) => {
  const home = await tempHome(t);
  const none = await resolveKubeContext(inputs({ HOME: home }));
  assert.match(none.kind === 'none' ? none.reason : '', /no kubeconfig found/);
  // The editor has no flags: the advice names the environment and the setting instead.
  assert.match(none.kind === 'none' ? none.reason : '', /set KUBECONFIG .*istream\.cluster\.enabled/);
  assert.doesNotMatch(none.kind === 'none' ? none.reason : '', /--kubeconfig/);

  await mkdir(join(home, '.kube'));
  await writeFile(join(home, '.kube/config'), '{ not: [yaml');
  const broken = await resolveKubeContext(inputs({ HOME: home }));
  assert.match(broken.kind === 'none' ? broken.reason : '', /cannot read kubeconfig/);

  await writeFile(join(home, '.kube/config'), kubeconfig(undefined, ['dev']));
  const noCurrent = await resolveKubeContext(inputs({ HOME: home }));
  assert.match(noCurrent.kind === 'none' ? noCurrent.reason : '', /no current context/);
  assert.match(noCurrent.kind === 'none' ? noCurrent.reason : '', /istream\.cluster\.context setting/);
  assert.doesNotMatch(noCurrent.kind === 'none' ? noCurrent.reason : '', /--context/);
});

test('an unreachable cluster: the hover of a triggered container says the cluster failed, not that the tag is missing', async (t) => {
  const home = await tempHome(t);
  const file = join(home, 'config.yaml');
  await writeFile(file, kubeconfig('dev', ['dev']));
  const saved = process.env.KUBECONFIG;
  process.env.KUBECONFIG = file;
  defer(t, async () => {
    process.env.KUBECONFIG = saved;
  });
  const service = createLanguageService(
    serviceOptions({
      settings: { ...readSettings({ get: () => undefined }), clusterEnabled: true },
      workspaceFolders: [],
    }),
  );
  const text = [
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
  const contents = (await service.hover(text, { line: 11, character: 17 }))?.contents ?? '';
  assert.match(contents, /The stream tag is not in this file or the workspace\./);
  assert.match(contents, /Cluster: .*127\.0\.0\.1:1/);
  assert.doesNotMatch(contents, /or the cluster/);
});
