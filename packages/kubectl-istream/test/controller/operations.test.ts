// Running the controller as an operator would: under the install RBAC with its own ServiceAccount,
// two replicas behind a Lease, killed and restarted mid-work, and importing on a schedule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { defer, pushFixtures, startRegistry } from '@istream/test-harness';
import { connectCluster } from '@istream/core/cluster';
import { CONTROLLER_RULES, LEADER_ELECTION_RULES } from '../../src/install-manifests.js';
import { bufferIO } from '../../src/io.js';
import { runCli } from '../../src/program.js';
import {
  applyTriggeredDeployment,
  cliImports,
  clusterWithCrd,
  containerImage,
  deployment,
  digestA,
  digestB,
  eventsFor,
  getJson,
  itemAt,
  ok,
  putStream,
  runController,
  setItems,
  triggerAnnotation,
  waitFor,
} from './support.js';

const repo = 'registry.test/team/ubi';
const A = itemAt(repo, digestA);
const B = itemAt(repo, digestB);
const cliBin = fileURLToPath(new URL('../../../bin/kubectl-istream', import.meta.url));

test('the controller works under the install RBAC with its own ServiceAccount token', async (t) => {
  const cluster = await clusterWithCrd();
  const ns = await cluster.createNamespace('rbac');
  const role = `istream-test-${ns}`;
  await ok(cluster, ['apply', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: role },
      rules: CONTROLLER_RULES,
    }),
  });
  defer(t, () => cluster.kubectl(['delete', 'clusterrole', role, 'clusterrolebinding', role]).then(() => undefined));
  await ok(cluster, ['create', 'serviceaccount', 'istream-controller'], { namespace: ns });
  await ok(cluster, [
    'create',
    'clusterrolebinding',
    role,
    `--clusterrole=${role}`,
    `--serviceaccount=${ns}:istream-controller`,
  ]);
  // The Lease: install's Role in the namespace the Lease is taken in.
  await ok(cluster, ['apply', '-f', '-'], {
    namespace: ns,
    input: JSON.stringify({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'istream-controller' },
      rules: LEADER_ELECTION_RULES,
    }),
  });
  await ok(
    cluster,
    [
      'create',
      'rolebinding',
      'istream-controller',
      '--role=istream-controller',
      `--serviceaccount=${ns}:istream-controller`,
    ],
    { namespace: ns },
  );
  const kubeconfig = await cluster.serviceAccountKubeconfig(ns, 'istream-controller');
  await putStream(cluster, ns, 'ubi', '8', `${repo}:8`, [A]);
  const controller = await runController(kubeconfig, ns, { leaderElection: { namespace: ns, retryPeriodMs: 500 } });
  defer(t, () => controller.stop());
  await ok(cluster, ['apply', '-f', '-'], {
    namespace: ns,
    input: JSON.stringify(
      deployment(
        'myapp',
        [{ name: 'myapp', image: `${repo}:8` }],
        triggerAnnotation([{ stream: 'ubi:8', container: 'myapp' }]),
      ),
    ),
  });
  await waitFor('myapp at A', async () => (await containerImage(cluster, ns, 'deployment/myapp', 'myapp')) === A.ref);
  await waitFor('the trigger Event', async () =>
    (await eventsFor(cluster, ns, 'myapp')).some((e) => e.reason === 'ImageTriggered'),
  );
  const lease = await getJson<{ spec: { holderIdentity: string } }>(cluster, ns, 'lease/istream-controller');
  assert.ok(lease.spec.holderIdentity.length > 0);
});

test('with --leader-elect only one of two replicas acts; the other takes over when it stops', async (t) => {
  const cluster = await clusterWithCrd();
  const ns = await cluster.createNamespace('leader');
  await putStream(cluster, ns, 'ubi', '8', `${repo}:8`, [A]);
  const election = { namespace: ns, leaseDurationSeconds: 4, renewDeadlineMs: 3000, retryPeriodMs: 300 };
  const first = await runController(cluster.kubeconfig, ns, { leaderElection: { ...election, identity: 'first' } });
  defer(t, () => first.stop());
  const { startController } = await import('@istream/core/controller');
  const second = await startController({
    connection: connectCluster({ kubeconfig: cluster.kubeconfig }, {}),
    namespace: ns,
    leaderElection: { ...election, identity: 'second' },
    metricsBindAddress: '127.0.0.1:0',
  });
  defer(t, () => second.stop());
  let secondLeads = false;
  void second.leading.then(() => {
    secondLeads = true;
  });
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(secondLeads, false, 'the standby does not act while the leader holds the lease');
  assert.equal(
    (await getJson<{ spec: { holderIdentity: string } }>(cluster, ns, 'lease/istream-controller')).spec.holderIdentity,
    'first',
  );
  await first.stop();
  await waitFor('the standby to lead', async () => secondLeads, 10_000);
  await applyTriggeredDeployment(cluster, ns, 'myapp', { stream: 'ubi:8' });
  await waitFor(
    'myapp at A via the new leader',
    async () => (await containerImage(cluster, ns, 'deployment/myapp', 'myapp')) === A.ref,
  );
});

test('a controller killed mid-work and started again converges from cluster state alone', async (t) => {
  const cluster = await clusterWithCrd();
  const ns = await cluster.createNamespace('restart');
  await putStream(cluster, ns, 'ubi', '8', `${repo}:8`, [A]);
  const count = 30;
  const items = Array.from({ length: count }, (_, i) =>
    deployment(
      `app-${i}`,
      [{ name: 'app', image: 'busybox' }],
      triggerAnnotation([{ stream: 'ubi:8', container: 'app' }]),
    ),
  );
  for (const item of items) (item as { spec: { replicas: number } }).spec.replicas = 0;
  await ok(cluster, ['apply', '-f', '-'], {
    namespace: ns,
    input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }),
  });
  const start = () =>
    spawn(
      process.execPath,
      [cliBin, 'controller', '--namespace', ns, '--metrics-bind-address', '0', '--kubeconfig', cluster.kubeconfig],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  const first = start();
  let firstLog = '';
  first.stderr.on('data', (d: Buffer) => {
    firstLog += d.toString();
  });
  // Starting a CLI process can take several seconds on a loaded machine.
  await waitFor('the first controller to sync', async () => firstLog.includes('caches synced'), 90_000);
  await waitFor(
    'some workloads at A',
    async () => (await containerImage(cluster, ns, 'deployment/app-0', 'app')) === A.ref,
    60_000,
  );
  await setItems(cluster, ns, 'ubi', '8', [B, A]);
  await new Promise((r) => setTimeout(r, 30));
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));
  const second = start();
  let secondLog = '';
  second.stderr.on('data', (d: Buffer) => {
    secondLog += d.toString();
  });
  defer(t, () => {
    second.kill('SIGTERM');
  });
  const images = async () => {
    const list = await getJson<{
      items: Array<{ spec: { template: { spec: { containers: Array<{ image: string }> } } } }>;
    }>(cluster, ns, 'deployments');
    return list.items.map((d) => d.spec.template.spec.containers[0]!.image);
  };
  await waitFor('every workload at B', async () => (await images()).every((i) => i === B.ref), 120_000);
  // The first may have finished before it was killed: SIGTERM a second that is still loading would kill it outright.
  await waitFor('the second controller to sync', async () => secondLog.includes('caches synced'), 90_000);
  const stopped = new Promise<number | null>((resolve) => second.once('exit', (code) => resolve(code)));
  second.kill('SIGTERM');
  assert.equal(await stopped, 0, 'SIGTERM stops the controller cleanly');
});

test('a scheduled import with a short interval rolls the Deployment with no command typed', async (t) => {
  const registry = await startRegistry({ mode: 'plain' });
  defer(t, () => registry.stop());
  const fixtures = await pushFixtures(registry);
  const cluster = await clusterWithCrd();
  const ns = await cluster.createNamespace('scheduled');
  const flags = ['-n', ns, '--kubeconfig', cluster.kubeconfig];
  const io = bufferIO();
  const floating = `${registry.host}/${fixtures.floating.repository}:${fixtures.floating.tag}`;
  assert.equal(
    await runCli(['import-image', 'ubi:8', '--confirm', '--scheduled', '--insecure', '--from', floating, ...flags], {
      io,
      env: process.env,
    }),
    0,
    io.stderr(),
  );
  const controller = await runController(cluster.kubeconfig, ns, {
    importIntervalMs: 2000,
    imports: cliImports(cluster.kubeconfig),
  });
  defer(t, () => controller.stop());
  await applyTriggeredDeployment(cluster, ns, 'myapp', { stream: 'ubi:8' }, floating);
  const aRef = fixtures.digestReference(fixtures.floating.A, fixtures.floating.repository);
  const bRef = fixtures.digestReference(fixtures.floating.B, fixtures.floating.repository);
  await waitFor('myapp at A', async () => (await containerImage(cluster, ns, 'deployment/myapp', 'myapp')) === aRef);
  await fixtures.moveFloatingTag('B');
  await waitFor(
    'myapp at B with no command typed',
    async () => (await containerImage(cluster, ns, 'deployment/myapp', 'myapp')) === bRef,
    30_000,
  );
  assert.match(
    await (await fetch(`http://${controller.metricsAddress}/metrics`)).text(),
    /istream_imports_total\{kind="scheduled",result="success"\} [1-9]/,
  );
});
