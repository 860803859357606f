// OpenShift's image stream strategy for writers that do not know it (kubectl apply/patch/edit,
// GitOps tools). On OpenShift the API server stamps spec tag generations and adds the immediate
// status items on every write; a CRD stores what the client sent. The controller therefore keeps,
// per stream, the spec tags as it last saw them after applying the strategy (an annotation: the
// "old object" the strategy compares with) and applies the same rules to whatever was written since.
import { cloneJson, jsonEqual } from './equal.js';
import { applySpecChange, type StreamChange, type StreamLookup } from './record.js';
import { type ImageStream, type ImportMode, type ObjectReference, type TagReference } from './types.js';

/** The spec tags as the controller last applied the strategy to them, by tag name. */
export const OBSERVED_SPEC_ANNOTATION = 'istream.io/observed-spec-tags';

/** What OpenShift's tagRefChanged compares (source, reference, import mode, generation), per tag. */
interface ObservedTag {
  generation: number | null;
  from?: ObjectReference;
  reference?: boolean;
  importMode?: ImportMode;
}

type ObservedSpec = Record<string, ObservedTag>;

function observedSpecOf(stream: ImageStream): string {
  const observed: ObservedSpec = {};
  for (const t of stream.spec.tags ?? []) {
    observed[t.name] = {
      generation: t.generation ?? null,
      ...(t.from ? { from: t.from } : {}),
      ...(t.reference ? { reference: true } : {}),
      ...(t.importPolicy?.importMode ? { importMode: t.importPolicy.importMode } : {}),
    };
  }
  return JSON.stringify(observed);
}

function recordedSpec(stream: ImageStream): ObservedSpec | undefined {
  const text = stream.metadata.annotations?.[OBSERVED_SPEC_ANNOTATION];
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as ObservedSpec) : undefined;
  } catch {
    // Edited by hand into something unreadable: every tag is judged as if first seen.
    return undefined;
  }
}

const positive = (generation: number | null | undefined): generation is number =>
  typeof generation === 'number' && generation > 0;

/**
 * The spec tag the strategy compares `tag` with. A generation above the recorded one was stamped
 * by a writer that applies the strategy itself (istream's CLI, this controller, an admission
 * webhook), so that tag is taken as it is; so is any stamped tag of a stream never observed.
 */
function previousTag(tag: TagReference, recorded: ObservedSpec | undefined): TagReference | undefined {
  const seen = recorded?.[tag.name];
  if (
    positive(tag.generation) &&
    (seen === undefined || !positive(seen.generation) || tag.generation > seen.generation)
  )
    return tag;
  if (seen === undefined) return undefined;
  return {
    name: tag.name,
    generation: seen.generation,
    ...(seen.from ? { from: seen.from } : {}),
    ...(seen.reference ? { reference: true } : {}),
    ...(seen.importMode ? { importPolicy: { importMode: seen.importMode } } : {}),
  };
}

export interface SpecNormalisation {
  /** The stream with the strategy applied and the observed spec recorded. */
  change: StreamChange;
  /**
   * Whether spec or status needed the strategy (a generation stamped or restored, an immediate
   * status item); false when only the record is behind a writer that applied it already.
   */
  applied: boolean;
}

/**
 * Applies OpenShift's PrepareForCreate/PrepareForUpdate (generation stamping, tagsChanged's
 * immediate status items, alias tracking) to the spec as stored, against the recorded spec.
 * The stamp is the generation the write of this result will get: a CRD's API server bumps
 * `metadata.generation` on every spec change, so tag and stream generations agree as on OpenShift.
 */
export function normaliseSpec(current: ImageStream, now: Date, streams?: StreamLookup): SpecNormalisation {
  const recorded = recordedSpec(current);
  const old = cloneJson(current);
  old.spec.tags = (current.spec.tags ?? []).flatMap((t) => previousTag(t, recorded) ?? []);
  old.metadata.generation = current.metadata.generation ?? 0;
  const { stream } = applySpecChange(old, current, now, false, streams);
  // OpenShift gives every item a new stream starts with (copies too) the stream's creation time.
  const created = current.metadata.creationTimestamp;
  if (recorded === undefined && (current.metadata.generation ?? 1) <= 1 && created) {
    const before = new Set((current.status?.tags ?? []).flatMap((l) => (l.items ?? []).map((i) => JSON.stringify(i))));
    for (const list of stream.status?.tags ?? []) {
      if (list.items) list.items = list.items.map((i) => (before.has(JSON.stringify(i)) ? i : { ...i, created }));
    }
  }
  if (current.spec.tags === undefined && stream.spec.tags?.length === 0) delete stream.spec.tags;
  const specChanged = !jsonEqual(stream.spec, current.spec);
  const statusChanged = !jsonEqual(stream.status, current.status);
  if (!specChanged) stream.metadata.generation = current.metadata.generation;
  stream.metadata.annotations = { ...stream.metadata.annotations, [OBSERVED_SPEC_ANNOTATION]: observedSpecOf(stream) };
  const changed = specChanged || statusChanged || !jsonEqual(stream.metadata.annotations, current.metadata.annotations);
  return {
    change: { stream, changed, specChanged: changed, statusChanged },
    applied: specChanged || statusChanged,
  };
}

/** Records a stream's spec as observed (after a write that applied the strategy itself, e.g. an import). */
export function recordObservedSpec(change: StreamChange): StreamChange {
  const stream = change.stream;
  const text = observedSpecOf(stream);
  if (stream.metadata.annotations?.[OBSERVED_SPEC_ANNOTATION] === text) return change;
  stream.metadata.annotations = { ...stream.metadata.annotations, [OBSERVED_SPEC_ANNOTATION]: text };
  return { ...change, changed: true, specChanged: true };
}

/** Streams in other namespaces that spec tags copy from (ImageStreamTag/ImageStreamImage), to check access first. */
export function crossNamespaceSources(stream: ImageStream): Array<{ namespace: string; name: string }> {
  const namespace = stream.metadata.namespace ?? '';
  const sources = new Map<string, { namespace: string; name: string }>();
  for (const t of stream.spec.tags ?? []) {
    const from = t.from;
    if (
      !from?.namespace ||
      from.namespace === namespace ||
      (from.kind !== 'ImageStreamTag' && from.kind !== 'ImageStreamImage')
    )
      continue;
    const name = from.name.split(from.kind === 'ImageStreamTag' ? ':' : '@')[0] ?? '';
    sources.set(`${from.namespace}/${name}`, { namespace: from.namespace, name });
  }
  return [...sources.values()];
}
