// install against a real API server: re-running it reports what did not change as `unchanged`,
// and -o yaml|json prints what was applied, as `kubectl apply -o` does. The shared cluster gets no
// controller (--no-controller): `version`'s test owns that Deployment there; the whole install,
// upgrade and uninstall run on a private cluster (install-lifecycle.cluster.test.ts).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { sharedCluster, type ClusterInstance } from '@istream/test-harness/cluster/index';
import { bufferIO } from '../../src/io.js';
import { runCli } from '../../src/program.js';

let cluster: ClusterInstance;

async function cli(...args: string[]) {
  const io = bufferIO();
  const code = await runCli([...args, '--no-controller', '--kubeconfig', cluster.kubeconfig], {
    io,
    env: { HOME: '/nonexistent', PATH: process.env.PATH },
  });
  return { code, out: io.stdout(), err: io.stderr() };
}

const INSTALLED = [
  'customresourcedefinition.apiextensions.k8s.io/imagestreams.image.openshift.io',
  'namespace/istream-system',
  'serviceaccount/istream-controller',
  'clusterrole.rbac.authorization.k8s.io/istream-controller',
  'clusterrolebinding.rbac.authorization.k8s.io/istream-controller',
  'role.rbac.authorization.k8s.io/istream-controller',
  'rolebinding.rbac.authorization.k8s.io/istream-controller',
];

before(async () => {
  cluster = await sharedCluster();
  const first = await cli('install');
  assert.equal(first.code, 0, first.err);
});

test('install run again reports every object, the CRD included, as unchanged', async () => {
  const again = await cli('install');
  assert.equal(again.code, 0, again.err);
  assert.equal(again.out, INSTALLED.map((name) => `${name} unchanged\n`).join(''));
});

test('install -o yaml and -o json without --dry-run print the objects as the server stored them', async () => {
  const yaml = await cli('install', '-o', 'yaml');
  assert.equal(yaml.code, 0, yaml.err);
  const docs = parseAllDocuments(yaml.out).map(
    (d) => d.toJS() as { kind: string; metadata: { name: string; uid?: string; resourceVersion?: string } },
  );
  assert.deepEqual(
    docs.map((d) => d.kind),
    [
      'CustomResourceDefinition',
      'Namespace',
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'Role',
      'RoleBinding',
    ],
  );
  for (const doc of docs) {
    assert.match(doc.metadata.uid ?? '', /^[0-9a-f-]{36}$/, `${doc.kind} ${doc.metadata.name} comes from the server`);
    assert.ok(doc.metadata.resourceVersion, `${doc.kind} ${doc.metadata.name} has a resourceVersion`);
  }
  assert.ok(!/ (unchanged|configured|created)$/m.test(yaml.out), 'no status lines among the objects');

  const json = await cli('install', '-o', 'json');
  assert.equal(json.code, 0, json.err);
  const list = JSON.parse(json.out) as { kind: string; items: Array<{ kind: string; metadata: { uid?: string } }> };
  assert.equal(list.kind, 'List');
  assert.deepEqual(
    list.items.map((i) => i.kind),
    docs.map((d) => d.kind),
  );
  assert.deepEqual(
    list.items.map((i) => i.metadata.uid),
    docs.map((d) => d.metadata.uid),
    'the same objects, not new ones',
  );
});
