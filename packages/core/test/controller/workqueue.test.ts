import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from '../../src/controller/workqueue.js';

const tick = (ms = 5): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('a key added many times while waiting is handled once', async () => {
  const q = new WorkQueue();
  const seen: string[] = [];
  for (let i = 0; i < 5; i++) q.add('a');
  q.add('b');
  const run = q.run(
    1,
    async (k) => {
      seen.push(k);
    },
    () => undefined,
  );
  await tick();
  q.shutDown();
  await run;
  assert.deepEqual(seen, ['a', 'b']);
});

test('keys are handled in the order added, each once, also while more arrive during a long backlog', async () => {
  const q = new WorkQueue();
  const seen: string[] = [];
  const keys = Array.from({ length: 5000 }, (_, i) => `k${i}`);
  for (const key of keys.slice(0, 3000)) q.add(key);
  const run = q.run(
    1,
    async (k) => {
      seen.push(k);
      // Later keys arrive while the backlog is being worked off, as a stream move's do.
      if (k === 'k1000') for (const key of keys.slice(3000)) q.add(key);
    },
    () => undefined,
  );
  while (seen.length < keys.length) await tick();
  assert.equal(q.length, 0);
  q.shutDown();
  await run;
  assert.deepEqual(seen, keys);
});

test('a key is never handled by two workers at once, and an add during handling runs it again after', async () => {
  const q = new WorkQueue();
  let inFlight = 0;
  let maxInFlight = 0;
  let runs = 0;
  const run = q.run(
    4,
    async () => {
      inFlight++;
      runs++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await tick(20);
      inFlight--;
    },
    () => undefined,
  );
  q.add('k');
  while (inFlight === 0) await tick(1);
  q.add('k');
  q.add('k');
  while (runs < 2 || inFlight > 0) await tick(5);
  await tick(50);
  q.shutDown();
  await run;
  assert.equal(maxInFlight, 1);
  assert.equal(runs, 2);
});

test('a failing key is retried with growing delays until it succeeds', async () => {
  const q = new WorkQueue({ baseDelayMs: 10 });
  const at: number[] = [];
  const errors: string[] = [];
  const run = q.run(
    1,
    async () => {
      at.push(performance.now());
      if (at.length < 3) throw new Error(`fail ${at.length}`);
    },
    (_k, e) => errors.push((e as Error).message),
  );
  q.add('x');
  for (let waited = 0; at.length < 3 && waited < 5000; waited += 10) await tick(10);
  q.shutDown();
  await run;
  assert.equal(at.length, 3);
  assert.deepEqual(errors, ['fail 1', 'fail 2']);
  // Timers never fire early, so the backoffs are lower bounds on the gaps; upper bounds (or
  // comparing the two gaps) would measure the machine's load instead of the queue.
  const [a = 0, b = 0, c = 0] = at;
  assert.ok(b - a >= 9, `first retry after ${b - a} ms, before its 10 ms backoff`);
  assert.ok(c - b >= 19, `second retry after ${c - b} ms, before its doubled 20 ms backoff`);
  assert.equal(q.retries('x'), 0, 'success forgets the failures');
});

test('idleForMs is 0 while a key waits or is handled, and counts from when the last one was done', async () => {
  const q = new WorkQueue();
  assert.equal(q.idleForMs(), Infinity, 'a queue that never held work');
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  q.add('a');
  assert.equal(q.idleForMs(), 0, 'waiting');
  const run = q.run(
    1,
    () => held,
    () => undefined,
  );
  await tick();
  assert.equal(q.idleForMs(), 0, 'being handled');
  const releasedAt = performance.now();
  release();
  await tick();
  const doneAt = performance.now();
  // It went idle between the release and now.
  const idle = q.idleForMs(doneAt + 1000);
  assert.ok(idle >= 1000 && idle <= doneAt + 1000 - releasedAt, `idle for ${idle} ms`);
  q.shutDown();
  await run;
});
