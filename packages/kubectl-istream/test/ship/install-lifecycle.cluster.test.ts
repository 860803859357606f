// install, upgrade and uninstall as an operator meets them, on a private cluster (uninstall deletes
// the install namespace, which the shared cluster's tests use): the controller image pushed to a
// registry and installed from there, the printed manifests accepted by the API server's dry run
// under the restricted Pod Security profile, a re-run that changes nothing, an upgrade in place,
// and an uninstall that leaves the streams and nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defer } from '@istream/test-harness';
import { startCluster } from '@istream/test-harness/cluster/index';
import { startRegistry } from '@istream/test-harness/registry/index';
import { bufferIO } from '../../src/io.js';
import { runCli } from '../../src/program.js';
import { getJson, ok, waitFor } from '../controller/support.js';
import { pushControllerImage } from './support.js';

const INSTALLED = [
  'customresourcedefinition.apiextensions.k8s.io/imagestreams.image.openshift.io',
  'namespace/istream-system',
  'serviceaccount/istream-controller',
  'clusterrole.rbac.authorization.k8s.io/istream-controller',
  'clusterrolebinding.rbac.authorization.k8s.io/istream-controller',
  'role.rbac.authorization.k8s.io/istream-controller',
  'rolebinding.rbac.authorization.k8s.io/istream-controller',
  'deployment.apps/istream-controller',
  'service/istream-controller-metrics',
  'poddisruptionbudget.policy/istream-controller',
  // Image lookup at admission (--admission=webhook, the default), served by the controller's pods.
  'role.rbac.authorization.k8s.io/istream-admission-tls',
  'rolebinding.rbac.authorization.k8s.io/istream-admission-tls',
  'service/istream-admission',
  'mutatingwebhookconfiguration.admissionregistration.k8s.io/istream-admission',
  'validatingadmissionpolicy.admissionregistration.k8s.io/istream-image-lookup-guard',
  'validatingadmissionpolicybinding.admissionregistration.k8s.io/istream-image-lookup-guard',
];

test('install runs the pushed controller image; re-run is unchanged, a new image upgrades in place; uninstall keeps only the streams', async (t) => {
  const registry = await startRegistry({ mode: 'plain' });
  defer(t, () => registry.stop());
  const cluster = await startCluster({ nodes: 1, log: (line) => process.stderr.write(`cluster: ${line}\n`) });
  defer(t, () => cluster.stop());
  const cli = async (...args: string[]) => {
    const io = bufferIO();
    const code = await runCli([...args, '--kubeconfig', cluster.kubeconfig], {
      io,
      env: { HOME: '/nonexistent', PATH: process.env.PATH },
    });
    return { code, out: io.stdout(), err: io.stderr() };
  };

  const image = `${registry.host}/istream/istream-controller:0.1.0`;
  const { pushed } = await pushControllerImage(t, image);
  const resolved = await cli('digest', '--insecure', image);
  assert.equal(resolved.out.trim(), pushed, 'the registry serves the index the build wrote');

  const first = await cli('install', '--image', image);
  assert.equal(first.code, 0, first.err);
  assert.equal(first.out, INSTALLED.map((name) => `${name} created\n`).join(''));
  const deployment = await getJson<{
    metadata: { uid: string };
    spec: { replicas: number; template: { spec: { containers: Array<{ image: string }> } } };
  }>(cluster, 'istream-system', 'deployment/istream-controller');
  assert.equal(deployment.spec.replicas, 2);
  assert.equal(deployment.spec.template.spec.containers[0]!.image, image);

  // What --dry-run -o yaml prints is what the API server accepts, without a Pod Security warning.
  const printed = await cli('install', '--dry-run', '-o', 'yaml', '--image', image);
  assert.equal(printed.code, 0, printed.err);
  const serverDryRun = await cluster.kubectl(['apply', '--dry-run=server', '-f', '-'], { input: printed.out });
  assert.equal(serverDryRun.code, 0, serverDryRun.stderr);
  // (kubectl warns that install's objects lack its last-applied annotation; that is all it says.)
  assert.doesNotMatch(serverDryRun.stderr, /PodSecurity|would violate/);
  assert.equal(serverDryRun.stdout.trim().split('\n').length, INSTALLED.length, serverDryRun.stdout);

  const again = await cli('install', '--image', image);
  assert.equal(again.out, INSTALLED.map((name) => `${name} unchanged\n`).join(''));

  const newer = `${registry.host}/istream/istream-controller:0.2.0`;
  const upgrade = await cli('install', '--image', newer);
  assert.equal(upgrade.code, 0, upgrade.err);
  assert.equal(
    upgrade.out,
    INSTALLED.map((name) => `${name} ${name.startsWith('deployment.apps/') ? 'configured' : 'unchanged'}\n`).join(''),
  );
  const upgraded = await getJson<typeof deployment>(cluster, 'istream-system', 'deployment/istream-controller');
  assert.equal(upgraded.metadata.uid, deployment.metadata.uid, 'the same Deployment, updated in place');
  assert.equal(upgraded.spec.template.spec.containers[0]!.image, newer);

  // A user's stream, and the Lease a running controller would have taken.
  const ns = await cluster.createNamespace('uninstall');
  await ok(cluster, ['apply', '-f', '-'], {
    namespace: ns,
    input: JSON.stringify({
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name: 'app' },
      spec: { tags: [] },
    }),
  });
  await ok(cluster, ['create', '-f', '-'], {
    namespace: 'istream-system',
    input: JSON.stringify({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'istream-controller' },
      spec: { holderIdentity: 'x' },
    }),
  });

  const removed = await cli('uninstall');
  assert.equal(removed.code, 0, removed.err);
  assert.equal(
    removed.out,
    ['lease.coordination.k8s.io/istream-controller', ...INSTALLED.slice(1).reverse()]
      .map((n) => `${n} deleted\n`)
      .join(''),
  );
  assert.match(
    removed.err,
    /^customresourcedefinition\.apiextensions\.k8s\.io\/imagestreams\.image\.openshift\.io kept: /,
  );
  await waitFor(
    'istream-system to be gone',
    async () => (await cluster.kubectl(['get', 'namespace', 'istream-system'])).code !== 0 || undefined,
    60_000,
  );
  const left = await ok(cluster, [
    'get',
    'clusterrole,clusterrolebinding',
    '-l',
    'app.kubernetes.io/name=istream',
    '-o',
    'name',
  ]);
  assert.equal(left, '');
  assert.equal(
    (await ok(cluster, ['get', 'imagestreams', '-o', 'name'], { namespace: ns })).trim(),
    'imagestream.image.openshift.io/app',
  );

  const again2 = await cli('uninstall', '--delete-streams');
  assert.equal(again2.code, 0, again2.err);
  assert.equal(again2.out, `${INSTALLED[0]} deleted\n`, 'only the CRD was left');
  await waitFor(
    'the CRD and its streams to be gone',
    async () => (await cluster.kubectl(['get', 'crd', 'imagestreams.image.openshift.io'])).code !== 0 || undefined,
    60_000,
  );
});
