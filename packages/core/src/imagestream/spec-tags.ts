// What `oc tag` and `oc import-image --all` do to a stream's spec, as pure rules: the CLI reads
// the stream, applies one of these, and writes the result through the conflict-safe update.
import { putSpecTag, removeSpecTag } from './history.js';
import { applySpecChange, type StreamChange, type StreamLookup } from './record.js';
import { assertNoCycle } from './tagrefs.js';
import {
  newImageStream,
  type ImageStream,
  type ImportMode,
  type TagReference,
  type TagReferencePolicy,
  type TagSourceKind,
} from './types.js';

/** OpenShift's stream annotation: imports from this stream's repository may use plain HTTP or unverified TLS. */
export const INSECURE_ANNOTATION = 'openshift.io/image.insecureRepository';

export interface TagSource {
  kind: TagSourceKind;
  /** DockerImage: the pull spec as typed; otherwise `stream:tag` or `stream@digest`. */
  name: string;
  /** The source stream's namespace, when it was given. */
  namespace?: string;
}

export interface TagReferenceOptions {
  /** Record the source without importing it (`--reference`). */
  reference?: boolean;
  insecure?: boolean;
  scheduled?: boolean;
  importMode?: ImportMode;
  referencePolicy: TagReferencePolicy;
}

/**
 * The spec tag `oc tag SOURCE DEST` writes: a stream source names its namespace when it is not
 * the destination's (`currentNamespace` is where an unqualified source lives), and a registry
 * source asks for an import with generation 0.
 */
export function tagReference(
  tag: string,
  source: TagSource,
  options: TagReferenceOptions,
  namespaces: { current: string; destination: string },
): TagReference {
  const sourceNamespace =
    source.namespace ?? (namespaces.destination !== namespaces.current ? namespaces.current : undefined);
  return {
    name: tag,
    annotations: null,
    from: {
      kind: source.kind,
      name: source.name,
      ...(source.kind !== 'DockerImage' && sourceNamespace ? { namespace: sourceNamespace } : {}),
    },
    ...(options.reference ? { reference: true } : {}),
    ...(source.kind === 'DockerImage' ? { generation: 0 } : {}),
    importPolicy: {
      ...(options.insecure ? { insecure: true } : {}),
      ...(options.scheduled ? { scheduled: true } : {}),
      ...(options.importMode ? { importMode: options.importMode } : {}),
    },
    referencePolicy: options.referencePolicy,
  };
}

/**
 * Puts a spec tag into the stream (`current` undefined: creates the stream `name` in `namespace`),
 * refusing a tag that would follow itself round a cycle. `streams` answers for stream sources.
 */
export function setSpecTag(
  current: ImageStream | undefined,
  name: string,
  namespace: string,
  ref: TagReference,
  now: Date,
  streams?: StreamLookup,
): StreamChange {
  const base = current ?? newImageStream(name, namespace);
  const next = structuredClone(base);
  putSpecTag(next, ref);
  assertNoCycle(next, ref.name);
  return applySpecChange(base, next, now, current === undefined, streams);
}

/** `oc tag -d`: removes the tag from spec and status; undefined when the stream has no such tag. */
export function deleteTag(current: ImageStream, tag: string, now: Date): StreamChange | undefined {
  const next = structuredClone(current);
  let found = removeSpecTag(next, tag);
  const status = next.status?.tags?.filter((t) => t.tag !== tag);
  if (next.status && status) next.status.tags = status;
  found ||= status?.length !== current.status?.tags?.length;
  return found ? applySpecChange(current, next, now, false) : undefined;
}

/**
 * After `import-image --all` from a repository: the repository is recorded as
 * `spec.dockerImageRepository`, as oc does, so the next `--all` needs no `--from`; an insecure one
 * also as OpenShift's insecure-repository annotation, so it needs no `--insecure` either.
 */
export function recordRepository(change: StreamChange, repository: { name: string; insecure: boolean }): StreamChange {
  const recorded = change.stream;
  const insecureMissing = repository.insecure && recorded.metadata.annotations?.[INSECURE_ANNOTATION] !== 'true';
  if (recorded.spec.dockerImageRepository === repository.name && !insecureMissing) return change;
  recorded.spec = { ...recorded.spec, dockerImageRepository: repository.name };
  if (insecureMissing)
    recorded.metadata.annotations = { ...recorded.metadata.annotations, [INSECURE_ANNOTATION]: 'true' };
  return { ...change, changed: true, specChanged: true };
}
