// Events are written behind the reconciles that record them: every one lands on the real apiserver,
// and a repeat recorded while the first is still waiting or being written bumps its count instead
// of adding a second Event, as `kubectl describe` shows it.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { sharedCluster } from '@istream/test-harness/cluster/index';
import { KubeEventRecorder } from '../../src/controller/events.js';
import { connectCluster, kubeClient, type KubeClient, type KubeObject } from '../../src/cluster/index.js';
import { defer } from '@istream/test-harness';

interface EventList {
  items: Array<{ reason: string; message: string; count: number; involvedObject: { uid: string } }>;
}

/** A fresh namespace, a client, and a ConfigMap in it for Events to name. */
async function eventTarget(t: TestContext, prefix: string) {
  const cluster = await sharedCluster();
  const ns = await cluster.createNamespace(prefix);
  defer(t, () => cluster.kubectl(['delete', 'namespace', ns, '--wait=false']));
  const api = kubeClient(connectCluster({ kubeconfig: cluster.kubeconfig }, {}));
  defer(t, () => api.close());
  const target = await api.call<KubeObject>(`/api/v1/namespaces/${ns}/configmaps`, {
    method: 'POST',
    body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'target' } },
  });
  /** How many Events name the ConfigMap so far. */
  const written = async (): Promise<number> =>
    (await api.call<EventList>(`/api/v1/namespaces/${ns}/events`)).items.filter(
      (e) => e.involvedObject.uid === target.metadata?.uid,
    ).length;
  return { ns, api, target, written };
}

test('a burst of Events all land, and repeats fold into one Event with their count', async (t) => {
  const { ns, api, target } = await eventTarget(t, 'events');
  const errors: unknown[] = [];
  const recorder = new KubeEventRecorder(api, 'test-host', (e) => errors.push(e));

  for (let i = 0; i < 40; i++) recorder.record(target, 'Normal', 'ImageTriggered', `change ${i}`);
  for (let i = 0; i < 5; i++) recorder.record(target, 'Warning', 'ImageTriggerForbidden', 'refused');
  await recorder.flush();
  recorder.record(target, 'Warning', 'ImageTriggerForbidden', 'refused');
  await recorder.flush();

  assert.deepEqual(errors, []);
  const events = (await api.call<EventList>(`/api/v1/namespaces/${ns}/events`)).items.filter(
    (e) => e.involvedObject.uid === target.metadata?.uid,
  );
  const changes = events.filter((e) => e.reason === 'ImageTriggered');
  assert.deepEqual(changes.map((e) => e.message).sort(), Array.from({ length: 40 }, (_, i) => `change ${i}`).sort());
  assert.ok(changes.every((e) => e.count === 1));
  const refused = events.filter((e) => e.reason === 'ImageTriggerForbidden');
  assert.equal(refused.length, 1, 'repeats are one Event');
  assert.equal(refused[0]?.count, 6, 'five folded while queued, one more bumped after it was written');
});

test('Events wait while the writes they report are still going on, then land', async (t) => {
  const { api, target, written } = await eventTarget(t, 'events-yield');
  const errors: unknown[] = [];
  const recorder = new KubeEventRecorder(api, 'test-host', (e) => errors.push(e));
  let rolling = true;
  recorder.yieldTo(() => rolling);
  for (let i = 0; i < 3; i++) recorder.record(target, 'Normal', 'ImageTriggered', `change ${i}`);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.equal(await written(), 0, 'nothing written while the roll goes on');
  rolling = false;
  for (const deadline = Date.now() + 10_000; (await written()) < 3; ) {
    assert.ok(Date.now() < deadline, 'the Events land once the roll is done');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await recorder.flush();
  assert.deepEqual(errors, []);
});

test('Events yield only as long as the writer allows, then land although it stays busy', async (t) => {
  const { api, target, written } = await eventTarget(t, 'events-busy');
  const errors: unknown[] = [];
  const recorder = new KubeEventRecorder(api, 'test-host', (e) => errors.push(e));
  recorder.yieldTo((waitedMs) => waitedMs < 1500);
  for (let i = 0; i < 3; i++) recorder.record(target, 'Normal', 'ImageTriggered', `change ${i}`);
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(await written(), 0, 'they yield first');
  for (const deadline = Date.now() + 10_000; (await written()) < 3; ) {
    assert.ok(Date.now() < deadline, 'the Events land although the controller stays busy');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await recorder.flush();
  assert.deepEqual(errors, []);
});

test('Events of an idle controller go several at a time; while it is busy, two at most, even past their wait', async (t) => {
  const { api, target, written } = await eventTarget(t, 'events-writers');
  // The real client, counting the requests in flight through it.
  let inFlight = 0;
  let most = 0;
  const counted = {
    call: async (...args: Parameters<KubeClient['call']>) => {
      most = Math.max(most, ++inFlight);
      try {
        return await api.call(...args);
      } finally {
        inFlight -= 1;
      }
    },
  } as unknown as KubeClient;
  const errors: unknown[] = [];
  const writeAll = async (recorder: KubeEventRecorder, prefix: string, total: number) => {
    most = 0;
    for (let i = 0; i < 60; i++) recorder.record(target, 'Normal', 'ImageTriggered', `${prefix} ${i}`);
    for (const deadline = Date.now() + 20_000; (await written()) < total; ) {
      assert.ok(Date.now() < deadline, `${total} Events written`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await recorder.flush();
    return most;
  };

  const idleMost = await writeAll(new KubeEventRecorder(counted, 'test-host', (e) => errors.push(e)), 'idle', 60);
  const busy = new KubeEventRecorder(counted, 'test-host', (e) => errors.push(e));
  // Busy throughout, but the Events' wait is bounded at 300 ms: past it they go, two at a time.
  busy.yieldTo((waitedMs) => waitedMs < 300);
  const busyMost = await writeAll(busy, 'busy', 120);

  assert.deepEqual(errors, []);
  assert.ok(idleMost > 2, `idle: ${idleMost} Events in flight at most`);
  assert.ok(busyMost <= 2, `busy: ${busyMost} Events in flight at most`);
  t.diagnostic(`Events in flight at most: idle ${idleMost}, busy ${busyMost}`);
});
