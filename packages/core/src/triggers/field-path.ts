import { triggerableKind, type TriggerableKind } from '../workloads/index.js';
import type { ContainerRef, ContainerSelector, WorkloadObject } from './types.js';

/** Where the kind keeps its pod spec, dotted as OpenShift writes it: `spec.template.spec`. */
export function podSpecPath(kind: TriggerableKind): string {
  return triggerableKind(kind)!.podSpecFieldPath;
}

/**
 * The fieldPath `oc set triggers` writes for a container: always the `containers[...]` form, which
 * also finds an init container of that name. The name goes in unescaped, as oc does.
 */
export function containerFieldPath(kind: TriggerableKind, containerName: string): string {
  return `${podSpecPath(kind)}.containers[?(@.name=="${containerName}")].image`;
}

export type FieldPathReading =
  | {
      ok: true;
      selector: ContainerSelector;
      /**
       * Set when OpenShift takes the name from a selector that only starts with `?(@.name=="` or
       * only ends with `")`: it is applied, but other tools read it differently. Says what to write.
       */
      loose?: string;
    }
  | { ok: false; reason: 'outside-template' | 'invalid'; detail: string };

const NAME_PREFIX = '?(@.name=="';
const NAME_SUFFIX = '")';

/**
 * The container name of a name selector as library-go takes it: the prefix cut off if present,
 * then the suffix cut off if present; not a name selector when neither was there.
 */
function selectorName(text: string): string | undefined {
  const afterPrefix = text.startsWith(NAME_PREFIX) ? text.slice(NAME_PREFIX.length) : text;
  const name = afterPrefix.endsWith(NAME_SUFFIX) ? afterPrefix.slice(0, -NAME_SUFFIX.length) : afterPrefix;
  return name === text ? undefined : name;
}

/**
 * Reads a fieldPath with the fixed grammar of library-go's trigger code, not as general JSONPath:
 * `<pod spec path>.` then `containers[` or `initContainers[`, then an integer or a name selector,
 * then `]`, an optional `.`, and `image`.
 */
export function parseFieldPath(kind: TriggerableKind, fieldPath: string): FieldPathReading {
  const base = `${podSpecPath(kind)}.`;
  if (!fieldPath.startsWith(base)) {
    return { ok: false, reason: 'outside-template', detail: `it does not start with "${base}"` };
  }
  const rest = fieldPath.slice(base.length);
  const init = rest.startsWith('initContainers[');
  if (!init && !rest.startsWith('containers[')) {
    return { ok: false, reason: 'invalid', detail: `"${base}" must be followed by "containers[" or "initContainers["` };
  }
  const open = rest.indexOf('[') + 1;
  const close = rest.indexOf(']', open);
  if (close === -1) return { ok: false, reason: 'invalid', detail: 'the "[" is never closed by "]"' };
  const selectorText = rest.slice(open, close);
  let remainder = rest.slice(close + 1);
  if (remainder.startsWith('.')) remainder = remainder.slice(1);
  if (remainder !== 'image') {
    return { ok: false, reason: 'invalid', detail: `it must end in "].image", not "]${rest.slice(close + 1)}"` };
  }
  // strconv.Atoi: an optional sign and decimal digits.
  if (/^[+-]?[0-9]+$/.test(selectorText))
    return { ok: true, selector: { by: 'index', index: Number(selectorText), init } };
  const name = selectorName(selectorText);
  if (name !== undefined) {
    const exact = `${NAME_PREFIX}${name}${NAME_SUFFIX}`;
    const selector: ContainerSelector = { by: 'name', name, init };
    return exact === selectorText ? { ok: true, selector } : { ok: true, selector, loose: `[${exact}]` };
  }
  return {
    ok: false,
    reason: 'invalid',
    detail: `the selector "[${selectorText}]" must be an index or start with ?(@.name==" or end with ") as in [?(@.name=="NAME")] (double quotes, no spaces)`,
  };
}

interface ContainerLike {
  name?: unknown;
  image?: unknown;
}

/** The pod spec of a workload of a triggerable kind, or undefined when it has none yet. */
export function podSpecOf(object: WorkloadObject, kind: TriggerableKind): Record<string, unknown> | undefined {
  let node: unknown = object;
  for (const key of triggerableKind(kind)!.podSpecPath) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node !== null && typeof node === 'object' ? (node as Record<string, unknown>) : undefined;
}

function containerList(podSpec: Record<string, unknown> | undefined, init: boolean): ContainerLike[] {
  const list = podSpec?.[init ? 'initContainers' : 'containers'];
  return Array.isArray(list) ? (list as ContainerLike[]) : [];
}

/** Every container of the pod spec, init containers first (the order OpenShift searches names in). */
export function listContainers(podSpec: Record<string, unknown> | undefined): ContainerRef[] {
  return [true, false].flatMap((init) =>
    containerList(podSpec, init).map((c, index) => ({ name: typeof c.name === 'string' ? c.name : '', init, index })),
  );
}

/** The container a selector picks, as OpenShift finds it: names search init containers first. */
export function findContainer(
  podSpec: Record<string, unknown> | undefined,
  selector: ContainerSelector,
): ContainerRef | undefined {
  if (selector.by === 'index') {
    const list = containerList(podSpec, selector.init);
    return selector.index >= 0 && selector.index < list.length
      ? { name: String(list[selector.index]?.name ?? ''), init: selector.init, index: selector.index }
      : undefined;
  }
  return listContainers(podSpec).find((c) => c.name === selector.name);
}

/**
 * `object` with the image of container `ref` set to `image`: new objects along the path to that
 * container, everything else shared with `object` (which is left as it was). A deep copy of the
 * whole workload cost more than the rest of a roll's plan. `ref` must name a container the pod
 * spec has (`containerAt` finds it).
 */
export function withContainerImage<T extends WorkloadObject>(
  object: T,
  kind: TriggerableKind,
  ref: ContainerRef,
  image: string,
): T {
  const path = triggerableKind(kind)!.podSpecPath;
  const listKey = ref.init ? 'initContainers' : 'containers';
  const along = (node: Record<string, unknown>, depth: number): Record<string, unknown> => {
    if (depth === path.length) {
      const list = [...containerList(node, ref.init)];
      list[ref.index] = { ...list[ref.index], image };
      return { ...node, [listKey]: list };
    }
    const key = path[depth]!;
    return { ...node, [key]: along(node[key] as Record<string, unknown>, depth + 1) };
  };
  return along(object as Record<string, unknown>, 0) as T;
}

/** The image field of a container, read or written in place. */
export function containerAt(
  podSpec: Record<string, unknown> | undefined,
  ref: ContainerRef,
): ContainerLike | undefined {
  return containerList(podSpec, ref.init)[ref.index];
}
