// What the trigger controller keeps of each watched workload: the informer transform that lets
// one replica hold 20,000 Deployments. It reads the triggers annotation, the one it writes
// beside the images, and the names and images of the pod template's containers; nothing else
// (managedFields, status, the rest of the spec, kubectl's last-applied copy) is kept. Writes are
// JSON patches of exactly what changed (trigger-reconciler), so nothing trimmed here is lost.
import type { KubeObject, KubeObjectMeta } from '../cluster/index.js';
import { TRIGGER_ANNOTATION } from '../triggers/index.js';
import { triggeredImagesAnnotation } from './reactor.js';
import type { WorkloadKind } from './workload-kinds.js';

const keptAnnotations = [TRIGGER_ANNOTATION, triggeredImagesAnnotation];

// Built by assignment, not spreads of optional parts: this runs for every listed or watched
// workload and every write's answer, and the spreads' throwaway objects were half of its cost.

function containersOf(list: unknown): Array<Record<string, unknown>> | undefined {
  if (!Array.isArray(list)) return undefined;
  // Every item stays, in order, so an index fieldPath (containers[0]) still finds its container.
  return list.map((c: unknown) => {
    const container = (c ?? {}) as Record<string, unknown>;
    const kept: Record<string, unknown> = {};
    if (container.name !== undefined) kept.name = container.name;
    if (container.image !== undefined) kept.image = container.image;
    return kept;
  });
}

/** The pod template path of the kind from `depth` on, holding only the container lists. */
function trimmedPodPath(
  node: Record<string, unknown>,
  path: readonly string[],
  depth: number,
): Record<string, unknown> {
  const trimmed: Record<string, unknown> = {};
  const key = path[depth]!;
  const child = node[key];
  if (child === null || typeof child !== 'object') return trimmed;
  if (depth + 1 < path.length) {
    trimmed[key] = trimmedPodPath(child as Record<string, unknown>, path, depth + 1);
    return trimmed;
  }
  const podSpec = child as Record<string, unknown>;
  const lists: Record<string, unknown> = {};
  const containers = containersOf(podSpec.containers);
  if (containers) lists.containers = containers;
  const initContainers = containersOf(podSpec.initContainers);
  if (initContainers) lists.initContainers = initContainers;
  trimmed[key] = lists;
  return trimmed;
}

export function trimWorkload(kind: WorkloadKind, obj: KubeObject): KubeObject {
  const meta = obj.metadata ?? {};
  const annotations = meta.annotations;
  const metadata: KubeObjectMeta = {
    name: meta.name,
    namespace: meta.namespace,
    uid: meta.uid,
    resourceVersion: meta.resourceVersion,
  };
  if (annotations) {
    const kept: Record<string, string> = {};
    for (const name of keptAnnotations) if (annotations[name] !== undefined) kept[name] = annotations[name];
    metadata.annotations = kept;
  }
  // A workload without triggers is only remembered: an edit that adds the annotation arrives whole.
  if (annotations?.[TRIGGER_ANNOTATION] === undefined) return { metadata };
  // What the trigger rules read as it is cached, with the kind (list items lack it) that decides
  // which fieldPaths count: a reconcile reads it without a copy.
  return {
    apiVersion: kind.apiVersion,
    kind: kind.kind,
    metadata,
    ...trimmedPodPath(obj as Record<string, unknown>, kind.podSpecPath, 0),
  };
}
