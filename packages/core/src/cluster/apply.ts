// Create-or-replace for arbitrary objects (what `install` needs), reporting what happened in
// kubectl's words.
import { ApiextensionsV1Api, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { jsonEqual } from '../imagestream/index.js';
import { isConflict, isNotFound, toKubeError } from './errors.js';
import type { ClusterConnection } from './kubeconfig.js';

export type ApplyOutcome = 'created' | 'configured' | 'unchanged';

type Spec = KubernetesObject & Record<string, unknown>;

/** Fields the server adds that say nothing about what we asked for. */
function userFields(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([k]) => k !== 'metadata' && k !== 'status'));
}

/** What applyObject did, and the object as the server stored it (what `kubectl apply -o yaml` prints). */
export interface Applied {
  outcome: ApplyOutcome;
  object: KubernetesObject;
}

export async function applyObject(connection: ClusterConnection, object: Spec): Promise<Applied> {
  const api = KubernetesObjectApi.makeApiClient(connection.kubeConfig);
  const key = { apiVersion: object.apiVersion!, kind: object.kind!, metadata: { name: object.metadata!.name!, namespace: object.metadata?.namespace } };
  for (let attempt = 0; ; attempt++) {
    try {
      let existing: Spec;
      try {
        existing = await api.read(key as never) as Spec;
      } catch (e) {
        if (!isNotFound(toKubeError(e, connection.server))) throw e;
        return { outcome: 'created', object: await api.create(object) };
      }
      const merged = { ...existing, ...userFields(object), metadata: { ...existing.metadata, labels: { ...existing.metadata?.labels, ...object.metadata?.labels } } };
      if (jsonEqual(userFields(merged), userFields(existing)) && jsonEqual(merged.metadata, existing.metadata)) return { outcome: 'unchanged', object: existing };
      const replaced = await api.replace(merged as Spec);
      // Our manifest omits what the server defaults (a CRD's conversion, for one), so the
      // comparison above cannot tell; the server can: a replace that changes nothing is not
      // stored and keeps the resourceVersion.
      const notWritten = replaced.metadata?.resourceVersion === existing.metadata?.resourceVersion;
      return { outcome: notWritten ? 'unchanged' : 'configured', object: replaced };
    } catch (e) {
      const error = toKubeError(e, connection.server);
      if (isConflict(error) && attempt < 5) continue;
      throw error;
    }
  }
}

/** Waits until the API server serves a CRD (condition Established), or fails after `timeoutMs`. */
export async function waitForCrdEstablished(connection: ClusterConnection, name: string, timeoutMs = 30_000): Promise<void> {
  const api = connection.kubeConfig.makeApiClient(ApiextensionsV1Api);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const crd = await api.readCustomResourceDefinition({ name }).catch((e: unknown) => { throw toKubeError(e, connection.server); });
    if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return;
    if (Date.now() > deadline) throw new Error(`the CustomResourceDefinition ${name} was not established within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
