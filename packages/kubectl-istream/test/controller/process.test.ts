// `kubectl istream controller` as a process an operator runs and reads: JSON log lines for each
// decision, the istream_leader gauge, a quiet clean stop, and a second controller on the same
// metrics address refused with one line instead of a stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { defer, freeLoopbackPort } from '@istream/test-harness';
import {
  applyTriggeredDeployment,
  clusterWithCrd,
  containerImage,
  digestA,
  digestB,
  itemAt,
  ok,
  putStream,
  setItems,
  waitFor,
} from './support.js';

const repo = 'registry.test/team/ubi';
const A = itemAt(repo, digestA);
const B = itemAt(repo, digestB);
const cliBin = fileURLToPath(new URL('../../../bin/kubectl-istream', import.meta.url));

function run(args: string[]): { child: ChildProcess; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [cliBin, 'controller', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stderr: () => stderr, exited };
}

interface LogLine {
  ts: string;
  level: string;
  msg: string;
  [field: string]: unknown;
}

test('the controller logs each decision as a JSON line, reports leadership in istream_leader, stops quietly; a second one on its address exits with one error line', async (t) => {
  const cluster = await clusterWithCrd();
  const ns = await cluster.createNamespace('process');
  await putStream(cluster, ns, 'ubi', '8', `${repo}:8`, [A]);
  const address = `127.0.0.1:${await freeLoopbackPort()}`;
  const common = [
    '--namespace',
    ns,
    '--kubeconfig',
    cluster.kubeconfig,
    '--leader-elect',
    '--leader-elect-namespace',
    ns,
  ];
  const first = run([...common, '--metrics-bind-address', address, '--log-format', 'json']);
  defer(t, () => {
    first.child.kill('SIGTERM');
  });
  const lines = (): LogLine[] =>
    first
      .stderr()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LogLine);
  await waitFor('the first controller to lead', async () => lines().some((l) => l.msg === 'caches synced'), 90_000);
  assert.deepEqual(
    lines()
      .map((l) => l.msg)
      .filter((m) => m !== 'serving /healthz, /readyz and /metrics')
      .slice(0, 3),
    ['waiting for leadership', 'leadership acquired', 'caches synced'],
  );
  assert.ok(lines().every((l) => typeof l.ts === 'string' && ['info', 'warning', 'error'].includes(l.level)));
  assert.match(await (await fetch(`http://${address}/metrics`)).text(), /^istream_leader 1$/m);

  await applyTriggeredDeployment(cluster, ns, 'myapp', { stream: 'ubi:8' });
  await waitFor(
    'myapp at A',
    async () => (await containerImage(cluster, ns, 'deployment/myapp', 'myapp')) === A.ref,
    30_000,
  );
  await ok(cluster, ['set', 'image', 'deployment/myapp', 'myapp=nginx:1.25'], { namespace: ns });
  await waitFor(
    'myapp back at A',
    async () => (await containerImage(cluster, ns, 'deployment/myapp', 'myapp')) === A.ref,
    30_000,
  );
  await setItems(cluster, ns, 'ubi', '8', [B, A]);
  await waitFor(
    'myapp at B',
    async () => (await containerImage(cluster, ns, 'deployment/myapp', 'myapp')) === B.ref,
    30_000,
  );
  const decisions = await waitFor('three decision lines', async () => {
    const found = lines().filter((l) => l.workload === `Deployment/${ns}/myapp`);
    return found.length >= 3 ? found : undefined;
  });
  assert.deepEqual(
    decisions.map((l) => [l.level, l.msg, l.container, l.source, l.from, l.to]),
    [
      ['info', 'rolled', 'myapp', 'ubi:8', 'busybox', A.ref],
      ['warning', 'reverted manual image change', 'myapp', 'ubi:8', 'nginx:1.25', A.ref],
      ['info', 'rolled', 'myapp', 'ubi:8', A.ref, B.ref],
    ],
  );

  const second = run([...common, '--metrics-bind-address', address]);
  defer(t, () => {
    second.child.kill('SIGTERM');
  });
  assert.equal(await second.exited, 1, second.stderr());
  assert.equal(
    second.stderr(),
    `error: cannot serve /healthz, /readyz and /metrics on ${address}: the address is already in use ` +
      '(is another controller running on this host?); choose another address with --metrics-bind-address, or turn the server off with --metrics-bind-address=0\n',
  );

  first.child.kill('SIGTERM');
  assert.equal(await first.exited, 0, first.stderr());
  const stop = lines();
  assert.equal(stop.at(-1)?.msg, 'stopped');
  assert.deepEqual(
    stop.filter((l) => l.msg === 'watch failed' || /abort/i.test(JSON.stringify(l))),
    [],
    'the stop cut no watch off loudly',
  );
});

test('with the policy backend the controller exits on SIGTERM within the pod grace period, not when its resync timer fires', async (t) => {
  const cluster = await clusterWithCrd();
  const ns = await cluster.createNamespace('process-policy');
  await putStream(cluster, ns, 'ubi', '8', `${repo}:8`, [A]);
  const controller = run([
    '--namespace',
    ns,
    '--kubeconfig',
    cluster.kubeconfig,
    '--admission=policy',
    '--metrics-bind-address=0',
  ]);
  defer(t, () => {
    controller.child.kill('SIGKILL');
  });
  await waitFor('the controller to sync', async () => controller.stderr().includes('caches synced'), 90_000);
  controller.child.kill('SIGTERM');
  // The lookup policy loop waited a minute between checks on a timer it never cleared; the kubelet
  // kills a pod 30 s (terminationGracePeriodSeconds) after SIGTERM.
  let grace: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    controller.exited,
    new Promise<string>((resolve) => {
      grace = setTimeout(resolve, 30_000, 'still running');
    }),
  ]);
  clearTimeout(grace);
  assert.equal(code, 0, `30 s after SIGTERM: ${code}\n${controller.stderr()}`);
});
