import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyedDebouncer } from '../src/debounce.js';

test('a burst of changes to one document runs one validation, after the quiet time', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const debouncer = new KeyedDebouncer<string>(200);
  const runs: string[] = [];
  for (let i = 0; i < 5; i++) {
    if (i > 0) t.mock.timers.tick(150);
    debouncer.schedule('a.yaml', () => runs.push(`a${i}`));
  }
  assert.deepEqual(runs, [], 'nothing runs while keystrokes keep coming within 200 ms');
  t.mock.timers.tick(199);
  assert.deepEqual(runs, []);
  t.mock.timers.tick(1);
  assert.deepEqual(runs, ['a4'], 'only the last scheduled job runs');
});

test('documents keep separate timers; cancel and dispose drop pending work', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const debouncer = new KeyedDebouncer<string>(200);
  const runs: string[] = [];
  debouncer.schedule('a.yaml', () => runs.push('a'));
  t.mock.timers.tick(100);
  debouncer.schedule('b.yaml', () => runs.push('b'));
  debouncer.schedule('c.yaml', () => runs.push('c'));
  t.mock.timers.tick(100);
  assert.deepEqual(runs, ['a'], 'typing in b does not postpone a');
  debouncer.cancel('b.yaml');
  t.mock.timers.tick(100);
  assert.deepEqual(runs, ['a', 'c'], 'a closed document is not validated');
  debouncer.schedule('a.yaml', () => runs.push('a again'));
  debouncer.dispose();
  t.mock.timers.tick(1000);
  assert.deepEqual(runs, ['a', 'c']);
});
