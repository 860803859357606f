import { isTriggerableKind } from '../workloads/index.js';
import { podSpecOf } from './field-path.js';
import { readTriggers } from './read.js';
import type { TriggerReading, WorkloadObject } from './types.js';

/**
 * How many readings are kept. The controller reads one workload's annotation several times per
 * roll within milliseconds (the error report, the plan, the apply), and workloads stamped from one
 * template share one reading; a few hundred covers that working set with 16 workers, at about a
 * kilobyte each.
 */
const CAPACITY = 512;

const remembered = new Map<string, TriggerReading>();

/**
 * The last reading of each annotations object, for as long as that object lives. A cached workload
 * and the copies a reconcile makes of it share their annotations and container lists, so the
 * reads of one reconcile after the first cost a lookup, not a key. Identity stands for content:
 * cached objects are replaced, never changed in place.
 */
const lastReadings = new WeakMap<
  object,
  { value: string; kind: string | undefined; containers: unknown; initContainers: unknown; reading: TriggerReading }
>();

/**
 * What a reading depends on besides the annotation: the kind (which fieldPaths count) and the
 * container and init container names of the pod template (which containers exist, and where). The
 * raw names, so that names of other types, which name and index selectors read differently, stay apart.
 */
function readingKey(value: string, kind: string | undefined, podSpec: Record<string, unknown> | undefined): string {
  const names = (list: unknown) =>
    Array.isArray(list) ? list.map((c: unknown) => (c as { name?: unknown } | null)?.name ?? null) : null;
  return JSON.stringify([kind ?? null, value, names(podSpec?.initContainers), names(podSpec?.containers)]);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * `readTriggers(value, object)`, remembered: one roll of a workload reads its annotation three
 * times, at several microseconds a parse, where a hit costs the key alone, or a lookup. The reading
 * is shared and frozen, so a caller that changed it would fail at once instead of corrupting the
 * next one's.
 */
export function readTriggersOf(value: string, object: WorkloadObject): TriggerReading {
  const kind = object.kind;
  const podSpec = isTriggerableKind(kind) ? podSpecOf(object, kind) : undefined;
  const annotations = object.metadata?.annotations ?? undefined;
  const last = annotations === undefined ? undefined : lastReadings.get(annotations);
  if (
    last !== undefined &&
    last.value === value &&
    last.kind === kind &&
    last.containers === podSpec?.containers &&
    last.initContainers === podSpec?.initContainers
  )
    return last.reading;
  const key = readingKey(value, kind, podSpec);
  let reading = remembered.get(key);
  if (reading !== undefined) {
    // Least recently used goes first: a hit moves to the end of the Map's order.
    remembered.delete(key);
    remembered.set(key, reading);
  } else {
    reading = deepFreeze(readTriggers(value, object));
    remembered.set(key, reading);
    if (remembered.size > CAPACITY) remembered.delete(remembered.keys().next().value!);
  }
  if (annotations !== undefined)
    lastReadings.set(annotations, {
      value,
      kind,
      containers: podSpec?.containers,
      initContainers: podSpec?.initContainers,
      reading,
    });
  return reading;
}
