// The workload kinds that carry image triggers as kubectl users type them, and reading and writing
// them on the cluster.
import {
  isNotFound,
  kubeClient,
  resourcePath,
  type ClusterConnection,
  type KubeClient,
  type KubeList,
  type KubeObject,
} from '@istream/core/cluster';
import { TRIGGER_ANNOTATION, type WorkloadObject } from '@istream/core/triggers';
import {
  triggerableKind,
  WORKLOAD_KINDS,
  type TriggerableWorkloadKind,
  type WorkloadKind,
} from '@istream/core/workloads';
import { CliError } from './errors.js';
import type { Edit } from './trigger-edit.js';

/** A kind `set-triggers` acts on: a triggerable kind of core/workloads. */
export type WorkloadType = TriggerableWorkloadKind;

// Resources that exist on every cluster but are not workloads: named so oc's refusal can be given.
const NOT_WORKLOADS: Record<string, string[]> = {
  services: ['svc', 'service'],
  configmaps: ['cm', 'configmap'],
  secrets: ['secret'],
};

/** How kubectl lets a user type the kind: singular, plural, short names, each also with `.GROUP`. */
function typedForms(k: WorkloadKind): string[] {
  return [k.singular, k.resource, ...k.shortNames].flatMap((f) => (k.group ? [f, `${f}.${k.group}`] : [f]));
}

export function typeByName(typed: string): WorkloadType | { resource: string } {
  const name = typed.toLowerCase();
  const known = WORKLOAD_KINDS.find((k) => typedForms(k).includes(name));
  if (known) return triggerableKind(known.kind) ?? { resource: known.resource };
  for (const [resource, aliases] of Object.entries(NOT_WORKLOADS)) {
    if (name === resource || aliases.includes(name)) return { resource };
  }
  throw new CliError(`the server doesn't have a resource type "${typed}"`);
}

/** Any kind of the table (Pods, Jobs, ReplicaSets too) as typed, or undefined. */
export function anyKindByName(typed: string): WorkloadKind | undefined {
  const name = typed.toLowerCase();
  return WORKLOAD_KINDS.find((k) => typedForms(k).includes(name));
}

/** A resource named only so that a command can refuse it with oc's wording. */
export function nonWorkloadResource(typed: string): string | undefined {
  const name = typed.toLowerCase();
  return Object.entries(NOT_WORKLOADS).find(([resource, aliases]) => name === resource || aliases.includes(name))?.[0];
}

export function typeOfObject(object: WorkloadObject): WorkloadType | undefined {
  return triggerableKind(object.kind);
}

/** `deployment.apps/NAME`, as kubectl's printers name an object. */
export const qualifiedName = (t: WorkloadType, name: string) => `${t.kind.toLowerCase()}.${t.group}/${name}`;

export class WorkloadClient {
  private readonly api: KubeClient;
  constructor(connection: ClusterConnection) {
    this.api = kubeClient(connection);
  }

  get(type: WorkloadKind, namespace: string, name: string): Promise<WorkloadObject> {
    return this.call(type, name, () =>
      this.api.call<WorkloadObject>(resourcePath(type.apiVersion, type.resource, namespace, name)),
    );
  }

  async list(type: WorkloadType, namespace: string, selector?: string): Promise<WorkloadObject[]> {
    const list = await this.call(type, undefined, () =>
      this.api.call<KubeList<WorkloadObject>>(resourcePath(type.apiVersion, type.resource, namespace), {
        query: { labelSelector: selector },
      }),
    );
    return list.items.map((item) => ({ ...item, apiVersion: type.apiVersion, kind: type.kind }) as WorkloadObject);
  }

  /** A JSON merge patch carrying the resourceVersion read, so a concurrent change fails with 409. */
  patch(
    target: { type: WorkloadType; name: string; namespace: string; object: WorkloadObject },
    edit: Edit,
    dryRun: boolean,
  ): Promise<WorkloadObject> {
    const metadata = target.object.metadata as { resourceVersion?: string };
    const body: KubeObject & { spec?: unknown } = {
      apiVersion: target.type.apiVersion,
      kind: target.type.kind,
      metadata: {
        name: target.name,
        namespace: target.namespace,
        resourceVersion: metadata.resourceVersion,
        annotations: { [TRIGGER_ANNOTATION]: edit.annotation },
      },
    };
    if (edit.paused !== undefined) body.spec = { paused: edit.paused ? true : null };
    const path = resourcePath(target.type.apiVersion, target.type.resource, target.namespace, target.name);
    const query = { dryRun: dryRun ? 'All' : undefined, fieldManager: 'kubectl-istream' };
    return this.call(target.type, target.name, () =>
      this.api.call<WorkloadObject>(path, {
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body,
        query,
      }),
    );
  }

  private async call<T>(type: WorkloadKind, name: string | undefined, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (isNotFound(error) && name !== undefined)
        throw new CliError(`${type.resource}.${type.group} "${name}" not found`);
      throw error;
    }
  }
}
