// Replays `oc set triggers -f FILE` against a cluster (no --local), as OpenShift's oc answered it on
// the sandbox (scripts/peer/oc.mjs): each workload is created in a fresh namespace, edited by
// istream's `set-triggers`, and both what it printed and what the API server stored must be oc's,
// but for README's deliberate differences.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '@istream/test-harness';
import type { ClusterInstance } from '@istream/test-harness/cluster/index';
import { clusterWithCrd } from '../controller/support.js';
import { answerOf, type PrintedObject } from './oc-answer.js';
import { inputHash, liveManifest, ocCase } from './oc-corpus.js';
import { SAME, explainDifference, assertListedInReadme, inputObjects, type Tally } from './oc-differences.js';
import { istream, readVectors, type RecordedCase, type SetTriggersVectors } from './oc-vectors.js';

const scratch = scratchDir();

interface LiveCase extends RecordedCase {
  /** The corpus index. */
  i: number;
  /** The object's annotation and spec.paused on the server afterwards. */
  stored: Omit<PrintedObject, 'id'>;
}

const vectors = readVectors<SetTriggersVectors<LiveCase>>('oc-set-triggers-cluster.json.gz');
let cluster: ClusterInstance;
let namespace: string;
const work = mkdtempSync(join(scratch, 'istream-peer-oc-live-'));

before(async () => {
  // oc answered on OpenShift, which serves ImageStreams: without the CRD, set-triggers warns that
  // the cluster lacks them, and the test passed only when an earlier file had installed it.
  cluster = await clusterWithCrd();
  namespace = await cluster.createNamespace('istream-peer-oc');
});

after(async () => {
  await cluster?.kubectl(['delete', 'namespace', namespace, '--wait=false']);
});

test("set-triggers on the cluster stores and prints what oc did, but for README's deliberate differences", async (t) => {
  assert.ok(vectors.cases.length >= 100, `${vectors.cases.length} cluster cases`);
  const file = join(work, 'live.yaml');
  const tally: Tally = new Map();
  const unexplained: string[] = [];
  for (const { i, h, stored, ...oc } of vectors.cases) {
    const c = ocCase(vectors.seed, i);
    assert.equal(inputHash(c), h, `cluster case ${i}: oc answered another input; record again`);
    writeFileSync(file, liveManifest(c));
    const created = await cluster.kubectl(['create', '-f', file], { namespace });
    assert.equal(created.code, 0, created.stderr);
    const env = { HOME: work, PATH: process.env.PATH };
    const run = await istream(
      ['set-triggers', '-f', file, ...c.args, '--kubeconfig', cluster.kubeconfig, '-n', namespace],
      env,
    );
    const mine = answerOf(run, c.args, file);
    const read = await cluster.kubectl(['get', '-f', file, '-o', 'json'], { namespace });
    const object = JSON.parse(read.stdout) as {
      metadata: { annotations?: Record<string, string> };
      spec?: { paused?: unknown };
    };
    const mineStored = {
      a: object.metadata.annotations?.['image.openshift.io/triggers'] ?? null,
      p: object.spec?.paused === true,
    };
    await cluster.kubectl(['delete', '-f', file, '--wait=false'], { namespace });
    const verdict = explainDifference(oc, mine, c, { live: true });
    // What the server stored: oc's when the answers agree; else what istream printed, or the
    // input when it refused.
    const [input] = inputObjects(c);
    const printed = mine.objects?.[0];
    const expectedStored =
      verdict === SAME || mine.code !== 0
        ? verdict === SAME
          ? stored
          : { a: input?.a ?? null, p: input?.p ?? false }
        : printed
          ? { a: printed.a, p: printed.p }
          : mineStored;
    const storedSame = JSON.stringify(mineStored) === JSON.stringify(expectedStored);
    if (verdict === undefined || !storedSame)
      unexplained.push(
        `case ${i}: set triggers -f FILE ${c.args.join(' ')}\n${c.file}\noc:      ${JSON.stringify({ ...oc, stored })}\nistream: ${JSON.stringify({ ...mine, stored: mineStored })}`,
      );
    else tally.set(verdict, (tally.get(verdict) ?? 0) + 1);
  }
  for (const [name, count] of tally) t.diagnostic(`${name}: ${count}`);
  assert.deepEqual(unexplained.slice(0, 40), [], `${unexplained.length} cases differ from oc beyond the deliberate`);
  assertListedInReadme(tally);
});
