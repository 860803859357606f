import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defer } from '../src/defer.js';

/** A test context whose after-hooks the test runs itself, to see what they do. */
function fakeContext(): { after(fn: () => unknown): void; end(): Promise<unknown> } {
  const hooks: Array<() => unknown> = [];
  return {
    after: (fn) => {
      hooks.push(fn);
    },
    end: async () => {
      for (const hook of hooks) await hook();
    },
  };
}

test('deferred cleanups run last-added-first, so a folder is removed only after the editor using it stopped', async () => {
  const t = fakeContext();
  const ran: string[] = [];
  defer(t, () => {
    ran.push('remove work folder');
  });
  defer(t, async () => {
    await new Promise((r) => setTimeout(r, 5));
    ran.push('stop registry');
  });
  defer(t, () => {
    ran.push('stop editor');
  });
  await t.end();
  assert.deepEqual(ran, ['stop editor', 'stop registry', 'remove work folder']);
});

test('a failing cleanup does not keep the others from running, and its error still fails the test', async () => {
  const t = fakeContext();
  const ran: string[] = [];
  defer(t, () => {
    ran.push('remove work folder');
  });
  defer(t, () => {
    throw new Error('ENOTEMPTY');
  });
  defer(t, () => {
    ran.push('stop editor');
  });
  await assert.rejects(t.end(), /ENOTEMPTY/);
  assert.deepEqual(ran, ['stop editor', 'remove work folder']);

  const twice = fakeContext();
  defer(twice, () => {
    throw new Error('first');
  });
  defer(twice, () => {
    throw new Error('second');
  });
  await assert.rejects(twice.end(), (err: unknown) => err instanceof AggregateError && err.errors.length === 2);
});
