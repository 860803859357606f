import { isTriggerableKind } from '../workloads/index.js';
import { containerAt, podSpecOf, withContainerImage } from './field-path.js';
import { readTriggersOf } from './reading-memo.js';
import { TRIGGER_ANNOTATION, type ContainerRef, type TriggerSource, type WorkloadObject } from './types.js';

/** The image a stream tag resolves to now (resolveStreamTag of the stream); undefined: none yet. */
export type TagResolver = (namespace: string, stream: string, tag: string) => string | undefined;

export interface ImageChange {
  /** Index of the trigger in the annotation. */
  trigger: number;
  source: { namespace: string; stream: string; tag: string };
  container: ContainerRef;
  oldImage: string;
  newImage: string;
}

export type ApplyResult<T> =
  /**
   * `object` is a new object when `changes` is non-empty (sharing what did not change with the
   * input: replace its parts, do not change them in place), else the input itself.
   */
  | { ok: true; object: T; changes: ImageChange[] }
  /** OpenShift would fail this update and change nothing; `reason` says why. */
  | { ok: false; reason: string };

/**
 * What OpenShift's trigger controller does to a workload (library-go UpdateObjectFromImages):
 * every unpaused trigger whose tag resolves sets its container's image; all changes land in one
 * copy of the object; a resolving trigger whose fieldPath cannot be followed fails the whole update.
 */
export function applyTriggers<T extends WorkloadObject>(object: T, resolve: TagResolver): ApplyResult<T> {
  const value = object.metadata?.annotations?.[TRIGGER_ANNOTATION];
  if (value === undefined || !isTriggerableKind(object.kind)) return { ok: true, object, changes: [] };
  const reading = readTriggersOf(value, object);
  if (!reading.accepted) {
    const first = reading.problems.find((p) => p.severity === 'error');
    return { ok: false, reason: `${TRIGGER_ANNOTATION} is ignored: ${first?.message ?? 'it cannot be read'}` };
  }
  const objectNamespace = object.metadata?.namespace ?? '';
  const sourceOf = (t: TriggerSource) => ({ namespace: t.namespace ?? objectNamespace, stream: t.stream, tag: t.tag });
  const resolveSource = (t: TriggerSource) => {
    const s = sourceOf(t);
    return resolve(s.namespace, s.stream, s.tag);
  };

  const broken = reading.blocking.find((t) => resolveSource(t) !== undefined);
  if (broken) {
    const problem = reading.problems.find(
      (p) => p.path[0] === broken.index && p.path[1] !== undefined && /fieldpath/i.test(String(p.path[1])),
    );
    return { ok: false, reason: `trigger ${broken.index}: ${problem?.message ?? 'its fieldPath cannot be followed'}` };
  }

  const changes: ImageChange[] = [];
  let copy: T | undefined;
  for (const t of reading.triggers) {
    if (t.paused || t.container === undefined) continue;
    const image = resolveSource(t);
    if (image === undefined) continue;
    // Triggers apply in order, so a later one on the same container sees the earlier one's write.
    const current = containerAt(podSpecOf(copy ?? object, object.kind), t.container);
    const oldImage = typeof current?.image === 'string' ? current.image : '';
    if (oldImage === image) continue;
    // Even without a container to write, a recorded change comes with a new object: callers
    // replace its metadata, which must not reach the (cached) input.
    copy = current ? withContainerImage(copy ?? object, object.kind, t.container, image) : (copy ?? { ...object });
    changes.push({ trigger: t.index, source: sourceOf(t), container: t.container, oldImage, newImage: image });
  }
  return { ok: true, object: copy ?? object, changes };
}
