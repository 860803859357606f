import { isNotFound, resourcePath, retryOnConflict, type KubeClient, type KubeObject } from '../cluster/index.js';
import type { EventRecorder } from './events.js';
import { planTriggers, type ReactorInputs, type TriggerChange, type TriggerPlan } from './reactor.js';
import { parseWorkloadKey, type WorkloadKind } from './workload-kinds.js';

export interface TriggerReconcilerDeps {
  api: KubeClient;
  events: EventRecorder;
  inputs: ReactorInputs;
  /** The informer's copy of a workload (may lag the apiserver). */
  cached(kind: WorkloadKind, namespace: string, name: string): KubeObject | undefined;
  onWrite?(key: string, plan: TriggerPlan): void;
}

function changeMessage(kind: WorkloadKind, obj: KubeObject, c: TriggerChange): string {
  if (!c.revertsManualEdit) {
    return `Image of container ${c.container} changed to ${c.to} by image stream tag ${c.source.display} (was ${c.from || 'empty'})`;
  }
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name;
  return `Container ${c.container} was set by hand to ${c.from}, but its image follows image stream tag ${c.source.display}, ` +
    `so it was set back to ${c.to}. To keep a hand-set image, pause the trigger: ` +
    `kubectl istream set-triggers ${kind.cliName}/${name} -n ${ns} --manual --from-image ${c.source.display} -c ${c.container}`;
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
  const path = resourcePath(kind.apiVersion, kind.resource, namespace, name);
  const cached = deps.cached(kind, namespace, name);
  if (!cached) return undefined;
  let current: KubeObject = cached;
  // A write that lost a race (409) is recomputed from a fresh read a few times; after that the
  // conflict fails this reconcile and the work queue requeues the workload.
  return retryOnConflict(async (attempt) => {
    if (attempt > 1) {
      // Someone wrote the workload after our cache saw it: recompute from what is there now.
      try {
        current = await deps.api.call<KubeObject>(path);
      } catch (readError) {
        if (isNotFound(readError)) return undefined;
        throw readError;
      }
    }
    const plan = await planTriggers(current, deps.inputs);
    for (const source of plan.denied) {
      deps.events.record(current, 'Warning', 'ImageTriggerForbidden',
        `Trigger ${source.display} was not applied: service accounts of namespace ${namespace} may not get imagestreams in namespace ${source.namespace}. ` +
        `To allow it, bind a role that may get imagestreams.image.openshift.io in ${source.namespace} to the group system:serviceaccounts:${namespace}.`);
    }
    for (const source of plan.unwatched) {
      deps.events.record(current, 'Warning', 'ImageTriggerNotWatched',
        `Trigger ${source.display} was not applied: this istream controller watches image streams in namespace ${namespace} only (--namespace). ` +
        `To follow streams of namespace ${source.namespace}, run the controller without --namespace.`);
    }
    if (plan.refused) deps.events.record(current, 'Warning', 'ImageTriggerInvalid', plan.refused);
    if (!plan.updated) return plan;
    const written = await deps.api.call<KubeObject>(path, { method: 'PUT', body: plan.updated });
    deps.onWrite?.(key, plan);
    for (const change of plan.changes) {
      deps.events.record(written, change.revertsManualEdit ? 'Warning' : 'Normal',
        change.revertsManualEdit ? 'ManualImageChangeReverted' : 'ImageTriggered', changeMessage(kind, current, change));
    }
    return plan;
  });
}
