import type { KubernetesObject } from '@kubernetes/client-node';
import type { EventRecorder } from './events.js';
import { KubeApiError, type KubeJson } from './kube-json.js';
import { planTriggers, type ReactorInputs, type TriggerChange, type TriggerPlan } from './reactor.js';
import { parseWorkloadKey, resourcePath, type WorkloadKind } from './workload-kinds.js';

export interface TriggerReconcilerDeps {
  api: KubeJson;
  events: EventRecorder;
  inputs: ReactorInputs;
  /** The informer's copy of a workload (may lag the apiserver). */
  cached(kind: WorkloadKind, namespace: string, name: string): KubernetesObject | undefined;
  onWrite?(key: string, plan: TriggerPlan): void;
}

/** Writes that lost a race (409) are recomputed from a fresh read this many times before requeueing. */
const conflictRetries = 5;

function changeMessage(kind: WorkloadKind, obj: KubernetesObject, c: TriggerChange): string {
  if (!c.revertsManualEdit) {
    return `Image of container ${c.container} changed to ${c.to} by image stream tag ${c.source.display} (was ${c.from || 'empty'})`;
  }
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name;
  return `Container ${c.container} was set by hand to ${c.from}, but its image follows image stream tag ${c.source.display}, ` +
    `so it was set back to ${c.to}. To keep a hand-set image, pause the trigger: ` +
    `kubectl istream set-triggers ${kind.singular}/${name} -n ${ns} --manual --from-image ${c.source.display} -c ${c.container}`;
}

/**
 * One reconcile of one workload: apply what its triggers resolve to in a single update guarded by
 * resourceVersion, then tell the workload's Events what changed and why. Idempotent: a workload
 * that already shows every resolved image is left alone.
 */
export async function reconcileWorkload(deps: TriggerReconcilerDeps, key: string): Promise<TriggerPlan | undefined> {
  const ref = parseWorkloadKey(key);
  if (!ref) return undefined;
  const { kind, namespace, name } = ref;
  let obj = deps.cached(kind, namespace, name);
  for (let attempt = 0; obj; attempt++) {
    const plan = await planTriggers(obj, deps.inputs);
    for (const source of plan.denied) {
      deps.events.record(obj, 'Warning', 'ImageTriggerForbidden',
        `Trigger ${source.display} was not applied: service accounts of namespace ${namespace} may not get imagestreams in namespace ${source.namespace}. ` +
        `To allow it, bind a role that may get imagestreams.image.openshift.io in ${source.namespace} to the group system:serviceaccounts:${namespace}.`);
    }
    for (const source of plan.unwatched) {
      deps.events.record(obj, 'Warning', 'ImageTriggerNotWatched',
        `Trigger ${source.display} was not applied: this istream controller watches image streams in namespace ${namespace} only (--namespace). ` +
        `To follow streams of namespace ${source.namespace}, run the controller without --namespace.`);
    }
    if (plan.refused) deps.events.record(obj, 'Warning', 'ImageTriggerInvalid', plan.refused);
    if (!plan.updated) return plan;
    const path = resourcePath(kind.apiVersion, kind.resource, namespace, name);
    try {
      const written = await deps.api.call<KubernetesObject>(path, { method: 'PUT', body: plan.updated });
      deps.onWrite?.(key, plan);
      for (const change of plan.changes) {
        deps.events.record(written, change.revertsManualEdit ? 'Warning' : 'Normal',
          change.revertsManualEdit ? 'ManualImageChangeReverted' : 'ImageTriggered', changeMessage(kind, obj, change));
      }
      return plan;
    } catch (error) {
      if (!(error instanceof KubeApiError) || error.status !== 409 || attempt >= conflictRetries) throw error;
      // Someone wrote the workload after our cache saw it: recompute from what is there now.
      try {
        obj = await deps.api.call<KubernetesObject>(path);
      } catch (readError) {
        if (readError instanceof KubeApiError && readError.status === 404) return undefined;
        throw readError;
      }
    }
  }
  return undefined;
}
