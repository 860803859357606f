// istream's controller on the scenario OpenShift's image trigger controller was recorded on
// (packages/core/test/fixtures/peer/trigger-controller.json, `npm run peer -- record controller`):
// same streams, workloads and phases on the real control plane, then the pod templates compared
// container by container. Only the deliberate differences of trigger-vectors.ts may remain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defer } from '@istream/test-harness';
import { cli, clusterWithCrd, runController } from '../controller/support.js';
import {
  createdTemplates,
  createScenario,
  runPhase,
  settledSnapshot,
  type ScenarioNamespaces,
} from './trigger-scenario.js';
import { assertOnlyDeliberateDifferences, compare, loadVectors, type Comparison } from './trigger-vectors.js';

test("istream's controller leaves the pod templates OpenShift's trigger controller left, before and after a tag move and a rollback", async (t) => {
  const vectors = loadVectors();
  const cluster = await clusterWithCrd();
  const names: ScenarioNamespaces = {
    ns: await cluster.createNamespace('peer-replay'),
    other: await cluster.createNamespace('peer-replay-other'),
    denied: await cluster.createNamespace('peer-replay-denied'),
  };
  defer(t, () => cluster.kubectl(['delete', 'namespace', ...Object.values(names), '--wait=false']));
  await createScenario(cluster.kubectl, vectors.scenario, names);
  // All namespaces, as OpenShift's controller reads streams: the cross-namespace triggers need it.
  const controller = await runController(cluster.kubeconfig, '');
  defer(t, () => controller.stop());

  const result: Comparison = { unexplained: [], named: {} };
  const created = createdTemplates(vectors.scenario);
  const rolled = new Set<string>();
  for (const [i, phase] of vectors.scenario.phases.entries()) {
    const recorded = vectors.phases[i]!;
    assert.equal(recorded.name, phase.name);
    if (i > 0)
      await runPhase(cluster.kubectl, vectors.scenario, phase, names, async (namespace, tag) => {
        await cli(['rollback', tag, '-n', namespace, '--kubeconfig', cluster.kubeconfig]);
      });
    // Done when istream shows what OpenShift's controller showed, deliberate differences aside.
    const snap = await settledSnapshot(cluster.kubectl, vectors.scenario, names, (s) => {
      const probe: Comparison = { unexplained: [], named: {} };
      compare(vectors, i, s, probe);
      return probe.unexplained.length === 0;
    });
    // The same scenario was replayed: the streams hold what they held under OpenShift's controller.
    assert.deepEqual(snap.streams, recorded.streams, `${phase.name}: the streams differ from the recording`);
    compare(vectors, i, snap, result);

    // OpenShift's controller writes nothing but images and reports nothing (README "Differences
    // from oc"); istream records what its triggers wrote, on exactly the workloads it rolled, and
    // says so in Events.
    assert.deepEqual(recorded.annotations, {});
    assert.deepEqual(recorded.events, []);
    for (const [name, template] of Object.entries(snap.workloads))
      if (JSON.stringify(template) !== JSON.stringify(created[name])) rolled.add(name);
    assert.deepEqual(
      Object.entries(snap.annotations).map(([name, a]) => [name, Object.keys(a)]),
      [...rolled].sort().map((name) => [name, ['istream.io/triggered-images']]),
      `${phase.name}: istream's annotation is on the workloads it rolled, and nothing else was written`,
    );
    for (const name of rolled)
      assert.ok(
        snap.events.some((e) => / Normal ImageTriggered$/.test(e) && e.split(' ')[0]!.endsWith(`/${name}`)),
        `${phase.name}: ${name} was rolled without an ImageTriggered Event`,
      );
    for (const event of snap.events)
      assert.match(event, / (Normal ImageTriggered|Warning ImageTriggerInvalid|Warning ImageTriggerForbidden)$/);
  }
  t.diagnostic(`deliberate differences: ${JSON.stringify(result.named)}`);
  assertOnlyDeliberateDifferences(result);
});
