import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageStream } from '../../src/imagestream/index.js';
import { dueImports, importStatusGraceMs, syncAliases } from '../../src/controller/imports.js';
import { RegistryBudget } from '../../src/controller/registry-budget.js';

const minute = 60_000;
const t0 = Date.parse('2026-01-01T00:00:00Z');

function stream(
  tags: ImageStream['spec']['tags'],
  status: NonNullable<ImageStream['status']>['tags'] = [],
): ImageStream {
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name: 'ubi', namespace: 'demo', generation: 2 },
    spec: { tags },
    status: { dockerImageRepository: '', tags: status },
  };
}
const event = (image: string, generation: number, created = '2026-01-01T00:00:00Z') => ({
  created,
  dockerImageReference: `reg.test/ubi@${image}`,
  image,
  generation,
});

test('a spec tag whose generation is newer than the status answered is imported now', () => {
  const s = stream(
    [{ name: '8', from: { kind: 'DockerImage', name: 'reg.test/ubi:8' }, generation: 2 }],
    [{ tag: '8', items: [event('sha256:a', 1)] }],
  );
  const { due } = dueImports(s, t0, 15 * minute, () => 0);
  assert.deepEqual(
    due.map((d) => [d.request.tag, d.kind, d.registry]),
    [['8', 'spec', 'reg.test']],
  );
});

test("a spec generation stamped by an import a moment ago waits for that import's status; an older stamp imports at once", () => {
  const tags = [{ name: '8', from: { kind: 'DockerImage' as const, name: 'reg.test/ubi:8' }, generation: 3 }];
  const s = stream(tags, [{ tag: '8', items: [event('sha256:a', 2)] }]);
  s.metadata.annotations = { 'openshift.io/image.dockerRepositoryCheck': '2026-01-01T00:00:00Z' };
  const during = dueImports(s, t0 + 1000, 15 * minute, () => 0);
  assert.deepEqual(during.due, [], 'the importing client writes the status next');
  assert.equal(during.statusWaitMs, importStatusGraceMs - 1000, 'looked at again when the grace ends');
  assert.deepEqual(
    dueImports(s, t0 + importStatusGraceMs, 15 * minute, () => 0).due.map((d) => d.kind),
    ['spec'],
    'no status came: the controller imports it',
  );
  assert.deepEqual(
    dueImports(s, t0 + 10 * minute, 15 * minute, () => 0).due.map((d) => d.kind),
    ['spec'],
    'a later spec change (kubectl apply) is imported at once',
  );
  s.status!.tags![0]!.items!.unshift(event('sha256:b', 3));
  assert.deepEqual(dueImports(s, t0 + 1000, 15 * minute, () => 0).due, [], 'the status landed: nothing to import');
});

test('a scheduled tag is due once its interval has passed since the last import, and says when otherwise', () => {
  const s = stream(
    [
      {
        name: '8',
        from: { kind: 'DockerImage', name: 'reg.test/ubi:8' },
        generation: 1,
        importPolicy: { scheduled: true },
      },
    ],
    [{ tag: '8', items: [event('sha256:a', 1)] }],
  );
  const early = dueImports(s, t0 + 5 * minute, 15 * minute, () => 0);
  assert.equal(early.due.length, 0);
  assert.equal(early.nextDueInMs, 10 * minute);
  assert.equal(dueImports(s, t0 + 15 * minute, 15 * minute, () => 0).due[0]?.kind, 'scheduled');
  const attemptedLately = dueImports(s, t0 + 15 * minute, 15 * minute, () => t0 + 14 * minute);
  assert.equal(attemptedLately.due.length, 0, 'an import that found nothing new still counts');
});

test('pinned, aliased and reference tags are never imported', () => {
  const s = stream([
    {
      name: '8',
      from: { kind: 'ImageStreamImage', name: 'ubi@sha256:a' },
      generation: 5,
      importPolicy: { scheduled: true },
    },
    { name: 'latest', from: { kind: 'ImageStreamTag', name: '8' }, generation: 5 },
    { name: 'ref', from: { kind: 'DockerImage', name: 'reg.test/ubi:ref' }, reference: true, generation: 5 },
  ]);
  assert.deepEqual(dueImports(s, t0, minute, () => 0).due, []);
});

test("an alias takes its target's current item", () => {
  const s = stream(
    [
      { name: '8', from: { kind: 'DockerImage', name: 'reg.test/ubi:8' }, generation: 1 },
      { name: 'latest', from: { kind: 'ImageStreamTag', name: '8' }, generation: 1 },
    ],
    [
      { tag: '8', items: [event('sha256:b', 2), event('sha256:a', 1)] },
      { tag: 'latest', items: [event('sha256:a', 1)] },
    ],
  );
  const change = syncAliases(s);
  assert.equal(change?.changed, true);
  assert.equal(change?.stream.status?.tags?.find((t) => t.tag === 'latest')?.items?.[0]?.image, 'sha256:b');
  assert.equal(syncAliases(change!.stream)?.changed, false, 'idempotent');
});

test('the registry budget spreads imports and a 429 pauses the registry', () => {
  let now = t0;
  const budget = new RegistryBudget(2, () => now);
  assert.equal(budget.take('reg.test'), 0);
  assert.equal(budget.take('reg.test'), 0);
  assert.ok(budget.take('reg.test') > 0, 'third import in the same minute waits');
  assert.equal(budget.take('other.test'), 0, 'budgets are per registry');
  now += minute;
  assert.equal(budget.take('reg.test'), 0);
  budget.pause('reg.test', 30_000);
  assert.equal(budget.take('reg.test'), 30_000);
});

test('a tag a registry event named is due now whatever its schedule; a spec change still imports as spec', () => {
  const s = stream(
    [
      {
        name: '8',
        from: { kind: 'DockerImage', name: 'reg.test/ubi:8' },
        generation: 1,
        importPolicy: { scheduled: true },
      },
      { name: '9', from: { kind: 'DockerImage', name: 'reg.test/ubi:9' }, generation: 1 },
      { name: 'new', from: { kind: 'DockerImage', name: 'reg.test/ubi:10' }, generation: 2 },
    ],
    [
      { tag: '8', items: [event('sha256:a', 1, '2026-01-01T00:00:00Z')] },
      { tag: '9', items: [event('sha256:a', 1)] },
      { tag: 'new', items: [event('sha256:a', 1)] },
    ],
  );
  const oneMinuteLater = t0 + minute;
  assert.deepEqual(
    dueImports(s, oneMinuteLater, 15 * minute, () => 0).due.map((d) => [d.request.tag, d.kind]),
    [['new', 'spec']],
    'without a hint: only the spec change',
  );
  const hinted = dueImports(
    s,
    oneMinuteLater,
    15 * minute,
    () => 0,
    () => true,
  );
  assert.deepEqual(
    hinted.due.map((d) => [d.request.tag, d.kind]),
    [
      ['8', 'event'],
      ['9', 'event'],
      ['new', 'spec'],
    ],
  );
});
