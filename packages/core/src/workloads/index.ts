// The workload kinds istream knows (Deployment, CronJob...): API names, kubectl names, pod
// template paths, and which ones OpenShift triggers. Pure data.

export {
  isTriggerableKind,
  TRIGGERABLE_KINDS,
  triggerableKind,
  triggerableKindList,
  WORKLOAD_KINDS,
  workloadKind,
  type TriggerableKind,
  type TriggerableWorkloadKind,
  type WorkloadKind,
} from './kinds.js';
