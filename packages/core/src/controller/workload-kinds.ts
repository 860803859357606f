import type { KubeObject } from '../cluster/index.js';

/** A workload kind the trigger reactor watches and writes. */
export interface WorkloadKind {
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'CronJob';
  apiVersion: string;
  /** Lower-case plural resource, as in RBAC rules and URLs. */
  resource: string;
  group: string;
  /** How `kubectl` and our CLI name the kind in `KIND/NAME`. */
  cliName: string;
}

export const workloadKinds: readonly WorkloadKind[] = [
  { kind: 'Deployment', apiVersion: 'apps/v1', group: 'apps', resource: 'deployments', cliName: 'deployment' },
  { kind: 'StatefulSet', apiVersion: 'apps/v1', group: 'apps', resource: 'statefulsets', cliName: 'statefulset' },
  { kind: 'DaemonSet', apiVersion: 'apps/v1', group: 'apps', resource: 'daemonsets', cliName: 'daemonset' },
  { kind: 'CronJob', apiVersion: 'batch/v1', group: 'batch', resource: 'cronjobs', cliName: 'cronjob' },
];

export function kindByName(kind: string): WorkloadKind | undefined {
  return workloadKinds.find((k) => k.kind === kind);
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
