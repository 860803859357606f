import type { KubernetesObject } from '@kubernetes/client-node';
import { locateContainer, readTriggers, resolveTagImage, tagHistory, type StreamLike, type WorkloadTrigger } from './trigger-port.js';

/** One container image the reactor changes. */
export interface TriggerChange {
  trigger: WorkloadTrigger;
  container: string;
  from: string;
  to: string;
  /**
   * The image being replaced was never an item of the tag nor its source: someone edited it by
   * hand while the stream stood still, and the trigger puts the stream's image back.
   */
  revertsManualEdit: boolean;
}

export interface TriggerPlan {
  changes: TriggerChange[];
  /** Cross-namespace triggers the workload's namespace may not read. */
  denied: WorkloadTrigger[];
  /** The workload with every change applied (a copy); undefined when nothing changes. */
  updated?: KubernetesObject;
}

export interface ReactorInputs {
  stream(namespace: string, name: string): StreamLike | undefined;
  /** May service accounts of `workloadNamespace` get image streams in `streamNamespace`? */
  mayRead(workloadNamespace: string, streamNamespace: string): Promise<boolean>;
}

function tagSource(stream: StreamLike, tag: string): string | undefined {
  const spec = (stream.spec?.tags as Array<{ name: string; from?: { kind?: string; name?: string } }> | undefined)
    ?.find((t) => t.name === tag);
  return spec?.from?.kind === 'DockerImage' ? spec.from.name : undefined;
}

/**
 * Decides what the triggers of one workload change (DESIGN 3.2): every non-paused trigger whose
 * tag has a current item and whose container shows another image. All changes go into one copy.
 */
export async function planTriggers(obj: KubernetesObject, inputs: ReactorInputs): Promise<TriggerPlan> {
  const plan: TriggerPlan = { changes: [], denied: [] };
  const namespace = obj.metadata?.namespace ?? '';
  const copy = structuredClone(obj);
  for (const trigger of readTriggers(obj)) {
    if (trigger.paused) continue;
    const stream = inputs.stream(trigger.streamNamespace, trigger.stream);
    if (!stream) continue;
    const image = resolveTagImage(stream, trigger.tag);
    if (!image) continue;
    const container = locateContainer(copy, trigger.fieldPath);
    if (!container || container.image === image) continue;
    if (trigger.streamNamespace !== namespace && !(await inputs.mayRead(namespace, trigger.streamNamespace))) {
      plan.denied.push(trigger);
      continue;
    }
    const previous = container.image ?? '';
    const known = previous === '' || tagHistory(stream, trigger.tag).includes(previous) || tagSource(stream, trigger.tag) === previous;
    plan.changes.push({ trigger, container: container.name, from: previous, to: image, revertsManualEdit: !known });
    container.image = image;
  }
  if (plan.changes.length > 0) plan.updated = copy;
  return plan;
}
