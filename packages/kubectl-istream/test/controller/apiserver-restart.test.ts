// The apiserver restarted under a running controller: its watches break and its requests fail
// for a while; it has to reconnect, relist and act on what changed, without exiting.
// A private cluster, since restarting the shared one would break every other test of the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startCluster } from '@istream/test-harness/cluster/index';
import {
  containerImage,
  deployment,
  digestA,
  digestB,
  installCrd,
  itemAt,
  ok,
  putStream,
  setItems,
  triggerAnnotation,
  waitFor,
} from './support.js';
import { defer } from '@istream/test-harness';

const repo = 'registry.test/team/ubi';
const A = itemAt(repo, digestA);
const B = itemAt(repo, digestB);
const cliBin = fileURLToPath(new URL('../../../bin/kubectl-istream', import.meta.url));

test('a controller whose apiserver restarts under it reconnects and rolls the Deployment', async (t) => {
  const cluster = await startCluster({ log: (line) => process.stderr.write(`cluster: ${line}\n`) });
  defer(t, () => cluster.stop());
  await installCrd(cluster);
  const ns = await cluster.createNamespace('apiserver-restart');
  await putStream(cluster, ns, 'ubi', '8', `${repo}:8`, [A]);
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

  const controller = spawn(
    process.execPath,
    [cliBin, 'controller', '--namespace', ns, '--metrics-bind-address', '0', '--kubeconfig', cluster.kubeconfig],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  controller.stderr.on('data', (d: Buffer) => {
    log += d.toString();
  });
  let exit: string | undefined;
  controller.once('exit', (code, signal) => {
    exit = signal ? `killed by ${signal}` : `exited ${code}`;
  });
  defer(t, () => {
    controller.kill('SIGTERM');
  });
  // Starting a CLI process can take several seconds on a loaded machine.
  await waitFor('the controller to sync', async () => log.includes('caches synced'), 90_000);
  await waitFor(
    'myapp at A',
    async () => (await containerImage(cluster, ns, 'deployment/myapp', 'myapp')) === A.ref,
    30_000,
  );

  const restartStarted = Date.now();
  await cluster.restartApiServer();
  const restartMs = Date.now() - restartStarted;
  await setItems(cluster, ns, 'ubi', '8', [B, A]);
  const moved = Date.now();
  const withLog = (err: Error) => {
    throw new Error(`${err.message}\ncontroller log:\n${log}`);
  };
  await waitFor(
    'myapp at B after the restart',
    async () => (await containerImage(cluster, ns, 'deployment/myapp', 'myapp')) === B.ref,
    60_000,
  ).catch(withLog);
  const streamMs = Date.now() - moved;
  // The stream watch alone would do for myapp; a workload created now needs the workload watch too.
  await ok(cluster, ['apply', '-f', '-'], {
    namespace: ns,
    input: JSON.stringify(
      deployment(
        'late',
        [{ name: 'late', image: `${repo}:8` }],
        triggerAnnotation([{ stream: 'ubi:8', container: 'late' }]),
      ),
    ),
  });
  const created = Date.now();
  await waitFor(
    'late, created after the restart, at B',
    async () => (await containerImage(cluster, ns, 'deployment/late', 'late')) === B.ref,
    60_000,
  ).catch(withLog);
  t.diagnostic(
    `apiserver restart ${restartMs} ms; myapp at B ${streamMs} ms after the stream moved, late at B ${Date.now() - created} ms after it was created`,
  );
  // Otherwise the restart went unnoticed and proved nothing.
  assert.match(log, / watch failed resource=deployments /, 'the controller saw its watches break');
  assert.equal(exit, undefined, `the controller kept running through the restart:\n${log}`);
});
