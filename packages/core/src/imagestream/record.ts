// How a finished import or a spec change turns into the next version of a stream, following
// OpenShift's server side (openshift-apiserver: imagestreamimport REST createImages /
// importSuccessful / setFailureCondition, and the image stream strategy's generation and tag rules).
// Pure: the caller reads the stream, applies one of these, and writes the result; on a write
// conflict it re-reads and applies again, so nobody else's history is overwritten.
import { cloneJson, jsonEqual } from './equal.js';
import { addTagEvent, latestTagEvent, putSpecTag, setTagConditions, specTag, statusTag } from './history.js';
import { sameStreamTarget, updateChangedTrackingTags } from './tagrefs.js';
import { kubeTime } from './time.js';
import {
  REPOSITORY_CHECK_ANNOTATION,
  type ImageStream,
  type TagEvent,
  type TagEventCondition,
  type TagImportPolicy,
  type TagReference,
  type TagReferencePolicy,
} from './types.js';

/** What was asked for one tag: where from and with which policies. */
export interface TagImportRequest {
  tag: string;
  /** The source as the user typed it, e.g. `registry.example.com/ubi8/ubi:8`. */
  from: string;
  importPolicy: TagImportPolicy;
  referencePolicy: TagReferencePolicy;
}

export type TagImportOutcome =
  | { ok: true; image: string; dockerImageReference: string }
  | {
      ok: false;
      reason: string;
      message: string;
      /**
       * Why, in the registry client's words, where OpenShift's message hides it (an Unauthorized
       * import: which credentials were refused or that none were found). For the CLI to print;
       * never stored in the stream, whose status keeps OpenShift's message. Holds no credential.
       */
      detail?: string;
    };

export interface TagImportResult {
  request: TagImportRequest;
  outcome: TagImportOutcome;
}

export interface StreamChange {
  stream: ImageStream;
  /** Whether anything needs writing. */
  changed: boolean;
  specChanged: boolean;
  statusChanged: boolean;
}

/** Source of other streams, for tags copied across streams (`oc tag other:1 mine:1`). */
export type StreamLookup = (namespace: string, name: string) => ImageStream | undefined;

const noStreams: StreamLookup = () => undefined;

/**
 * Records the results of one import into `current` (undefined: the stream does not exist yet and
 * is created by this import). Generations follow OpenShift: everything this import changes is
 * stamped with the stream's next generation.
 */
export function applyImportResults(
  current: ImageStream,
  results: TagImportResult[],
  now: Date,
  isNew = false,
): StreamChange {
  const old = cloneJson(current);
  const next = cloneJson(current);
  const nextGeneration = isNew ? 1 : (old.metadata.generation ?? 0) + 1;
  const time = kubeTime(now);
  for (const { request, outcome } of results) {
    if (outcome.ok) recordSuccess(next, request, outcome, nextGeneration, time);
    else recordFailure(next, request, outcome, nextGeneration, time);
  }
  const changed = !jsonEqual(old, next);
  const change = finishUpdate(old, next, now, isNew, noStreams);
  if (changed || isNew || next.metadata.annotations?.[REPOSITORY_CHECK_ANNOTATION] === undefined) {
    change.stream.metadata.annotations = { ...change.stream.metadata.annotations, [REPOSITORY_CHECK_ANNOTATION]: time };
    return { ...change, changed: true, specChanged: true };
  }
  return change;
}

function recordSuccess(
  stream: ImageStream,
  request: TagImportRequest,
  outcome: { image: string; dockerImageReference: string },
  generation: number,
  created: string,
): void {
  const event: TagEvent = {
    created,
    dockerImageReference: outcome.dockerImageReference,
    image: outcome.image,
    generation,
  };
  if (hasTagChanged(stream, request.tag, event)) {
    ensureSpecTag(stream, request, true);
    addTagEvent(stream, request.tag, event);
  }
  const ref = specTag(stream, request.tag);
  if (ref !== undefined) putSpecTag(stream, { ...ref, importPolicy: request.importPolicy });
  setTagConditions(stream, request.tag, []);
}

function recordFailure(
  stream: ImageStream,
  request: TagImportRequest,
  outcome: { reason: string; message: string },
  generation: number,
  time: string,
): void {
  const condition: TagEventCondition = {
    type: 'ImportSuccess',
    status: 'False',
    lastTransitionTime: time,
    reason: outcome.reason,
    message: outcome.message || 'unknown error prevented import',
    generation,
  };
  const known = statusTag(stream, request.tag)?.conditions?.some(
    (c) =>
      c.type === condition.type &&
      c.status === condition.status &&
      c.reason === condition.reason &&
      c.message === condition.message,
  );
  if (!known) {
    setTagConditions(stream, request.tag, [condition]);
    const ref = specTag(stream, request.tag);
    if (ref !== undefined) putSpecTag(stream, { ...ref, generation: 0 });
  }
  ensureSpecTag(stream, request, false);
}

/** The import changed the tag: a different image or reference, or a spec generation not yet imported. */
function hasTagChanged(stream: ImageStream, tag: string, event: TagEvent): boolean {
  const previous = latestTagEvent(stream, tag);
  const ref = specTag(stream, tag);
  if (previous === undefined || ref === undefined || ref.generation === undefined || ref.generation === null)
    return true;
  return (
    previous.dockerImageReference !== event.dockerImageReference ||
    previous.image !== event.image ||
    ref.generation > previous.generation
  );
}

/** Points the spec tag at the imported source (reset) or creates it when missing. */
function ensureSpecTag(stream: ImageStream, request: TagImportRequest, reset: boolean): void {
  const existing = specTag(stream, request.tag);
  if (existing !== undefined && !reset) return;
  const ref: TagReference = {
    ...(existing ?? { name: request.tag, annotations: null }),
    from: { kind: 'DockerImage', name: request.from },
    generation: 0,
    importPolicy: request.importPolicy,
  };
  // Importing never changes a reference policy that was chosen explicitly.
  if (!existing?.referencePolicy?.type) ref.referencePolicy = request.referencePolicy;
  putSpecTag(stream, ref);
}

/**
 * Applies a user's change of spec tags (`next` = `old` with edited spec) the way OpenShift's image
 * stream strategy does: generation bookkeeping, immediate status events for tags that point at
 * other tags or images, and alias tracking.
 */
export function applySpecChange(
  old: ImageStream,
  next: ImageStream,
  now: Date,
  isNew: boolean,
  streams: StreamLookup = noStreams,
): StreamChange {
  return finishUpdate(cloneJson(old), cloneJson(next), now, isNew, streams);
}

function finishUpdate(
  old: ImageStream,
  next: ImageStream,
  now: Date,
  isNew: boolean,
  streams: StreamLookup,
): StreamChange {
  if (isNew) {
    next.metadata.generation = 1;
    next.spec.tags = (next.spec.tags ?? []).map((t) => ({ ...t, generation: 1 }));
  } else {
    stampGenerations(old, next);
  }
  applyChangedTagReferences(old, isNew, next, now, streams);
  updateChangedTrackingTags(next, isNew ? undefined : old);
  const specChanged = isNew || !jsonEqual(old.spec, next.spec) || !jsonEqual(old.metadata, next.metadata);
  const statusChanged = !jsonEqual(old.status, next.status);
  return { stream: next, changed: specChanged || statusChanged, specChanged, statusChanged };
}

/**
 * Any spec change moves the stream to the next generation; a spec tag that is new, changed, or
 * reset to generation 0 takes the stream's generation; users cannot set other values.
 */
function stampGenerations(old: ImageStream, next: ImageStream): void {
  const oldGeneration = old.metadata.generation ?? 0;
  next.metadata.generation = oldGeneration;
  next.spec.tags = (next.spec.tags ?? []).map((t) => {
    if (t.generation === 0) return t;
    const before = specTag(old, t.name);
    return before === undefined ? t : { ...t, generation: before.generation ?? null };
  });
  if (!jsonEqual(old.spec, next.spec) || oldGeneration === 0) next.metadata.generation = oldGeneration + 1;
  const generation = next.metadata.generation;
  next.spec.tags = next.spec.tags.map((t) => {
    const before = specTag(old, t.name);
    const reset = before === undefined || tagRefChanged(before, t, next.metadata.namespace ?? '');
    const value = reset ? null : t.generation;
    return value === null || value === undefined || value === 0 ? { ...t, generation } : t;
  });
}

function tagRefChanged(old: TagReference, next: TagReference, namespace: string): boolean {
  if (next.from === undefined || (!next.from.kind && !next.from.name)) return false;
  const oldFrom = old.from ?? { kind: '', name: '' };
  if ((oldFrom.namespace || namespace) !== (next.from.namespace || namespace)) return true;
  if (oldFrom.name !== next.from.name) return true;
  if ((old.reference === true) !== (next.reference === true)) return true;
  // Unset and Legacy are one mode: OpenShift compares them after defaulting.
  if ((old.importPolicy?.importMode || 'Legacy') !== (next.importPolicy?.importMode || 'Legacy')) return true;
  return (
    old.generation !== undefined &&
    old.generation !== null &&
    next.generation !== undefined &&
    next.generation !== null &&
    old.generation !== next.generation &&
    next.generation === 0
  );
}

/** Tags that point at other tags, images or (as references) registry images get their event at once. */
function applyChangedTagReferences(
  old: ImageStream,
  isNew: boolean,
  next: ImageStream,
  now: Date,
  streams: StreamLookup,
): void {
  const namespace = next.metadata.namespace ?? '';
  for (const ref of next.spec.tags ?? []) {
    const before = isNew ? undefined : specTag(old, ref.name);
    if (before !== undefined && !tagRefChanged(before, ref, namespace)) continue;
    const from = ref.from;
    if (from === undefined) continue;
    const generation = ref.generation ?? 0;
    if (from.kind === 'DockerImage') {
      if (ref.reference && from.name) {
        addTagEvent(next, ref.name, { created: kubeTime(now), dockerImageReference: from.name, image: '', generation });
      }
      continue;
    }
    const source = sourceStream(next, ref, streams);
    if (source === undefined) continue;
    const event =
      from.kind === 'ImageStreamTag'
        ? copiedTagEvent(source.stream, source.id)
        : from.kind === 'ImageStreamImage'
          ? imageEvent(source.stream, source.id, now)
          : undefined;
    if (event !== undefined) addTagEvent(next, ref.name, { ...event, generation });
  }
}

function sourceStream(
  stream: ImageStream,
  ref: TagReference,
  streams: StreamLookup,
): { stream: ImageStream; id: string } | undefined {
  const from = ref.from!;
  const separator = from.kind === 'ImageStreamImage' ? '@' : ':';
  const parts = from.name.split(separator);
  const [name, id] = parts.length === 1 ? [stream.metadata.name, parts[0]!] : [parts[0]!, parts[1]!];
  const namespace = from.namespace || (stream.metadata.namespace ?? '');
  if (from.kind === 'ImageStreamTag' && sameStreamTarget(stream, ref) !== undefined) return { stream, id };
  if (name === stream.metadata.name && namespace === (stream.metadata.namespace ?? '')) return { stream, id };
  const other = streams(namespace, name);
  return other === undefined ? undefined : { stream: other, id };
}

function copiedTagEvent(stream: ImageStream, tag: string): TagEvent | undefined {
  const event = latestTagEvent(stream, tag);
  return event === undefined ? undefined : { ...event };
}

/** The newest event of any tag whose image has the given digest (or unique digest prefix). */
function imageEvent(stream: ImageStream, id: string, now: Date): TagEvent | undefined {
  for (const list of stream.status?.tags ?? []) {
    const found = list.items?.find((item) => item.image === id || item.image.replace(/^sha256:/, '').startsWith(id));
    if (found !== undefined) {
      return {
        created: kubeTime(now),
        dockerImageReference: found.dockerImageReference,
        image: found.image,
        generation: 0,
      };
    }
  }
  return undefined;
}
