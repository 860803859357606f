// The manager's wiring with fakes for the caches, the election and the parts: who starts when,
// what stops on stop or on a lost lease, and a taken metrics port. No cluster involved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../src/controller/log.js';
import { Manager, type Elector, type Runnable } from '../../src/controller/manager.js';
import { ControllerMetrics } from '../../src/controller/metrics.js';
import type { SharedCaches } from '../../src/controller/shared-informers.js';

function fakeCaches(): SharedCaches & { markSynced(): void; started: boolean; stopped: boolean } {
  let markSynced!: () => void;
  const synced = new Promise<void>((resolve) => {
    markSynced = resolve;
  });
  let isSynced = false;
  return {
    started: false,
    stopped: false,
    markSynced: () => {
      isSynced = true;
      markSynced();
    },
    onStreamChange: () => undefined,
    onWorkloadChange: () => undefined,
    onWorkloadDelete: () => undefined,
    stream: () => undefined,
    workload: () => undefined,
    assumeWorkload: () => undefined,
    start() {
      this.started = true;
    },
    synced: () => synced,
    hasSynced: () => isSynced,
    async stop() {
      this.stopped = true;
    },
  };
}

function part(name: string, needsLeaderElection: boolean, journal: string[]): Runnable {
  return {
    name,
    needsLeaderElection,
    start: (signal) =>
      new Promise<void>((resolve) => {
        journal.push(`${name} started`);
        signal.addEventListener(
          'abort',
          () => {
            journal.push(`${name} stopped`);
            resolve();
          },
          { once: true },
        );
      }),
  };
}

const tick = () => new Promise((r) => setTimeout(r, 10));

test('every-replica parts start at once, leader-only parts once the caches are synced; stop stops both', async () => {
  const caches = fakeCaches();
  const metrics = new ControllerMetrics();
  const journal: string[] = [];
  let closed = false;
  const manager = new Manager({
    caches,
    metrics,
    log: createLogger(() => undefined),
    metricsBindAddress: '127.0.0.1:0',
    flushEvents: async () => undefined,
    close: () => {
      closed = true;
    },
  });
  manager.add(part('receiver', false, journal));
  manager.add(part('triggers', true, journal));
  await manager.start();
  await tick();
  assert.deepEqual(journal, ['receiver started']);
  assert.equal(caches.started, true);
  assert.equal(metrics.leader.get(), 0);
  assert.equal(
    (await fetch(`http://${manager.metricsAddress}/readyz`)).status,
    503,
    'not ready before the caches sync',
  );
  caches.markSynced();
  await manager.leading;
  assert.deepEqual(journal, ['receiver started', 'triggers started']);
  assert.match(await (await fetch(`http://${manager.metricsAddress}/metrics`)).text(), /^istream_leader 1$/m);
  assert.equal((await fetch(`http://${manager.metricsAddress}/readyz`)).status, 200);
  assert.equal(await manager.stop(), 'stopped');
  assert.deepEqual(journal.slice(2).sort(), ['receiver stopped', 'triggers stopped']);
  assert.equal(metrics.leader.get(), 0);
  assert.ok(caches.stopped && closed);
});

test('with an election, leader-only parts wait for the lease and everything stops when it is lost', async () => {
  const caches = fakeCaches();
  caches.markSynced();
  const journal: string[] = [];
  let grant!: (won: boolean) => void;
  let lose!: () => void;
  const elector: Elector = {
    acquire: () =>
      new Promise<boolean>((resolve) => {
        grant = resolve;
      }),
    holdUntilLost: () =>
      new Promise<boolean>((resolve) => {
        lose = () => resolve(true);
      }),
    release: async () => {
      journal.push('released');
    },
    stop: () => {
      journal.push('elector stopped');
    },
  };
  const lines: string[] = [];
  const metrics = new ControllerMetrics();
  const manager = new Manager({
    caches,
    metrics,
    log: createLogger((l) => lines.push(l)),
    elector,
    lease: 'ns/istream-controller',
    flushEvents: async () => undefined,
    close: () => undefined,
  });
  manager.add(part('receiver', false, journal));
  manager.add(part('triggers', true, journal));
  manager.add(part('imports', true, journal));
  await manager.start();
  await tick();
  assert.deepEqual(journal, ['receiver started'], 'a standby serves but does not act');
  assert.ok(lines.some((l) => / info waiting for leadership lease=ns\/istream-controller$/.test(l)));
  grant(true);
  await manager.leading;
  assert.equal(metrics.leader.get(), 1);
  assert.ok(lines.some((l) => / info leadership acquired lease=ns\/istream-controller$/.test(l)));
  lose();
  assert.equal(await manager.done, 'lost-leadership');
  assert.equal(metrics.leader.get(), 0);
  assert.deepEqual(journal.slice(3).sort(), [
    'elector stopped',
    'imports stopped',
    'receiver stopped',
    'triggers stopped',
  ]);
  assert.ok(lines.some((l) => / error leadership lost lease=ns\/istream-controller$/.test(l)));
});

test('a taken metrics address fails start with one message naming it and the flag, before anything starts', async (t) => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  t.after(() => taken.close());
  const address = `127.0.0.1:${(taken.address() as AddressInfo).port}`;
  const caches = fakeCaches();
  const journal: string[] = [];
  let closed = false;
  const manager = new Manager({
    caches,
    metrics: new ControllerMetrics(),
    log: createLogger(() => undefined),
    metricsBindAddress: address,
    flushEvents: async () => undefined,
    close: () => {
      closed = true;
    },
  });
  manager.add(part('receiver', false, journal));
  await assert.rejects(manager.start(), {
    name: 'MetricsBindError',
    message:
      `cannot serve /healthz, /readyz and /metrics on ${address}: the address is already in use (is another controller running on this host?); ` +
      'choose another address with --metrics-bind-address, or turn the server off with --metrics-bind-address=0',
  });
  assert.deepEqual(journal, []);
  assert.equal(caches.started, false);
  assert.equal(closed, true);
});

test('on stop the leader gives the Lease up before the every-replica parts have drained, so a standby need not wait for them', async () => {
  const caches = fakeCaches();
  caches.markSynced();
  const journal: string[] = [];
  let drain!: () => void;
  // A receiver that keeps answering after stop until told it may close (its shutdown delay).
  const receiver: Runnable = {
    name: 'receiver',
    needsLeaderElection: false,
    start: (signal) =>
      new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => {
          journal.push('receiver draining');
          drain = () => {
            journal.push('receiver closed');
            resolve();
          };
        });
      }),
  };
  const elector: Elector = {
    acquire: async () => true,
    holdUntilLost: () => new Promise<boolean>(() => undefined),
    release: async () => {
      journal.push('released');
    },
    stop: () => undefined,
  };
  const manager = new Manager({
    caches,
    metrics: new ControllerMetrics(),
    log: createLogger(() => undefined),
    elector,
    flushEvents: async () => undefined,
    close: () => undefined,
  });
  manager.add(receiver);
  manager.add(part('imports', true, journal));
  await manager.start();
  await manager.leading;
  const stopped = manager.stop();
  await tick();
  assert.deepEqual(journal, ['imports started', 'receiver draining', 'imports stopped', 'released']);
  drain();
  assert.equal(await stopped, 'stopped');
  assert.equal(journal.at(-1), 'receiver closed');
});
