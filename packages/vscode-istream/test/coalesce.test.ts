import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyedCoalescer } from '../src/coalesce.js';

function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

test('requests during a slow validation collapse into one more run of the latest', async () => {
  const coalescer = new KeyedCoalescer<string>();
  const runs: string[] = [];
  const first = gate();
  const done = coalescer.run('a.yaml', async () => {
    runs.push('v1');
    await first.promise;
  });
  for (const v of ['v2', 'v3', 'v4'])
    void coalescer.run('a.yaml', async () => {
      runs.push(v);
    });
  assert.deepEqual(runs, ['v1'], 'one validation at a time per document');
  first.open();
  await done;
  assert.deepEqual(runs, ['v1', 'v4'], 'the backlog is one run of the latest request');
});

test('documents do not wait for each other, and a finished key runs again at once', async () => {
  const coalescer = new KeyedCoalescer<string>();
  const runs: string[] = [];
  const slow = gate();
  const a = coalescer.run('a.yaml', async () => {
    runs.push('a');
    await slow.promise;
  });
  await coalescer.run('b.yaml', async () => {
    runs.push('b');
  });
  assert.deepEqual(runs, ['a', 'b']);
  slow.open();
  await a;
  await coalescer.run('a.yaml', async () => {
    runs.push('a again');
  });
  assert.deepEqual(runs, ['a', 'b', 'a again']);
});

test('a failing run does not wedge its key', async () => {
  const coalescer = new KeyedCoalescer<string>();
  await assert.rejects(
    coalescer.run('a.yaml', async () => {
      throw new Error('boom');
    }),
    /boom/,
  );
  let ran = false;
  await coalescer.run('a.yaml', async () => {
    ran = true;
  });
  assert.equal(ran, true);
});
