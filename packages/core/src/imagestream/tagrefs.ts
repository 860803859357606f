// Tags that point at other tags. Within one stream a spec tag `from: {kind: ImageStreamTag, name: "8"}`
// is an alias: it follows its target whenever the target gets a new image (OpenShift's tracking
// tags). Across streams a tag is a one-shot copy of the source's current image.
import { addTagEvent, latestTagEvent, specTag } from './history.js';
import type { ImageStream, TagEvent, TagReference } from './types.js';

export type TagReferenceProblem = 'circular' | 'not-found' | 'cross-stream' | 'invalid';

export interface FollowedTag {
  /** The last tag reached: the one that holds the image. */
  finalTag: string;
  /** Its spec, unless the walk failed. */
  ref?: TagReference;
  /** Whether at least one alias was followed. */
  multiple: boolean;
  problem?: TagReferenceProblem;
  /** Every tag visited, in order (for messages). */
  path: string[];
}

/**
 * The tag a same-stream ImageStreamTag reference names, or undefined when the reference leaves the
 * stream. Both `tag` and `stream:tag` spell a same-stream reference, as in OpenShift.
 */
export function sameStreamTarget(stream: ImageStream, ref: TagReference): string | undefined | 'invalid' {
  const from = ref.from;
  if (from === undefined || from.kind !== 'ImageStreamTag') return undefined;
  if (from.namespace && from.namespace !== (stream.metadata.namespace ?? '')) return undefined;
  if (!from.name.includes(':')) return from.name;
  const parts = from.name.split(':');
  if (parts.length !== 2 || !parts[1]) return 'invalid';
  return parts[0] === stream.metadata.name ? parts[1] : undefined;
}

/** OpenShift's FollowTagReference: walks aliases within the stream to the tag that holds an image. */
export function followTagReference(stream: ImageStream, start: string): FollowedTag {
  const path: string[] = [];
  let tag = start;
  let multiple = false;
  for (;;) {
    if (path.includes(tag)) return { finalTag: tag, multiple, problem: 'circular', path: [...path, tag] };
    path.push(tag);
    const ref = specTag(stream, tag);
    if (ref === undefined) return { finalTag: tag, multiple, problem: 'not-found', path };
    if (ref.from === undefined || ref.from.kind !== 'ImageStreamTag') return { finalTag: tag, ref, multiple, path };
    const target = sameStreamTarget(stream, ref);
    if (target === 'invalid') return { finalTag: tag, multiple, problem: 'invalid', path };
    if (target === undefined) return { finalTag: tag, multiple, problem: 'cross-stream', path };
    tag = target;
    multiple = true;
  }
}

/** Spec tags of the stream that alias `tag`. */
export function tagsTracking(stream: ImageStream, tag: string): string[] {
  return (stream.spec.tags ?? []).filter((t) => sameStreamTarget(stream, t) === tag).map((t) => t.name);
}

/**
 * OpenShift's UpdateTrackingTags, applied until nothing changes so that chains of aliases settle in
 * one write (OpenShift reaches the same state over successive updates). Returns the number of
 * tags changed.
 */
export function updateTrackingTags(stream: ImageStream, updatedTag: string, event: TagEvent): number {
  let changed = 0;
  const queue: Array<[string, TagEvent]> = [[updatedTag, event]];
  const seen = new Set<string>([updatedTag]);
  while (queue.length > 0) {
    const [tag, image] = queue.shift()!;
    for (const alias of tagsTracking(stream, tag)) {
      if (seen.has(alias)) continue;
      seen.add(alias);
      if (addTagEvent(stream, alias, image)) {
        changed++;
        queue.push([alias, latestTagEvent(stream, alias)!]);
      }
    }
  }
  return changed;
}

/** Runs updateTrackingTags for every tag whose current image differs from `old`'s. */
export function updateChangedTrackingTags(next: ImageStream, old: ImageStream | undefined): number {
  let changed = 0;
  for (const list of next.status?.tags ?? []) {
    const current = list.items?.[0];
    if (current === undefined) continue;
    const before = old === undefined ? undefined : latestTagEvent(old, list.tag);
    if (before !== undefined && sameEvent(before, current)) continue;
    changed += updateTrackingTags(next, list.tag, current);
  }
  return changed;
}

function sameEvent(a: TagEvent, b: TagEvent): boolean {
  return (
    a.created === b.created &&
    a.dockerImageReference === b.dockerImageReference &&
    a.image === b.image &&
    a.generation === b.generation
  );
}

export class TagCycleError extends Error {
  constructor(
    readonly stream: string,
    readonly path: string[],
  ) {
    super(
      `tag "${path[0]}" on image stream "${stream}" would form a reference cycle: ${path.join(' -> ')}; point one of these tags at an image or another stream instead`,
    );
    this.name = 'TagCycleError';
  }
}

/** Throws TagCycleError when aliases starting at `tag` loop back on themselves. */
export function assertNoCycle(stream: ImageStream, tag: string): void {
  const followed = followTagReference(stream, tag);
  if (followed.problem === 'circular') throw new TagCycleError(stream.metadata.name, followed.path);
}
