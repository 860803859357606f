// core/triggers' rules, without a cluster, on the scenario OpenShift's image trigger controller
// was recorded on: each phase applies the triggers to the templates the previous phase left,
// with the streams as recorded, and only the deliberate differences of trigger-vectors.ts remain.
import { test } from 'node:test';
import { applyTriggers, resolveStreamTag, type WorkloadObject } from '@istream/core/triggers';
import type { ImageStream } from '@istream/core/imagestream';
import { podTemplate, type KubeItem, type StreamState, type TriggerScenario } from './trigger-scenario.js';
import { assertOnlyDeliberateDifferences, compare, loadVectors, type Comparison } from './trigger-vectors.js';

function imageStream(key: string, state: StreamState): ImageStream {
  const [namespace, name] = key.split('/') as [string, string];
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { namespace, name },
    spec: {
      tags: state.spec.map((t) => ({
        name: t.name,
        ...(t.from ? { from: t.from } : {}),
        ...(t.referencePolicy ? { referencePolicy: { type: t.referencePolicy } } : {}),
      })),
    },
    status: {
      dockerImageRepository: state.repository,
      tags: Object.entries(state.tags).map(([tag, items]) => ({
        tag,
        items: items.map(([dockerImageReference, image]) => ({
          created: '',
          dockerImageReference,
          image,
          generation: 1,
        })),
      })),
    },
  } as ImageStream;
}

/** The namespaces whose streams the workloads' service accounts may pull: the scenario's RoleBindings. */
function readable(scenario: TriggerScenario): Set<string> {
  const group = `system:serviceaccounts:${scenario.namespaces.ns}`;
  const bindings = scenario.rbac as Array<{
    kind: string;
    metadata: { namespace: string };
    subjects?: Array<{ name: string }>;
  }>;
  return new Set([
    scenario.namespaces.ns,
    ...bindings
      .filter((b) => b.kind === 'RoleBinding' && b.subjects?.some((s) => s.name === group))
      .map((b) => b.metadata.namespace),
  ]);
}

test("core/triggers' rules give the pod templates OpenShift's trigger controller left, phase by phase", (t) => {
  const vectors = loadVectors();
  const mayRead = readable(vectors.scenario);
  let workloads = vectors.scenario.workloads as unknown as WorkloadObject[];
  const result: Comparison = { unexplained: [], named: {} };
  for (const [i, recorded] of vectors.phases.entries()) {
    const streams = new Map(Object.entries(recorded.streams).map(([k, s]) => [k, imageStream(k, s)]));
    workloads = workloads.map((w) => {
      const applied = applyTriggers(w, (namespace, stream, tag) => {
        const found = mayRead.has(namespace) ? streams.get(`${namespace}/${stream}`) : undefined;
        return found && resolveStreamTag(found, tag);
      });
      return applied.ok ? applied.object : w;
    });
    const templates = Object.fromEntries(workloads.map((w) => [w.metadata!.name!, podTemplate(w as KubeItem)]));
    compare(vectors, i, { ...recorded, workloads: templates }, result);
  }
  t.diagnostic(`deliberate differences: ${JSON.stringify(result.named)}`);
  assertOnlyDeliberateDifferences(result);
});
