// Image lookup at admission, with the scoping of OpenShift's image policy plugin
// (apiserver-library-go pkg/admission/imagepolicy): an image that names a tag of a stream with
// `lookupPolicy.local` in the object's namespace becomes the pull spec a trigger would write for
// that tag. Pure: the streams come from the caller (the controller's informer cache).
import type { KubeObject } from '../cluster/index.js';
import {
  DEFAULT_TAG,
  latestTagEvent,
  resolveTagEvent,
  withoutTagOrDigest,
  type ImageStream,
  type TagEvent,
} from '../imagestream/index.js';
import { isImageReference } from '../reference/index.js';
import type { WorkloadKind } from '../workloads/index.js';
import type { JsonPatchOperation } from './review.js';

/** OpenShift's opt-in for every image of an object, whatever the stream's lookupPolicy. */
export const RESOLVE_NAMES_ANNOTATION = 'alpha.image.policy.openshift.io/resolve-names';

export type StreamLookup = (namespace: string, name: string) => ImageStream | undefined;

export interface LookupRequest {
  operation: string;
  /** Set for writes to a subresource (`status`, `scale`, `ephemeralcontainers`): never rewritten. */
  subResource?: string;
  namespace: string;
  kind: WorkloadKind;
  object: KubeObject;
  oldObject?: KubeObject;
}

export interface Resolution {
  container: string;
  from: string;
  to: string;
}

export type LookupOutcome =
  | { allowed: true; patch: JsonPatchOperation[]; resolutions: Resolution[] }
  | { allowed: false; message: string };

export interface ImageSlot {
  /** JSON pointer to the image field. */
  pointer: string;
  name: string;
  image: string;
  init: boolean;
}

/** The stream tag an image names, read as OpenShift reads a pull spec for local lookup. */
export function streamTagOfImage(image: string, resolveAllNames: boolean): { stream: string; tag: string } | undefined {
  if (image.includes('@') || !isImageReference(image)) return undefined;
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  const name = colon > slash ? image.slice(0, colon) : image;
  const tag = colon > slash ? image.slice(colon + 1) : DEFAULT_TAG;
  const segments = name.split('/');
  if (segments.length === 1) return { stream: name, tag };
  if (!resolveAllNames) return undefined;
  // With resolve-names, the registry and the first path segment give way to the object's namespace.
  const first = segments[0]!;
  const rest = /[.:]/.test(first) || first === 'localhost' ? segments.slice(1) : segments;
  return { stream: rest.length === 1 ? rest[0]! : rest.slice(1).join('/'), tag };
}

/** The pull spec lookup writes for one event of a tag: the resolved reference, pinned to the image digest. */
function eventPullSpec(stream: ImageStream, tag: string, event: TagEvent): string {
  const resolved = resolveTagEvent(stream, tag, event);
  return event.image ? `${withoutTagOrDigest(resolved)}@${event.image}` : resolved;
}

/** What OpenShift's ImageStreamTag lookup yields for `tag`: the resolved reference, pinned to the image digest. */
export function lookupPullSpec(stream: ImageStream, tag: string): string | undefined {
  const event = latestTagEvent(stream, tag);
  return event && eventPullSpec(stream, tag, event);
}

/**
 * Which lookup stream tag, if any, gave a digest-pinned image: the tag and whether it is still the
 * tag's current image. For telling a resolved image from one written by hand after the fact.
 */
export function lookupOrigin(
  image: string,
  streams: readonly ImageStream[],
): { stream: string; tag: string; current: boolean } | undefined {
  for (const stream of streams) {
    if (stream.spec.lookupPolicy?.local !== true) continue;
    for (const { tag, items } of stream.status?.tags ?? []) {
      const index = (items ?? []).findIndex((event) => eventPullSpec(stream, tag, event) === image);
      if (index >= 0) return { stream: stream.metadata.name, tag, current: index === 0 };
    }
  }
  return undefined;
}

/** Why lookup rewrites one image or leaves it, by the rules lookupImages applies. */
export type ImageLookupVerdict =
  | { outcome: 'pinned' }
  | { outcome: 'not-a-stream-name' }
  | { outcome: 'no-stream'; stream: string; tag: string }
  | { outcome: 'lookup-off'; stream: string; tag: string }
  | { outcome: 'no-image'; stream: string; tag: string }
  | { outcome: 'resolved'; stream: string; tag: string; pullSpec: string };

/** Where lookupImages gets each image's verdict: computed afresh, or remembered by the server. */
export type ImageVerdicts = (image: string, namespace: string, resolveAll: boolean) => ImageLookupVerdict;

/** The verdicts of `lookupImage` over a stream lookup, computed afresh for every image. */
export function verdictsFrom(streams: StreamLookup): ImageVerdicts {
  return (image, namespace, resolveAll) => lookupImage(image, namespace, resolveAll, streams);
}

/** The verdict for one image of an object in `namespace` (resolveAll: the resolve-names annotation). */
export function lookupImage(
  image: string,
  namespace: string,
  resolveAll: boolean,
  streams: StreamLookup,
): ImageLookupVerdict {
  if (image.includes('@')) return { outcome: 'pinned' };
  const named = streamTagOfImage(image, resolveAll);
  if (named === undefined) return { outcome: 'not-a-stream-name' };
  const stream = streams(namespace, named.stream);
  if (stream === undefined) return { outcome: 'no-stream', ...named };
  if (!resolveAll && stream.spec.lookupPolicy?.local !== true) return { outcome: 'lookup-off', ...named };
  const pullSpec = lookupPullSpec(stream, named.tag);
  return pullSpec === undefined ? { outcome: 'no-image', ...named } : { outcome: 'resolved', ...named, pullSpec };
}

function nested(obj: unknown, path: readonly string[]): unknown {
  let at = obj;
  for (const key of path) at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
  return at;
}

/**
 * Every init container and container with an image, in the order admission visits them. A plain
 * loop: the server runs this once per review on cold CPU caches, where array callbacks cost several
 * times as much (bench/admission).
 */
export function imageSlots(obj: KubeObject | undefined, kind: WorkloadKind): ImageSlot[] {
  const spec = nested(obj, kind.podSpecPath);
  const slots: ImageSlot[] = [];
  if (spec === null || typeof spec !== 'object') return slots;
  const base = `/${kind.podSpecPath.join('/')}`;
  for (const list of ['initContainers', 'containers'] as const) {
    const containers = (spec as Record<string, unknown>)[list];
    if (!Array.isArray(containers)) continue;
    for (let i = 0; i < containers.length; i++) {
      const { name, image } = (containers[i] ?? {}) as { name?: unknown; image?: unknown };
      if (typeof image === 'string')
        slots.push({
          pointer: `${base}/${list}/${i}/image`,
          name: String(name ?? ''),
          image,
          init: list === 'initContainers',
        });
    }
  }
  return slots;
}

function templateAnnotations(obj: KubeObject | undefined, kind: WorkloadKind): unknown {
  return kind.podSpecPath.length > 1
    ? nested(obj, [...kind.podSpecPath.slice(0, -1), 'metadata', 'annotations', RESOLVE_NAMES_ANNOTATION])
    : undefined;
}

/** OpenShift reads the annotation on the pod template first, then on the object. */
export function resolvesAllNames(obj: KubeObject | undefined, kind: WorkloadKind): boolean {
  return templateAnnotations(obj, kind) === '*' || obj?.metadata?.annotations?.[RESOLVE_NAMES_ANNOTATION] === '*';
}

/** The owner that creates this object from its own template (its controller owner reference). */
export function controllerOwner(obj: KubeObject): { kind: string; name: string } | undefined {
  const refs = (
    obj.metadata as { ownerReferences?: Array<{ controller?: boolean; kind: string; name: string }> } | undefined
  )?.ownerReferences;
  const owner = refs?.find((r) => r.controller === true);
  return owner && { kind: owner.kind, name: owner.name };
}

/**
 * The patch that pins each image naming a lookup stream's tag, or a refusal when such a tag has no
 * image yet (the node would otherwise pull a same-named image from Docker Hub).
 */
export function lookupImages(request: LookupRequest, verdicts: ImageVerdicts): LookupOutcome {
  const none: LookupOutcome = { allowed: true, patch: [], resolutions: [] };
  const { kind, object, oldObject, namespace } = request;
  if ((request.operation !== 'CREATE' && request.operation !== 'UPDATE') || request.subResource) return none;
  // Replicas made by a controller carry the template their owner was admitted with.
  if (controllerOwner(object) !== undefined) return none;
  const isUpdate = request.operation === 'UPDATE';
  // A Job's pod template is immutable: an update never rewrites it.
  if (isUpdate && kind.kind === 'Job') return none;
  const resolveAll = resolvesAllNames(object, kind);
  const annotationChanged = isUpdate && resolveAll !== resolvesAllNames(oldObject, kind);
  const old = new Map(isUpdate ? imageSlots(oldObject, kind).map((s) => [s.name, s.image]) : []);
  const patch: JsonPatchOperation[] = [];
  const resolutions: Resolution[] = [];
  for (const slot of imageSlots(object, kind)) {
    if (isUpdate && !annotationChanged && old.get(slot.name) === slot.image) continue;
    const verdict = verdicts(slot.image, namespace, resolveAll);
    if (verdict.outcome === 'no-image') {
      return {
        allowed: false,
        message:
          `istream: container "${slot.name}" names image "${slot.image}", which is tag "${verdict.tag}" of ImageStream ` +
          `${namespace}/${verdict.stream} (local lookup), but that tag has no image yet; import it ` +
          `(kubectl istream import-image ${verdict.stream}:${verdict.tag} -n ${namespace}) or name the image by its full reference`,
      };
    }
    if (verdict.outcome !== 'resolved') continue;
    patch.push({ op: 'replace', path: slot.pointer, value: verdict.pullSpec });
    resolutions.push({ container: slot.name, from: slot.image, to: verdict.pullSpec });
  }
  return { allowed: true, patch, resolutions };
}

/**
 * The policy backend's parameters for one namespace: every tag of its lookup streams, keyed
 * `STREAM_TAG`, resolved exactly as the webhook resolves it.
 */
export function lookupParams(streams: readonly ImageStream[]): Record<string, string> {
  const data: Record<string, string> = {};
  for (const stream of streams) {
    if (stream.spec.lookupPolicy?.local !== true) continue;
    for (const { tag } of stream.status?.tags ?? []) {
      const pullSpec = lookupPullSpec(stream, tag);
      if (pullSpec !== undefined) data[`${stream.metadata.name}_${tag}`] = pullSpec;
    }
  }
  return data;
}
