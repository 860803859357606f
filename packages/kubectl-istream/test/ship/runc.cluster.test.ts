// The controller image run as a pod runs it, with Debian's runc instead of a kubelet: the amd64
// image's layers as a read-only root filesystem, its own user (non-root) and entrypoint, no
// capabilities, the ServiceAccount token, CA and namespace mounted at the standard path, and
// KUBERNETES_SERVICE_HOST/PORT pointing at the sandbox apiserver. No kubeconfig anywhere, so the
// controller must load the in-cluster configuration. Host network: the apiserver is on loopback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defer, freeLoopbackPort } from '@istream/test-harness';
import { CONTROLLER_RULES, LEADER_ELECTION_RULES } from '../../src/install-manifests.js';
import {
  applyTriggeredDeployment,
  clusterWithCrd,
  containerImage,
  digestA,
  digestB,
  getJson,
  itemAt,
  ok,
  putStream,
  setItems,
  waitFor,
} from '../controller/support.js';
import { buildImageLayout, OciLayout } from './support.js';

const repo = 'registry.test/team/ubi';
const A = itemAt(repo, digestA);
const B = itemAt(repo, digestB);
const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';
const hostname = 'istream-controller-runc';

interface LogLine {
  msg: string;
  [field: string]: unknown;
}

test('the image, run by runc as a pod would run it, loads the in-cluster config, takes the Lease and rolls a triggered Deployment', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'istream-runc-'));
  // The image layout and the unpacked root filesystem: 220 MB per run if left behind.
  defer(t, () => rmSync(work, { recursive: true, force: true }));
  const layout = new OciLayout(join(work, 'layout'));
  buildImageLayout(layout.dir);
  const { config, layers } = layout.image('amd64');
  const rootfs = join(work, 'bundle/rootfs');
  mkdirSync(rootfs, { recursive: true });
  for (const layer of layers) execFileSync('tar', ['-xzf', layer, '-C', rootfs, '--numeric-owner']);

  const cluster = await clusterWithCrd();
  const ns = await cluster.createNamespace('runc');
  // The install RBAC, bound to this namespace's ServiceAccount under names of its own.
  const account = 'istream-controller';
  await ok(cluster, ['create', 'serviceaccount', account], { namespace: ns });
  const roleName = `istream-runc-${ns}`;
  await ok(cluster, ['apply', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRole',
          metadata: { name: roleName },
          rules: CONTROLLER_RULES,
        },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name: roleName },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
          subjects: [{ kind: 'ServiceAccount', name: account, namespace: ns }],
        },
        // The Lease, in the namespace it is taken in (istream-system when installed).
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'Role',
          metadata: { name: account, namespace: ns },
          rules: LEADER_ELECTION_RULES,
        },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: account, namespace: ns },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: account },
          subjects: [{ kind: 'ServiceAccount', name: account, namespace: ns }],
        },
      ],
    }),
  });
  defer(t, async () => {
    await cluster.kubectl(['delete', 'clusterrole,clusterrolebinding', roleName, '--ignore-not-found']);
  });

  const secrets = join(work, 'serviceaccount');
  mkdirSync(secrets);
  writeFileSync(
    join(secrets, 'token'),
    (await ok(cluster, ['create', 'token', account, '--duration=1h'], { namespace: ns })).trim(),
  );
  writeFileSync(join(secrets, 'ca.crt'), cluster.caPem);
  writeFileSync(join(secrets, 'namespace'), ns);

  const apiserver = new URL(cluster.server);
  const metricsPort = await freeLoopbackPort();
  const [uid, gid] = config.config.User!.split(':').map(Number);
  execFileSync('runc', ['spec', '--bundle', join(work, 'bundle')]);
  const spec = JSON.parse(execFileSync('cat', [join(work, 'bundle/config.json')], { encoding: 'utf8' })) as {
    process: Record<string, unknown>;
    root: { readonly: boolean };
    hostname: string;
    mounts: object[];
    linux: { namespaces: Array<{ type: string }> };
  };
  spec.process = {
    ...spec.process,
    terminal: false,
    user: { uid, gid },
    args: [
      ...config.config.Entrypoint!,
      ...config.config.Cmd!,
      '--namespace',
      ns,
      '--leader-elect',
      '--leader-elect-namespace',
      ns,
      '--metrics-bind-address',
      `127.0.0.1:${metricsPort}`,
      '--log-format',
      'json',
    ],
    env: [
      ...config.config.Env!,
      `KUBERNETES_SERVICE_HOST=${apiserver.hostname}`,
      `KUBERNETES_SERVICE_PORT=${apiserver.port}`,
    ],
    cwd: '/',
    noNewPrivileges: true,
    // The restricted Pod Security profile: every capability dropped.
    capabilities: { bounding: [], effective: [], permitted: [], ambient: [] },
  };
  spec.root.readonly = true;
  spec.hostname = hostname;
  spec.mounts.push({ destination: serviceAccountDir, type: 'bind', source: secrets, options: ['rbind', 'ro'] });
  spec.linux.namespaces = spec.linux.namespaces.filter((n) => n.type !== 'network');
  writeFileSync(join(work, 'bundle/config.json'), JSON.stringify(spec));

  const id = `istream-test-${randomBytes(4).toString('hex')}`;
  const container = spawn('runc', ['run', '--bundle', join(work, 'bundle'), id], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  container.stdout.on('data', (d: Buffer) => {
    output += d.toString();
  });
  container.stderr.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => container.once('exit', (code) => resolve(code)));
  defer(t, async () => {
    spawnSync('runc', ['kill', id, 'KILL']);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    spawnSync('runc', ['delete', '--force', id]);
  });
  const lines = (): LogLine[] =>
    output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine);

  await waitFor(
    'the controller in the container to lead',
    async () => {
      if (container.exitCode !== null) throw new Error(`the container exited ${container.exitCode}:\n${output}`);
      return lines().some((l) => l.msg === 'caches synced') || undefined;
    },
    90_000,
  );
  const lease = await getJson<{ spec: { holderIdentity: string } }>(cluster, ns, 'lease/istream-controller');
  assert.match(lease.spec.holderIdentity, new RegExp(`^${hostname}_`), 'the container holds the Lease');
  assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/readyz`)).status, 200);

  await putStream(cluster, ns, 'ubi', '8', `${repo}:8`, [A]);
  await applyTriggeredDeployment(cluster, ns, 'myapp', { stream: 'ubi:8' });
  await waitFor(
    'myapp at A',
    async () => (await containerImage(cluster, ns, 'deployment/myapp', 'myapp')) === A.ref || undefined,
    60_000,
  );
  await setItems(cluster, ns, 'ubi', '8', [B, A]);
  await waitFor(
    'myapp at B',
    async () => (await containerImage(cluster, ns, 'deployment/myapp', 'myapp')) === B.ref || undefined,
    60_000,
  );
  assert.deepEqual(
    lines()
      .filter((l) => l.msg === 'rolled')
      .map((l) => [l.workload, l.to]),
    [
      [`Deployment/${ns}/myapp`, A.ref],
      [`Deployment/${ns}/myapp`, B.ref],
    ],
  );

  spawnSync('runc', ['kill', id, 'TERM']);
  assert.equal(await exited, 0, output);
  assert.equal(lines().at(-1)?.msg, 'stopped');
});
