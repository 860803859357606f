// -v=6 on the sandbox: every command logs its HTTP requests, to the cluster in kubectl's form and
// to registries as `digest -v` does; global flags given before the command reach it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedCluster, type ClusterInstance } from '@istream/test-harness/cluster/index';
import {
  pushFixtures,
  startRegistry,
  type Fixtures,
  type RegistryInstance,
} from '@istream/test-harness/registry/index';
import { cli } from './support.js';

let cluster: ClusterInstance;
let registry: RegistryInstance;
let fixtures: Fixtures;
let namespace: string;

before(async () => {
  cluster = await sharedCluster();
  registry = await startRegistry({ mode: 'plain' });
  fixtures = await pushFixtures(registry);
  namespace = await cluster.createNamespace('istream-verbose');
  const installed = await cli(['install', '--no-controller', '--kubeconfig', cluster.kubeconfig]);
  assert.equal(installed.code, 0, installed.err);
});

after(async () => {
  await registry?.stop();
});

/** kubectl's -v=6 line for one request (any query string): klog header, then client-go's round-tripper fields. */
const kubeRequest = (verb: string, path: string, status: string) =>
  new RegExp(
    `^I\\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{6} +\\d+ round_trippers\\.go:632\\] "Response" verb="${verb}" ` +
      `url="${cluster.server.replace(/\./g, '\\.')}${path}(\\?[^"]*)?" status="${status}" milliseconds=\\d+$`,
    'm',
  );

test('-n, --kubeconfig and -v before the command reach it', async () => {
  const { code, out, err } = await cli(['-n', namespace, '--kubeconfig', cluster.kubeconfig, '-v=2', 'get', 'is']);
  assert.equal(code, 0, err);
  assert.equal(out, '');
  assert.equal(err, `No resources found in ${namespace} namespace.\n`);
});

test('-v=6 get is logs each request to the cluster like kubectl', async () => {
  const { code, err } = await cli(['-v=6', 'get', 'is', '-n', namespace, '--kubeconfig', cluster.kubeconfig]);
  assert.equal(code, 0, err);
  assert.match(err, kubeRequest('GET', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams`, '200 OK'));
  assert.match(err, new RegExp(`No resources found in ${namespace} namespace\\.\\n$`));
});

test('-v=6 import-image logs its registry requests and its cluster requests', async () => {
  const from = `${registry.host}/${fixtures.floating.repository}:${fixtures.floating.tag}`;
  const { code, err } = await cli([
    'import-image',
    'ubi:8',
    '--from',
    from,
    '--confirm',
    '--insecure',
    '-v',
    '6',
    '-n',
    namespace,
    '--kubeconfig',
    cluster.kubeconfig,
  ]);
  assert.equal(code, 0, err);
  assert.match(
    err,
    new RegExp(
      `^HEAD http://${registry.host}/v2/${fixtures.floating.repository}/manifests/${fixtures.floating.tag} 200 in \\d+ms$`,
      'm',
    ),
  );
  assert.match(
    err,
    kubeRequest('POST', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams`, '201 Created'),
  );
});

test('-v=6 set-triggers logs the patch of the workload', async () => {
  const applied = await cluster.kubectl(['apply', '-n', namespace, '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web' }] } },
      },
    }),
  });
  assert.equal(applied.code, 0, applied.stderr);
  const { code, err } = await cli([
    '-v=6',
    '-n',
    namespace,
    'set-triggers',
    'deployment/web',
    '--from-image',
    'ubi:8',
    '-c',
    'web',
    '--kubeconfig',
    cluster.kubeconfig,
  ]);
  assert.equal(code, 0, err);
  assert.match(err, kubeRequest('PATCH', `/apis/apps/v1/namespaces/${namespace}/deployments/web`, '200 OK'));
});
