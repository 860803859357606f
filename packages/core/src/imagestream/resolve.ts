// What a tag means when something consumes it (a trigger, `get istag`): OpenShift's
// ResolveReferenceForTagEvent.
import { latestTagEvent, specTag } from './history.js';
import { DEFAULT_TAG, type ImageStream, type TagEvent } from './types.js';

/**
 * The pull spec for `event` of `tag`: with referencePolicy Local and both a stream repository and
 * an image digest known, `<status.dockerImageRepository>@<image>`; otherwise the event's own
 * dockerImageReference.
 */
export function resolveTagEvent(stream: ImageStream, tag: string, event: TagEvent): string {
  const ref = specTag(stream, tag);
  if (ref?.referencePolicy?.type !== 'Local') return event.dockerImageReference;
  const local = stream.status?.dockerImageRepository ?? '';
  if (local.length === 0 || event.image.length === 0) return event.dockerImageReference;
  return `${withoutTagOrDigest(local)}@${event.image}`;
}

/** The pull spec a tag resolves to now, or undefined when it has never pointed at an image. */
export function resolveTag(stream: ImageStream, tag = DEFAULT_TAG): string | undefined {
  const event = latestTagEvent(stream, tag);
  return event === undefined ? undefined : resolveTagEvent(stream, tag, event);
}

/**
 * `registry:5000/ns/name:tag@sha256:...` -> `registry:5000/ns/name`. A colon belongs to a tag only
 * after the last slash, so a registry port survives.
 */
export function withoutTagOrDigest(reference: string): string {
  const at = reference.indexOf('@');
  const name = at >= 0 ? reference.slice(0, at) : reference;
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(0, colon) : name;
}

/** OpenShift's import result: the source as typed, its tag replaced by the digest. */
export function digestReference(typedSource: string, digest: string): string {
  return `${withoutTagOrDigest(typedSource)}@${digest}`;
}

/** Replaces (or adds) the tag of a typed source, dropping any digest. */
export function withTag(reference: string, tag: string): string {
  return `${withoutTagOrDigest(reference)}:${tag}`;
}
