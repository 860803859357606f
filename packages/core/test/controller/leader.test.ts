// A leader that stops gives its Lease up, so a standby takes over at once instead of waiting the
// whole lease out; and it does so even when the stop comes while a renewal is on the wire, which
// then lands between the release's read and its write. The race is real: renewals run back to
// back against the API server while the stop comes at a random moment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { defer } from '@istream/test-harness';
import { sharedCluster } from '@istream/test-harness/cluster/index';
import { connectCluster, kubeClient, resourcePath } from '../../src/cluster/index.js';
import { LeaderElector } from '../../src/controller/leader.js';

interface Lease {
  spec: { holderIdentity?: string };
}

test('a leader stopped while it renews still releases its Lease, every time', async (t) => {
  const cluster = await sharedCluster();
  const ns = await cluster.createNamespace('leader-release');
  const api = kubeClient(connectCluster({ kubeconfig: cluster.kubeconfig }, {}));
  defer(t, () => api.close());
  const failures: string[] = [];
  const held: string[] = [];
  const lost: string[] = [];
  for (let round = 0; round < 30; round++) {
    const name = `lease-${round}`;
    const log: string[] = [];
    const elector = new LeaderElector(api, {
      namespace: ns,
      name,
      identity: 'leader',
      retryPeriodMs: 1,
      log: (line) => log.push(line),
    });
    assert.equal(await elector.acquire(), true);
    const holding = elector.holdUntilLost();
    await sleep(5 + Math.random() * 25);
    // What the manager does on SIGTERM: stop acting, then give the Lease up.
    elector.stop();
    await elector.release();
    if (await holding) lost.push(name);
    const { spec } = await api.call<Lease>(resourcePath('coordination.k8s.io/v1', 'leases', ns, name));
    if (spec.holderIdentity !== '') held.push(`${name}: held by "${spec.holderIdentity ?? ''}"; ${log.join('; ')}`);
    failures.push(...log.filter((l) => l.includes('release failed')));
  }
  assert.deepEqual(held, [], 'Leases still held after release');
  assert.deepEqual(failures, []);
  assert.deepEqual(lost, [], 'a stopped leader reported its Lease as lost');
});
