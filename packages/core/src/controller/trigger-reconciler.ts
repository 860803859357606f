import {
  isNotFound,
  jsonPatch,
  JSON_PATCH_CONTENT_TYPE,
  resourcePath,
  retryOnConflict,
  type KubeClient,
  type KubeObject,
} from '../cluster/index.js';
import { readTriggersOf, TRIGGER_ANNOTATION, type WorkloadObject } from '../triggers/index.js';
import type { EventRecorder } from './events.js';
import type { Logger } from './log.js';
import { planTriggers, type ReactorInputs, type TriggerChange, type TriggerPlan } from './reactor.js';
import type { RateLimitedWarnings } from './warnings.js';
import { parseWorkloadKey, type WorkloadKind } from './workload-kinds.js';

export interface TriggerReconcilerDeps {
  api: KubeClient;
  events: EventRecorder;
  /** Refusals and annotation errors: a Warning Event and a log line, rate-limited per object. */
  warnings: RateLimitedWarnings;
  log: Logger;
  inputs: ReactorInputs;
  /** The informer's copy of a workload (may lag the apiserver; trimmed to what triggers read). */
  cached(kind: WorkloadKind, namespace: string, name: string): KubeObject | undefined;
  /** After a write: what the API server stored, and the version the write was conditional on. */
  onWrite?(key: string, kind: WorkloadKind, written: KubeObject, basedOn: KubeObject): void;
}

/**
 * Who `managedFields` say set a triggered image (and the record beside it): the API server keeps
 * the name with the fields a write changed, so `kubectl get -o yaml --show-managed-fields` and
 * server-side apply conflicts name the trigger controller, not whoever the client said it was.
 */
const TRIGGER_FIELD_MANAGER = 'istream-controller';

function changeMessage(kind: WorkloadKind, obj: KubeObject, c: TriggerChange): string {
  if (!c.revertsManualEdit) {
    return `Image of container ${c.container} changed to ${c.to} by image stream tag ${c.source.display} (was ${c.from || 'empty'})`;
  }
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name;
  return (
    `Container ${c.container} was set by hand to ${c.from}, but its image follows image stream tag ${c.source.display}, ` +
    `so it was set back to ${c.to}. To keep a hand-set image, pause the trigger: ` +
    `kubectl istream set-triggers ${kind.singular}/${name} -n ${ns} --manual --from-image ${c.source.display} -c ${c.container}`
  );
}

/**
 * Every problem of the annotation that `kubectl istream lint` calls an error (invalid JSON,
 * `"paused":"false"`, duplicate fieldPaths, a container that does not exist...): what OpenShift
 * ignores silently, said where the workload's owner looks.
 */
function reportAnnotationErrors(deps: TriggerReconcilerDeps, key: string, obj: KubeObject): void {
  const value = obj.metadata?.annotations?.[TRIGGER_ANNOTATION];
  if (value === undefined) return;
  for (const problem of readTriggersOf(value, obj as WorkloadObject).problems) {
    if (problem.severity !== 'error') continue;
    const at = typeof problem.path[0] === 'number' ? `trigger ${problem.path[0]}: ` : '';
    deps.warnings.warn(
      obj,
      'ImageTriggerInvalid',
      `${TRIGGER_ANNOTATION}: ${at}${problem.message}`,
      'invalid trigger annotation',
      { workload: key, problem: problem.code },
    );
  }
}

function reportRefusals(deps: TriggerReconcilerDeps, key: string, obj: KubeObject, plan: TriggerPlan): void {
  const namespace = obj.metadata?.namespace ?? '';
  for (const source of plan.denied) {
    deps.warnings.warn(
      obj,
      'ImageTriggerForbidden',
      `Trigger ${source.display} was not applied: service accounts of namespace ${namespace} may not pull from image streams in namespace ${source.namespace}. ` +
        `To allow it, bind a role that may get imagestreams.image.openshift.io/layers in ${source.namespace} (what OpenShift's system:image-puller grants) ` +
        `to the group system:serviceaccounts:${namespace}.`,
      'refused',
      { workload: key, source: source.display, why: 'forbidden' },
    );
  }
  for (const source of plan.unwatched) {
    deps.warnings.warn(
      obj,
      'ImageTriggerNotWatched',
      `Trigger ${source.display} was not applied: this istream controller watches image streams in namespace ${namespace} only (--namespace). ` +
        `To follow streams of namespace ${source.namespace}, run the controller without --namespace.`,
      'refused',
      { workload: key, source: source.display, why: 'namespace-not-watched' },
    );
  }
  // plan.refused needs no line of its own: the annotation error reported before planning names
  // what makes OpenShift refuse the update, rate-limited like these.
}

/**
 * One reconcile of one workload: apply what its triggers resolve to in a single patch guarded by
 * resourceVersion, then tell the workload's Events and the log what changed and why. Idempotent:
 * a workload that already shows every resolved image is left alone.
 */
export async function reconcileWorkload(deps: TriggerReconcilerDeps, key: string): Promise<TriggerPlan | undefined> {
  const ref = parseWorkloadKey(key);
  if (!ref) return undefined;
  const { kind, namespace, name } = ref;
  const path = resourcePath(kind.apiVersion, kind.resource, namespace, name);
  const cached = deps.cached(kind, namespace, name);
  if (!cached) return undefined;
  reportAnnotationErrors(deps, key, cached);
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
    reportRefusals(deps, key, current, plan);
    if (!plan.updated) return plan;
    // A patch of what changed, not a PUT: the cached copy holds only what triggers read.
    const written = await deps.api.call<KubeObject>(path, {
      method: 'PATCH',
      contentType: JSON_PATCH_CONTENT_TYPE,
      query: { fieldManager: TRIGGER_FIELD_MANAGER },
      body: jsonPatch(current, plan.updated),
    });
    deps.onWrite?.(key, kind, written, current);
    for (const change of plan.changes) {
      deps.events.record(
        written,
        change.revertsManualEdit ? 'Warning' : 'Normal',
        change.revertsManualEdit ? 'ManualImageChangeReverted' : 'ImageTriggered',
        changeMessage(kind, current, change),
      );
      const fields = {
        workload: key,
        container: change.container,
        source: change.source.display,
        from: change.from,
        to: change.to,
      };
      if (change.revertsManualEdit) deps.log.warning('reverted manual image change', fields);
      else deps.log.info('rolled', fields);
    }
    return plan;
  });
}
