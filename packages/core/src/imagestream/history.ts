// Status history of a stream, as OpenShift keeps it (library-go imageutil / apiserver helpers):
// one list of tag events per tag, newest first, the first item being what the tag points to now.
import type { ImageStream, NamedTagEventList, TagEvent, TagEventCondition, TagReference } from './types.js';

export function specTag(stream: ImageStream, tag: string): TagReference | undefined {
  return stream.spec.tags?.find((t) => t.name === tag);
}

export function statusTag(stream: ImageStream, tag: string): NamedTagEventList | undefined {
  return stream.status?.tags?.find((t) => t.tag === tag);
}

/** The event a tag points to now, if it ever pointed anywhere. */
export function latestTagEvent(stream: ImageStream, tag: string): TagEvent | undefined {
  return statusTag(stream, tag)?.items?.[0];
}

/** Inserts or replaces by name; new names go in sorted order, as OpenShift's map-to-list conversion writes them. */
function upsertByName<T>(list: T[], key: (t: T) => string, value: T): T[] {
  const name = key(value);
  const index = list.findIndex((t) => key(t) === name);
  if (index >= 0) return list.map((t, i) => (i === index ? value : t));
  return [...list, value].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export function putSpecTag(stream: ImageStream, ref: TagReference): void {
  stream.spec.tags = upsertByName(stream.spec.tags ?? [], (t) => t.name, ref);
}

export function removeSpecTag(stream: ImageStream, tag: string): boolean {
  const before = stream.spec.tags ?? [];
  stream.spec.tags = before.filter((t) => t.name !== tag);
  return stream.spec.tags.length !== before.length;
}

export function putStatusTag(stream: ImageStream, list: NamedTagEventList): void {
  const status = (stream.status ??= { dockerImageRepository: '' });
  status.tags = upsertByName(status.tags ?? [], (t) => t.tag, list);
}

/**
 * OpenShift's AddTagEventToImageStream: a new image is prepended; the same reference and image with
 * the same generation changes nothing; the same reference or the same image (but not both) is
 * collapsed into the current item (only the differing field and the generation are updated); any
 * change clears the tag's conditions. Returns whether the stream changed.
 */
export function addTagEvent(stream: ImageStream, tag: string, next: TagEvent): boolean {
  const current = statusTag(stream, tag);
  const items = current?.items ?? [];
  const previous = items[0];
  if (previous === undefined) {
    putStatusTag(stream, { tag, items: [next] });
    return true;
  }
  const sameRef = previous.dockerImageReference === next.dockerImageReference;
  const sameImage = previous.image === next.image;
  if (sameRef && sameImage && previous.generation === next.generation) return false;
  let newItems: TagEvent[];
  if (sameRef && sameImage) newItems = [{ ...previous, generation: next.generation }, ...items.slice(1)];
  else if (sameRef) newItems = [{ ...previous, image: next.image, generation: next.generation }, ...items.slice(1)];
  else if (sameImage) {
    newItems = [
      { ...previous, dockerImageReference: next.dockerImageReference, generation: next.generation },
      ...items.slice(1),
    ];
  } else newItems = [next, ...items];
  putStatusTag(stream, { tag, items: newItems });
  return true;
}

/** Replaces a tag's conditions (none clears them), keeping its history. */
export function setTagConditions(stream: ImageStream, tag: string, conditions: TagEventCondition[]): void {
  const current = statusTag(stream, tag);
  const list: NamedTagEventList = { tag, items: current?.items ?? null };
  if (conditions.length > 0) list.conditions = conditions;
  putStatusTag(stream, list);
}

/**
 * The newest generation the importer has answered for a tag: the current item's or a failed
 * import's, whichever is newer. A spec tag generation above it means an import is pending.
 */
export function latestObservedGeneration(stream: ImageStream, tag: string): number {
  const list = statusTag(stream, tag);
  if (list === undefined) return 0;
  let observed = list.items?.[0]?.generation ?? 0;
  const condition = list.conditions?.find((c) => c.type === 'ImportSuccess');
  if (condition !== undefined && condition.generation > observed) observed = condition.generation;
  return observed;
}
