import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchedLines, createLogger } from '../../src/controller/log.js';

const at = new Date('2026-12-01T12:00:00.123Z');

test('text log lines are TIME LEVEL MESSAGE key=value, quoting only values that need it', () => {
  const lines: string[] = [];
  const log = createLogger(
    (l) => lines.push(l),
    'text',
    () => at,
  );
  log.info('rolled', {
    workload: 'Deployment/team/myapp',
    from: 'nginx:1.25',
    to: 'reg.test/ubi@sha256:ab',
    skipped: undefined,
  });
  log.warning('refused', { message: 'may not "get" it', empty: '' });
  assert.deepEqual(lines, [
    '2026-12-01T12:00:00.123Z info rolled workload=Deployment/team/myapp from=nginx:1.25 to=reg.test/ubi@sha256:ab',
    '2026-12-01T12:00:00.123Z warning refused message="may not \\"get\\" it" empty=""',
  ]);
});

test('json log lines are one object each with ts, level, msg and the fields', () => {
  const lines: string[] = [];
  createLogger(
    (l) => lines.push(l),
    'json',
    () => at,
  ).error('leadership lost', { lease: 'ns/istream-controller', retry: 2 });
  assert.equal(lines.length, 1);
  assert.deepEqual(JSON.parse(lines[0]!), {
    ts: '2026-12-01T12:00:00.123Z',
    level: 'error',
    msg: 'leadership lost',
    lease: 'ns/istream-controller',
    retry: 2,
  });
});

test('lines logged within the window are written together, in order; flush writes what waits at once', async () => {
  const writes: string[] = [];
  const lines = batchedLines((text) => writes.push(text), 20);
  const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  lines.log('first');
  await new Promise((resolve) => setImmediate(resolve));
  lines.log('second');
  assert.deepEqual(writes, [], 'nothing is written within the window, across turns of the event loop');
  await later(40);
  assert.deepEqual(writes, ['first\nsecond\n']);
  lines.log('third');
  lines.flush();
  assert.deepEqual(writes, ['first\nsecond\n', 'third\n']);
  await later(40);
  assert.equal(writes.length, 2, 'a flushed line is not written twice');
  lines.log('fourth');
  await later(40);
  assert.deepEqual(writes.at(-1), 'fourth\n', 'a line after a flush opens a window of its own');
});
