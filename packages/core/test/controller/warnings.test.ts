import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/cluster/index.js';
import { createLogger } from '../../src/controller/log.js';
import { RateLimitedWarnings, warningWindowMs } from '../../src/controller/warnings.js';

test('a warning about one object is an Event and a log line once per reason and message per window', () => {
  const events: string[] = [];
  const lines: string[] = [];
  let now = 0;
  const warnings = new RateLimitedWarnings(
    {
      record: (o, type, reason, message) => {
        events.push(`${o.metadata?.name} ${type} ${reason} ${message}`);
      },
    },
    createLogger((l) => lines.push(l)),
    warningWindowMs,
    () => now,
  );
  const a = { metadata: { name: 'a', uid: 'uid-a' } } as KubeObject;
  const b = { metadata: { name: 'b', uid: 'uid-b' } } as KubeObject;
  for (let i = 0; i < 20; i++)
    warnings.warn(a, 'ImageTriggerInvalid', 'bad JSON', 'invalid trigger annotation', { workload: 'a' });
  warnings.warn(a, 'ImageTriggerInvalid', 'duplicate fieldPath', 'invalid trigger annotation', { workload: 'a' });
  warnings.warn(b, 'ImageTriggerInvalid', 'bad JSON', 'invalid trigger annotation', { workload: 'b' });
  assert.deepEqual(events, [
    'a Warning ImageTriggerInvalid bad JSON',
    'a Warning ImageTriggerInvalid duplicate fieldPath',
    'b Warning ImageTriggerInvalid bad JSON',
  ]);
  assert.equal(lines.length, 3);
  assert.match(
    lines[0]!,
    / warning invalid trigger annotation workload=a reason=ImageTriggerInvalid message="bad JSON"$/,
  );
  now += warningWindowMs - 1;
  warnings.warn(a, 'ImageTriggerInvalid', 'bad JSON', 'invalid trigger annotation', {});
  assert.equal(events.length, 3, 'still within the window');
  now += 1;
  warnings.warn(a, 'ImageTriggerInvalid', 'bad JSON', 'invalid trigger annotation', {});
  assert.equal(events.length, 4, 'once more after the window');
});
