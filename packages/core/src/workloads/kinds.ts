// The one table of workload kinds: what the API calls them, how kubectl names them, where their
// pod template is, and whether OpenShift's trigger controller acts on them. The trigger reader,
// the controller, the CLI and the language service all read it; pure data, no I/O.

interface KindRow {
  kind: string;
  /** '' for the core group. */
  group: string;
  version: string;
  /** Lower-case plural, as in URLs and RBAC rules. */
  resource: string;
  /** kubectl's short names (`deploy`, `sts`). */
  shortNames: readonly string[];
  /** Keys from the object down to its pod spec. */
  podSpecPath: readonly string[];
  /** Whether OpenShift's trigger controller watches this kind for `image.openshift.io/triggers`. */
  triggers: boolean;
  /** Whether `spec.paused` stops its rollouts: oc's config-change trigger is that field's negation. */
  pausable: boolean;
}

const POD_TEMPLATE = ['spec', 'template', 'spec'] as const;

// Order matters where it shows: triggerable kinds are listed to users, and watched, in this order.
const TABLE = [
  {
    kind: 'Deployment',
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    shortNames: ['deploy'],
    podSpecPath: POD_TEMPLATE,
    triggers: true,
    pausable: true,
  },
  {
    kind: 'StatefulSet',
    group: 'apps',
    version: 'v1',
    resource: 'statefulsets',
    shortNames: ['sts'],
    podSpecPath: POD_TEMPLATE,
    triggers: true,
    pausable: false,
  },
  {
    kind: 'DaemonSet',
    group: 'apps',
    version: 'v1',
    resource: 'daemonsets',
    shortNames: ['ds'],
    podSpecPath: POD_TEMPLATE,
    triggers: true,
    pausable: false,
  },
  {
    kind: 'CronJob',
    group: 'batch',
    version: 'v1',
    resource: 'cronjobs',
    shortNames: ['cj'],
    podSpecPath: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
    triggers: true,
    pausable: false,
  },
  // Kinds with a pod spec that OpenShift never triggers: named so the CLI can refuse them as oc
  // does, and so the editor still knows their containers.
  {
    kind: 'Job',
    group: 'batch',
    version: 'v1',
    resource: 'jobs',
    shortNames: [],
    podSpecPath: POD_TEMPLATE,
    triggers: false,
    pausable: false,
  },
  {
    kind: 'Pod',
    group: '',
    version: 'v1',
    resource: 'pods',
    shortNames: ['po'],
    podSpecPath: ['spec'],
    triggers: false,
    pausable: false,
  },
  {
    kind: 'ReplicaSet',
    group: 'apps',
    version: 'v1',
    resource: 'replicasets',
    shortNames: ['rs'],
    podSpecPath: POD_TEMPLATE,
    triggers: false,
    pausable: false,
  },
  {
    kind: 'ReplicationController',
    group: '',
    version: 'v1',
    resource: 'replicationcontrollers',
    shortNames: ['rc'],
    podSpecPath: POD_TEMPLATE,
    triggers: false,
    pausable: false,
  },
] as const satisfies readonly KindRow[];

/** The kinds OpenShift's trigger controller watches for the annotation. */
export type TriggerableKind = Extract<(typeof TABLE)[number], { triggers: true }>['kind'];

export interface WorkloadKind extends KindRow {
  /** `apps/v1`; `v1` for the core group. */
  apiVersion: string;
  /** kubectl's singular name: `deployment`. */
  singular: string;
  /** The pod spec path dotted, as OpenShift writes it at the start of a fieldPath: `spec.template.spec`. */
  podSpecFieldPath: string;
}

/** A kind OpenShift triggers. */
export interface TriggerableWorkloadKind extends WorkloadKind {
  kind: TriggerableKind;
  triggers: true;
}

/** Every workload kind istream knows, triggerable ones first. */
export const WORKLOAD_KINDS: readonly WorkloadKind[] = TABLE.map((row) => ({
  ...row,
  apiVersion: row.group === '' ? row.version : `${row.group}/${row.version}`,
  singular: row.kind.toLowerCase(),
  podSpecFieldPath: row.podSpecPath.join('.'),
}));

const isTriggerable = (k: WorkloadKind): k is TriggerableWorkloadKind => k.triggers;

/** The kinds OpenShift triggers, in the table's order. */
export const TRIGGERABLE_KINDS: readonly TriggerableWorkloadKind[] = WORKLOAD_KINDS.filter(isTriggerable);

const BY_KIND = new Map(WORKLOAD_KINDS.map((k) => [k.kind, k]));

/** The table's entry for an object's `kind`, triggerable or not. */
export function workloadKind(kind: unknown): WorkloadKind | undefined {
  return typeof kind === 'string' ? BY_KIND.get(kind) : undefined;
}

/** The table's entry for a kind OpenShift triggers. */
export function triggerableKind(kind: unknown): TriggerableWorkloadKind | undefined {
  const found = workloadKind(kind);
  return found && isTriggerable(found) ? found : undefined;
}

export function isTriggerableKind(kind: unknown): kind is TriggerableKind {
  return triggerableKind(kind) !== undefined;
}

/** "Deployment, StatefulSet, DaemonSet and CronJob", for messages that list the triggerable kinds. */
export function triggerableKindList(): string {
  const names = TRIGGERABLE_KINDS.map((k) => k.kind);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names.join('');
}
