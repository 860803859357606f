import type { KubeObject } from '../cluster/index.js';
import { TRIGGERABLE_KINDS, triggerableKind, type TriggerableWorkloadKind } from '../workloads/index.js';

/** A workload kind the trigger reactor watches and writes: a triggerable kind of core/workloads. */
export type WorkloadKind = TriggerableWorkloadKind;

export const workloadKinds: readonly WorkloadKind[] = TRIGGERABLE_KINDS;

export function kindByName(kind: string): WorkloadKind | undefined {
  return triggerableKind(kind);
}

/** Queue key of one workload: `Kind/namespace/name`. */
export function workloadKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

export function parseWorkloadKey(key: string): { kind: WorkloadKind; namespace: string; name: string } | undefined {
  const [kind, namespace, name] = key.split('/');
  const wk = kindByName(kind ?? '');
  if (!wk || namespace === undefined || name === undefined) return undefined;
  return { kind: wk, namespace, name };
}

export function objectKey(obj: KubeObject): { namespace: string; name: string } {
  return { namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? '' };
}
