// Replays `oc set triggers --local` as OpenShift's own oc answered it (scripts/peer/oc.mjs) against
// istream's `set-triggers --local`, case by case: every answer must be oc's, or oc's changed by
// exactly one of the deliberate differences README "Differences from oc" lists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '@istream/test-harness';
import { answerOf } from './oc-answer.js';
import { ocCase, inputHash, offlineKubeconfig } from './oc-corpus.js';
import { explainDifference, assertListedInReadme, type Tally } from './oc-differences.js';
import { istream, readVectors, type SetTriggersVectors } from './oc-vectors.js';

const scratch = scratchDir();

const vectors = readVectors<SetTriggersVectors>('oc-set-triggers.json.gz');

test('the recorded corpus has at least 2,000 cases', () => {
  assert.ok(vectors.cases.length >= 2000, `${vectors.cases.length} cases`);
});

test("set-triggers --local answers every recorded case as oc did, but for README's deliberate differences", async (t) => {
  const work = mkdtempSync(join(scratch, 'istream-peer-oc-'));
  const kubeconfig = join(work, 'kubeconfig');
  writeFileSync(kubeconfig, offlineKubeconfig());
  const file = join(work, 'case.yaml');
  const tally: Tally = new Map();
  const unexplained: string[] = [];
  for (const [i, recorded] of vectors.cases.entries()) {
    const { h, ...oc } = recorded;
    const c = ocCase(vectors.seed, i);
    assert.equal(
      inputHash(c),
      h,
      `case ${i}: oc answered another input; after changing the corpus, record again (npm run peer -- record oc)`,
    );
    writeFileSync(file, c.file);
    const run = await istream(['set-triggers', '--local', '-f', file, ...c.args], {
      KUBECONFIG: kubeconfig,
      HOME: work,
    });
    const mine = answerOf(run, c.args, file);
    const verdict = explainDifference(oc, mine, c);
    if (verdict === undefined)
      unexplained.push(
        `case ${i}: set triggers --local -f FILE ${c.args.join(' ')}\n${c.file}\noc:      ${JSON.stringify(oc)}\nistream: ${JSON.stringify(mine)}`,
      );
    else tally.set(verdict, (tally.get(verdict) ?? 0) + 1);
  }
  for (const [name, count] of tally) t.diagnostic(`${name}: ${count}`);
  assert.deepEqual(unexplained.slice(0, 5), [], `${unexplained.length} cases differ from oc beyond the deliberate`);
  assertListedInReadme(tally);
});
