// What the trigger controller keeps of each watched workload: the informer transform that lets
// one replica hold 20,000 Deployments. It reads the triggers annotation, the one it writes
// beside the images, and the names and images of the pod template's containers; nothing else
// (managedFields, status, the rest of the spec, kubectl's last-applied copy) is kept. Writes are
// JSON patches of exactly what changed (trigger-reconciler), so nothing trimmed here is lost.
import type { KubeObject } from '../cluster/index.js';
import { TRIGGER_ANNOTATION } from '../triggers/index.js';
import { triggeredImagesAnnotation } from './reactor.js';
import type { WorkloadKind } from './workload-kinds.js';

const keptAnnotations = [TRIGGER_ANNOTATION, triggeredImagesAnnotation];

function containersOf(list: unknown): Array<Record<string, unknown>> | undefined {
  if (!Array.isArray(list)) return undefined;
  // Every item stays, in order, so an index fieldPath (containers[0]) still finds its container.
  return list.map((c: unknown) => {
    const container = (c ?? {}) as Record<string, unknown>;
    return {
      ...(container.name !== undefined ? { name: container.name } : {}),
      ...(container.image !== undefined ? { image: container.image } : {}),
    };
  });
}

/** The pod template path of the kind, holding only the container lists. */
function trimmedPodPath(obj: KubeObject, path: readonly string[]): Record<string, unknown> | undefined {
  const [key, ...rest] = path;
  const node = (obj as Record<string, unknown>)[key!];
  if (node === null || typeof node !== 'object') return undefined;
  if (rest.length > 0) {
    const inner = trimmedPodPath(node as KubeObject, rest);
    return inner === undefined ? { [key!]: {} } : { [key!]: inner };
  }
  const podSpec = node as Record<string, unknown>;
  const containers = containersOf(podSpec.containers);
  const initContainers = containersOf(podSpec.initContainers);
  return {
    [key!]: {
      ...(containers ? { containers } : {}),
      ...(initContainers ? { initContainers } : {}),
    },
  };
}

export function trimWorkload(kind: WorkloadKind, obj: KubeObject): KubeObject {
  const meta = obj.metadata ?? {};
  const annotations = meta.annotations;
  const metadata = {
    name: meta.name,
    namespace: meta.namespace,
    uid: meta.uid,
    resourceVersion: meta.resourceVersion,
    ...(annotations
      ? {
          annotations: Object.fromEntries(
            keptAnnotations.filter((a) => annotations[a] !== undefined).map((a) => [a, annotations[a]!]),
          ),
        }
      : {}),
  };
  // A workload without triggers is only remembered: an edit that adds the annotation arrives whole.
  if (annotations?.[TRIGGER_ANNOTATION] === undefined) return { metadata };
  // What the trigger rules read as it is cached, with the kind (list items lack it) that decides
  // which fieldPaths count: a reconcile reads it without a copy.
  return { apiVersion: kind.apiVersion, kind: kind.kind, metadata, ...trimmedPodPath(obj, kind.podSpecPath) };
}
