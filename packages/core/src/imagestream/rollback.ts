// Rollback as a stream operation (DESIGN 4). A pinned tag is written the way `oc tag
// STREAM@sha256:... STREAM:TAG` pins on OpenShift: the spec tag's `from` becomes the
// ImageStreamImage `STREAM@DIGEST`, which OpenShift resolves to that image and which no importer
// imports. The source it tracked before is kept in an annotation of that spec tag, so `--resume`
// can restore it; OpenShift carries the annotation along untouched.
import { putSpecTag, specTag, statusTag } from './history.js';
import { applySpecChange } from './record.js';
import type { ImageStream, ObjectReference, TagEvent } from './types.js';

/** On a spec tag: JSON of the `from` it tracked before a rollback pinned it. */
export const pinnedFromAnnotation = 'istream.io/pinned-from';

export class RollbackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RollbackError';
  }
}

export interface TagRevision {
  /** 1 is the oldest item of the tag's history; the current item has the highest number. */
  revision: number;
  event: TagEvent;
  current: boolean;
}

/** The tag's history as numbered revisions, newest first (what `rollback` chooses from). */
export function tagRevisions(stream: ImageStream, tag: string): TagRevision[] {
  const items = statusTag(stream, tag)?.items ?? [];
  return items.map((event, i) => ({ revision: items.length - i, event, current: i === 0 }));
}

export type RollbackTarget = { revision: number } | { image: string } | { previous: true };

function chooseRevision(stream: ImageStream, tag: string, target: RollbackTarget): TagRevision {
  const name = `${stream.metadata.name}:${tag}`;
  const revisions = tagRevisions(stream, tag);
  const current = revisions[0];
  if (!current)
    throw new RollbackError(
      `${name} has no images yet: import it first (kubectl istream import-image ${stream.metadata.name})`,
    );
  if ('revision' in target) {
    const found = revisions.find((r) => r.revision === target.revision);
    if (!found)
      throw new RollbackError(`${name} has no revision ${target.revision}: it has revisions 1 to ${revisions.length}`);
    return found;
  }
  if ('image' in target) {
    const id = target.image.replace(/^sha256:/, '');
    const matches = revisions.filter((r) => r.event.image.replace(/^sha256:/, '').startsWith(id));
    const images = new Set(matches.map((m) => m.event.image));
    if (images.size === 0)
      throw new RollbackError(
        `${name} never pointed to image ${target.image}: see its history with kubectl istream describe is ${stream.metadata.name}`,
      );
    if (images.size > 1) throw new RollbackError(`image ${target.image} is ambiguous in ${name}: give more digits`);
    return matches[0]!;
  }
  const previous = revisions.find((r) => r.event.image !== current.event.image);
  if (!previous) throw new RollbackError(`${name} has no earlier image to roll back to`);
  return previous;
}

export interface RollbackResult {
  stream: ImageStream;
  /** The history item that was chosen (its revision as numbered before the rollback). */
  chosen: TagRevision;
  /** The item the tag points to now: the chosen image again, as the newest revision. */
  pinned: TagRevision;
  /** Whether the stream changed (false: already pinned to that image). */
  changed: boolean;
}

/**
 * Pins `tag` to an earlier image of its history. The history is kept and the image becomes the
 * current item again, so every trigger that follows the tag rolls back.
 */
export function pinTag(stream: ImageStream, tag: string, target: RollbackTarget, now: Date): RollbackResult {
  const ref = specTag(stream, tag);
  if (!ref) throw new RollbackError(`${stream.metadata.name} has no tag ${tag} in its spec`);
  const chosen = chooseRevision(stream, tag, target);
  const next = structuredClone(stream);
  const annotations = { ...(ref.annotations ?? {}) };
  const alreadyPinned = annotations[pinnedFromAnnotation] !== undefined;
  if (!alreadyPinned) {
    if (!ref.from) throw new RollbackError(`${stream.metadata.name}:${tag} has no source to return to later`);
    annotations[pinnedFromAnnotation] = JSON.stringify(ref.from);
  }
  putSpecTag(next, {
    ...ref,
    annotations,
    from: { kind: 'ImageStreamImage', name: `${stream.metadata.name}@${chosen.event.image}` },
    generation: 0,
  });
  const change = applySpecChange(stream, next, now, false);
  const current = tagRevisions(change.stream, tag)[0]!;
  return { stream: change.stream, chosen, pinned: current, changed: change.changed };
}

/** Returns a pinned tag to the source it tracked before; its next import moves it again. */
export function resumeTag(
  stream: ImageStream,
  tag: string,
  now: Date,
): { stream: ImageStream; source: ObjectReference } {
  const ref = specTag(stream, tag);
  const saved = ref?.annotations?.[pinnedFromAnnotation];
  if (!ref || saved === undefined)
    throw new RollbackError(`${stream.metadata.name}:${tag} is not pinned by a rollback`);
  let source: ObjectReference;
  try {
    source = JSON.parse(saved) as ObjectReference;
  } catch {
    throw new RollbackError(
      `${stream.metadata.name}:${tag}: annotation ${pinnedFromAnnotation} is not valid JSON; set the tag's source with kubectl istream tag`,
    );
  }
  const annotations = { ...(ref.annotations ?? {}) };
  delete annotations[pinnedFromAnnotation];
  const next = structuredClone(stream);
  putSpecTag(next, {
    ...ref,
    annotations: Object.keys(annotations).length ? annotations : null,
    from: source,
    generation: 0,
  });
  return { stream: applySpecChange(stream, next, now, false).stream, source };
}

/** The image digest a tag is pinned to, or undefined when it tracks its source. */
export function pinnedImage(stream: ImageStream, tag: string): string | undefined {
  const ref = specTag(stream, tag);
  if (ref?.from?.kind !== 'ImageStreamImage' || ref.annotations?.[pinnedFromAnnotation] === undefined) return undefined;
  return ref.from.name.split('@')[1];
}
