// The triggers of one workload as `oc set triggers` models them (a config trigger and image
// triggers per container), changed as its flags ask and written back as its annotation.
import {
  TRIGGER_ANNOTATION,
  containerFieldPath,
  formatTriggers,
  listContainers,
  podSpecOf,
  readTriggers,
  type WorkloadObject,
} from '@istream/core/triggers';
import { CliError } from './errors.js';
import type { Edit } from './trigger-edit.js';
import type { WorkloadType } from './workloads.js';

export interface ImageFlag {
  name: string;
  namespace: string;
}

/** What the flags ask to change (the inputs of oc's updateTriggers). */
export interface EditPlan {
  removeAll: boolean;
  remove: boolean;
  /** --auto or --manual alone: every trigger, and the config trigger, set to `auto`. */
  reset: boolean;
  auto: boolean;
  fromConfig: boolean;
  image?: ImageFlag;
  names?: string[];
}

interface ImageTrigger {
  name: string;
  namespace: string;
  auto: boolean;
  containers: string[];
}
export interface Definition {
  configChange: boolean;
  images: ImageTrigger[];
}

export interface Reading {
  definition: Definition;
  dropped: string[];
}

/** The object's triggers as oc sees them: `config` is the Deployment not being paused. */
export function readDefinition(object: WorkloadObject, type: WorkloadType): Reading | { error: string } {
  const spec = (object.spec ?? {}) as { paused?: unknown };
  const configChange = type.pausable ? spec.paused !== true : true;
  const value = object.metadata?.annotations?.[TRIGGER_ANNOTATION];
  if (value === undefined) return { definition: { configChange, images: [] }, dropped: [] };
  const reading = readTriggers(value, object);
  if (!reading.accepted) {
    const first = reading.problems.find((p) => p.severity === 'error');
    return { error: `the ${TRIGGER_ANNOTATION} annotation cannot be used: ${first?.message ?? 'unreadable'}` };
  }
  const objectNamespace = object.metadata?.namespace ?? '';
  // As oc: every entry that names a container is kept, whatever its from.kind or apiVersion; the
  // write puts back kind ImageStreamTag and no apiVersion, which repairs it.
  const images = reading.listed.map((t) => ({
    name: t.from.name,
    namespace: t.from.namespace === objectNamespace ? '' : t.from.namespace,
    auto: !t.paused,
    containers: [t.container.name],
  }));
  const kept = new Set(reading.listed.map((t) => t.index));
  const dropped = reading.problems
    .filter((p) => p.severity === 'error' && typeof p.path[0] === 'number' && !kept.has(p.path[0]))
    .map((p) => `trigger ${String(p.path[0])}: ${p.message}`);
  return { definition: { configChange, images }, dropped };
}

/**
 * oc's updateTriggers, except that naming a container that another trigger updates gives it this
 * stream instead of failing with "only one trigger may reference each container".
 */
export function updateDefinition(d: Definition, p: EditPlan, object: WorkloadObject, type: WorkloadType): Definition {
  if (p.removeAll) return { configChange: false, images: [] };
  if (p.remove) {
    return {
      configChange: p.fromConfig ? false : d.configChange,
      images: p.image ? d.images.filter((t) => t.name !== p.image?.name) : d.images,
    };
  }
  if (p.reset) return { configChange: p.auto, images: d.images.map((t) => ({ ...t, auto: p.auto })) };
  const next: Definition = { configChange: p.fromConfig ? true : d.configChange, images: d.images };
  const image = p.image;
  if (!image) return next;
  const names = p.names ?? defaultContainers(d, image, object, type);
  const wanted = { name: image.name, namespace: image.namespace, auto: p.auto };
  // As oc: -c gives the stream's first trigger exactly the named containers, where it stands.
  const first = p.names ? next.images.findIndex((t) => t.name === image.name && t.namespace === image.namespace) : -1;
  if (first >= 0) {
    const images = next.images
      .map((t, i) =>
        i === first
          ? { ...wanted, containers: names }
          : { ...t, containers: t.containers.filter((c) => !names.includes(c)) },
      )
      .filter((t) => t.containers.length > 0);
    return { ...next, images };
  }
  const replaced = next.images.map((t) =>
    t.containers.some((c) => names.includes(c))
      ? { ...wanted, containers: t.containers.filter((c) => names.includes(c)) }
      : t,
  );
  const covered = new Set(replaced.flatMap((t) => t.containers));
  const added = names.filter((n) => !covered.has(n));
  return { ...next, images: added.length ? [...replaced, { ...wanted, containers: added }] : replaced };
}

/** Without -c: the containers this stream already triggers, else the only container (as oc's help promises). */
function defaultContainers(d: Definition, image: ImageFlag, object: WorkloadObject, type: WorkloadType): string[] {
  const current = d.images
    .filter((t) => t.name === image.name && t.namespace === image.namespace)
    .flatMap((t) => t.containers);
  if (current.length > 0) return current;
  const containers = listContainers(podSpecOf(object, type.kind)).filter((c) => !c.init);
  if (containers.length === 1 && containers[0]) return [containers[0].name];
  throw new CliError('you must specify --containers when setting --from-image');
}

export type { Edit } from './trigger-edit.js';

/** The annotation (and Deployment spec.paused) that write the definition back, as oc's Apply does. */
export function writeDefinition(d: Definition, object: WorkloadObject, type: WorkloadType): Edit {
  const all = listContainers(podSpecOf(object, type.kind)).map((c) => c.name);
  // Checked trigger by trigger, in oc's order. Two triggers on one container would be two
  // fieldPaths for one image, which OpenShift's controller refuses.
  const triggered = new Set<string>();
  for (const t of d.images) {
    const missing = [...new Set(t.containers.filter((n) => !all.includes(n)))].sort();
    if (missing.length > 0) {
      throw new CliError(
        `not all container names exist: ${missing.join(', ')} (accepts: ${[...new Set(all)].sort().join(', ')})`,
      );
    }
    const again = [...new Set(t.containers.filter((c) => triggered.has(c)))].sort();
    if (again.length > 0) throw new CliError(`only one trigger may reference each container: ${again.join(', ')}`);
    for (const c of t.containers) triggered.add(c);
  }
  const annotation = formatTriggers(
    d.images.flatMap((t) =>
      t.containers.map((c) => ({
        name: t.name,
        namespace: t.namespace,
        fieldPath: containerFieldPath(type.kind, c),
        paused: !t.auto,
      })),
    ),
    object.metadata?.namespace,
  );
  return { annotation, paused: type.pausable ? !d.configChange : undefined };
}

export function changed(object: WorkloadObject, edit: Edit): boolean {
  const paused = (object.spec as { paused?: unknown } | undefined)?.paused === true;
  return (
    object.metadata?.annotations?.[TRIGGER_ANNOTATION] !== edit.annotation ||
    (edit.paused !== undefined && edit.paused !== paused)
  );
}

export function applyEdit<T extends WorkloadObject>(object: T, edit: Edit): T {
  const copy = structuredClone(object);
  copy.metadata = {
    ...copy.metadata,
    annotations: { ...copy.metadata?.annotations, [TRIGGER_ANNOTATION]: edit.annotation },
  };
  if (edit.paused !== undefined) {
    const spec = (copy.spec ?? {}) as { paused?: boolean };
    if (edit.paused) spec.paused = true;
    else delete spec.paused;
    copy.spec = spec;
  }
  return copy;
}
