import type { KubeObject } from '../cluster/index.js';
import { resolveTagEvent, specTag, statusTag, type ImageStream } from '../imagestream/index.js';
import { parseImageReference, referenceString } from '../reference/index.js';
import {
  applyTriggers,
  readTriggersOf,
  resolveStreamTag,
  TRIGGER_ANNOTATION,
  type ImageChange,
  type WorkloadObject,
} from '../triggers/index.js';

/** A trigger's stream tag as the annotation names it: `[NS/]STREAM:TAG`. */
export interface TriggerSourceName {
  namespace: string;
  stream: string;
  tag: string;
  /** How a person would type it relative to the workload (namespace only when it differs). */
  display: string;
}

/**
 * On a workload: JSON `{"CONTAINER":"IMAGE"}` of the image each trigger last wrote, written in the
 * same update as the image. It is what tells a hand edit from a first resolution: OpenShift keeps
 * no state and reports neither, and nothing else on the object survives to say whether a trigger
 * has ever set the container (managedFields move the image to whoever wrote it last, the creator
 * and a later editor alike).
 */
export const triggeredImagesAnnotation = 'istream.io/triggered-images';

function triggeredImages(obj: KubeObject): Record<string, string> {
  const value = obj.metadata?.annotations?.[triggeredImagesAnnotation];
  if (value === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

/** One container image the reactor changes. */
export interface TriggerChange {
  source: TriggerSourceName;
  container: string;
  from: string;
  to: string;
  /**
   * A trigger set this container before, and the image being replaced is neither what it set nor
   * ever an item of the tag or its source: someone edited it by hand while the stream stood
   * still, and the trigger puts the stream's image back. The first resolution of a placeholder,
   * whatever it says, is not one.
   */
  revertsManualEdit: boolean;
}

export interface TriggerPlan {
  changes: TriggerChange[];
  /** Cross-namespace triggers the workload's namespace may not read. */
  denied: TriggerSourceName[];
  /** Triggers whose stream lives in a namespace this controller does not watch (`--namespace`). */
  unwatched: TriggerSourceName[];
  /** OpenShift would refuse to update this workload at all (e.g. an unfollowable fieldPath). */
  refused?: string;
  /** The workload with every change applied (a copy); undefined when nothing changes. */
  updated?: KubeObject;
}

export interface ReactorInputs {
  stream(namespace: string, name: string): ImageStream | undefined;
  /** May service accounts of `workloadNamespace` get image streams in `streamNamespace`? */
  mayRead(workloadNamespace: string, streamNamespace: string): Promise<boolean>;
  /** Whether streams of this namespace are watched at all (all are when this is absent). */
  watches?(namespace: string): boolean;
}

/**
 * The stream tag of every trigger the annotation names, with its namespace filled in (for the
 * stream -> workload index, and for the reactor's access checks).
 * `obj.kind` must be set: the kind decides which fieldPaths count.
 */
export function triggerStreams(obj: KubeObject): Array<{ namespace: string; stream: string; tag: string }> {
  const value = obj.metadata?.annotations?.[TRIGGER_ANNOTATION];
  if (value === undefined) return [];
  const own = obj.metadata?.namespace ?? '';
  return readTriggersOf(value, obj as WorkloadObject).triggers.map((t) => ({
    namespace: t.namespace ?? own,
    stream: t.stream,
    tag: t.tag,
  }));
}

function sourceName(workloadNamespace: string, s: ImageChange['source']): TriggerSourceName {
  const name = `${s.stream}:${s.tag}`;
  // Field by field: a spread of its argument, whose shape varies by caller, was 4 µs a change.
  const display = s.namespace === workloadNamespace ? name : `${s.namespace}/${name}`;
  return { namespace: s.namespace, stream: s.stream, tag: s.tag, display };
}

/** `ubi` and `docker.io/library/ubi:latest` are one image; spellings that do not parse stay as they are. */
function normalised(image: string): string {
  try {
    return referenceString(parseImageReference(image));
  } catch {
    return image;
  }
}

/**
 * Whether `image` is what a person writes before the first rollout (a blank placeholder, the stream
 * tag's own name), an item the tag once pointed to, or the source the tag is imported from, in any
 * spelling of the same reference.
 */
function knownToTag(stream: ImageStream, tag: string, image: string): boolean {
  if (image.trim() === '') return true;
  const streamName = stream.metadata?.name ?? '';
  if (image === `${streamName}:${tag}` || image === `${stream.metadata?.namespace ?? ''}/${streamName}:${tag}`)
    return true;
  const items = statusTag(stream, tag)?.items ?? [];
  if (items.some((event) => resolveTagEvent(stream, tag, event) === image)) return true;
  const known = items.map((event) => event.dockerImageReference);
  const from = specTag(stream, tag)?.from;
  if (from?.kind === 'DockerImage') known.push(from.name);
  const wanted = normalised(image);
  return known.some((ref) => normalised(ref) === wanted);
}

/**
 * Decides what the triggers of one workload change (DESIGN 3.2) with core/triggers' rules: every
 * non-paused trigger whose tag has a current item and whose container shows another image; all
 * changes land in one copy. A cross-namespace trigger counts only where access is granted.
 */
export async function planTriggers(obj: KubeObject, inputs: ReactorInputs): Promise<TriggerPlan> {
  const plan: TriggerPlan = { changes: [], denied: [], unwatched: [] };
  const namespace = obj.metadata?.namespace ?? '';
  const allowed = new Set<string>([namespace]);
  const unwatched = new Map<string, TriggerSourceName>();
  for (const trigger of triggerStreams(obj)) {
    if (inputs.watches?.(trigger.namespace) === false) {
      const source = sourceName(namespace, trigger);
      unwatched.set(source.display, source);
    } else if (!allowed.has(trigger.namespace) && (await inputs.mayRead(namespace, trigger.namespace))) {
      allowed.add(trigger.namespace);
    }
  }
  plan.unwatched = [...unwatched.values()];
  const deniedSeen = new Set<string>();
  const result = applyTriggers(obj as WorkloadObject, (ns, name, tag) => {
    if (inputs.watches?.(ns) === false) return undefined;
    const stream = inputs.stream(ns, name);
    const image = stream ? resolveStreamTag(stream, tag) : undefined;
    if (image === undefined) return undefined;
    if (!allowed.has(ns)) {
      const key = `${ns}/${name}:${tag}`;
      if (!deniedSeen.has(key)) {
        deniedSeen.add(key);
        plan.denied.push(sourceName(namespace, { namespace: ns, stream: name, tag }));
      }
      return undefined;
    }
    return image;
  });
  if (!result.ok) {
    plan.refused = result.reason;
    return plan;
  }
  const recorded = triggeredImages(obj);
  const written = { ...recorded };
  const setThisPass = new Set<string>();
  for (const change of result.changes) {
    const stream = inputs.stream(change.source.namespace, change.source.stream);
    const container = change.container.name;
    // Two triggers may name one container (by name and by index): the later one replaces what
    // the earlier one wrote in this same pass, which is no hand edit. Only the container's image
    // before the pass is judged, once.
    const resolvedBefore =
      !setThisPass.has(container) && recorded[container] !== undefined && recorded[container] !== change.oldImage;
    setThisPass.add(container);
    plan.changes.push({
      source: sourceName(namespace, change.source),
      container,
      from: change.oldImage,
      to: change.newImage,
      revertsManualEdit:
        resolvedBefore && stream !== undefined && !knownToTag(stream, change.source.tag, change.oldImage),
    });
    written[container] = change.newImage;
  }
  if (plan.changes.length > 0) {
    const updated = result.object as KubeObject;
    const annotations = { ...updated.metadata?.annotations, [triggeredImagesAnnotation]: JSON.stringify(written) };
    updated.metadata = { ...updated.metadata, annotations };
    plan.updated = updated;
  }
  return plan;
}
