// Create-or-replace for arbitrary objects (what `install` needs), reporting what happened in
// kubectl's words.
import { jsonEqual } from '../imagestream/index.js';
import { kubeClient } from './client.js';
import { isNotFound } from './errors.js';
import type { ClusterConnection } from './kubeconfig.js';
import type { KubeObject } from './object.js';
import { groupVersionPath, resourcePath } from './paths.js';
import { retryOnConflict } from './retry.js';

export type ApplyOutcome = 'created' | 'configured' | 'unchanged';

type Spec = KubeObject & Record<string, unknown>;

/** Fields the server adds that say nothing about what we asked for. */
function userFields(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([k]) => k !== 'metadata' && k !== 'status'));
}

interface ResourceList {
  resources: Array<{ name: string; kind: string; namespaced: boolean }>;
}

/** The resource (plural) of a kind, as discovery of its group version names it. */
async function resourceOf(
  connection: ClusterConnection,
  apiVersion: string,
  kind: string,
): Promise<{ name: string; namespaced: boolean }> {
  const list = await kubeClient(connection).call<ResourceList>(groupVersionPath(apiVersion));
  const found = list.resources.find((r) => r.kind === kind && !r.name.includes('/'));
  if (!found) throw new Error(`the server doesn't have a resource type for kind ${kind} in ${apiVersion}`);
  return found;
}

/** What applyObject did, and the object as the server stored it (what `kubectl apply -o yaml` prints). */
export interface Applied {
  outcome: ApplyOutcome;
  object: KubeObject;
}

export async function applyObject(connection: ClusterConnection, object: Spec): Promise<Applied> {
  const api = kubeClient(connection);
  const apiVersion = object.apiVersion ?? '';
  const resource = await resourceOf(connection, apiVersion, object.kind ?? '');
  const namespace = resource.namespaced ? (object.metadata?.namespace ?? connection.namespace) : undefined;
  const name = object.metadata?.name ?? '';
  const path = resourcePath(apiVersion, resource.name, namespace, name);
  return retryOnConflict(async () => {
    let existing: Spec;
    try {
      existing = await api.call<Spec>(path);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      return {
        outcome: 'created',
        object: await api.call<KubeObject>(resourcePath(apiVersion, resource.name, namespace), {
          method: 'POST',
          body: object,
        }),
      };
    }
    const merged = {
      ...existing,
      ...userFields(object),
      metadata: { ...existing.metadata, labels: { ...existing.metadata?.labels, ...object.metadata?.labels } },
    };
    if (jsonEqual(userFields(merged), userFields(existing)) && jsonEqual(merged.metadata, existing.metadata)) {
      return { outcome: 'unchanged', object: existing as KubeObject };
    }
    const replaced = await api.call<KubeObject>(path, { method: 'PUT', body: merged });
    // Our manifest omits what the server defaults (a CRD's conversion, for one), so the
    // comparison above cannot tell; the server can: a replace that changes nothing is not
    // stored and keeps the resourceVersion.
    const notWritten = replaced.metadata?.resourceVersion === existing.metadata?.resourceVersion;
    return { outcome: notWritten ? 'unchanged' : 'configured', object: replaced };
  });
}

interface CustomResourceDefinitionStatus {
  status?: { conditions?: Array<{ type: string; status: string }> };
}

/** Waits until the API server serves a CRD (condition Established), or fails after `timeoutMs`. */
export async function waitForCrdEstablished(
  connection: ClusterConnection,
  name: string,
  timeoutMs = 30_000,
): Promise<void> {
  const api = kubeClient(connection);
  const path = resourcePath('apiextensions.k8s.io/v1', 'customresourcedefinitions', undefined, name);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const crd = await api.call<CustomResourceDefinitionStatus>(path);
    if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return;
    if (Date.now() > deadline)
      throw new Error(`the CustomResourceDefinition ${name} was not established within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Deletes an object named by a manifest (what `uninstall` needs); dependents go in the background,
 * as `kubectl delete` does. `absent` when there was nothing to delete.
 */
export async function deleteObject(connection: ClusterConnection, object: Spec): Promise<'deleted' | 'absent'> {
  const apiVersion = object.apiVersion ?? '';
  let resource: { name: string; namespaced: boolean };
  try {
    resource = await resourceOf(connection, apiVersion, object.kind ?? '');
  } catch (e) {
    // A kind the server does not serve (its CRD is gone) has no objects left.
    if (isNotFound(e) || (e as Error).message.startsWith("the server doesn't have a resource type")) return 'absent';
    throw e;
  }
  const namespace = resource.namespaced ? (object.metadata?.namespace ?? connection.namespace) : undefined;
  const path = resourcePath(apiVersion, resource.name, namespace, object.metadata?.name ?? '');
  try {
    await kubeClient(connection).call(path, {
      method: 'DELETE',
      body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' },
    });
    return 'deleted';
  } catch (e) {
    if (isNotFound(e)) return 'absent';
    throw e;
  }
}
