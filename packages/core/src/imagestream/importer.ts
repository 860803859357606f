// Turns import requests into results by asking a registry for digests. The registry is a port so
// that the stream rules do not depend on the HTTP client (the real one lives in ../registry).
import type { TagImportOutcome, TagImportRequest, TagImportResult } from './record.js';
import { digestReference, withTag } from './resolve.js';
import { TagSelector, DEFAULT_MAX_TAGS_PER_IMPORT } from './priority.js';
import type { RequestCounts } from '../registry/index.js';
import { InvalidReferenceError, parseImageReference, repositoryName, type ImageReference } from '../reference/index.js';
import {
  DEFAULT_TAG,
  PREFER_ARCH_ANNOTATION,
  PREFER_OS_ANNOTATION,
  type ImportMode,
  type TagImportPolicy,
  type TagReferencePolicy,
} from './types.js';

export interface Platform {
  os: string;
  architecture: string;
}

export interface ResolveOptions {
  insecure: boolean;
  /** Legacy: a manifest list resolves to one child; PreserveOriginal: to the list itself. */
  importMode: ImportMode;
  /** Legacy only: the child to prefer before linux/amd64 and the first entry. */
  preferPlatform?: Partial<Platform>;
}

export interface ResolvedImage {
  /** The manifest digest to record (`sha256:...`). */
  digest: string;
  mediaType?: string;
}

/**
 * What the importer needs from a registry client. It answers with a typed outcome and never
 * throws: a failure is part of the answer, recorded in the stream's status.
 */
export interface ImageSource {
  resolve(reference: string, options: ResolveOptions): Promise<SourceAnswer<ResolvedImage>>;
  /**
   * Every tag of the repository `reference` names (its tag, if any, ignored), handed to `onPage`
   * a page at a time as the registry sends them, so the caller decides what to keep.
   */
  listTags(
    reference: string,
    options: { insecure: boolean; onPage(tags: readonly string[]): void },
  ): Promise<SourceAnswer<void>>;
}

/** A registry connection for one import: the source, and closing its connections when done. */
export interface ImportSession {
  source: ImageSource;
  close(): Promise<void>;
  /** The registry requests this session made, per registry host (for metrics). */
  requestCounts?(): Record<string, RequestCounts>;
}

export type ImportErrorKind = 'not-found' | 'unauthorized' | 'invalid-reference' | 'other';

/** Why the registry gave no answer; `message` says it for the user. */
export type SourceFailure =
  | { kind: ImportErrorKind; message: string }
  /** The registry answered 429: nothing more should be asked of it for `retryAfterMs` (its Retry-After, when it gave one). */
  | { kind: 'rate-limited'; registry: string; retryAfterMs: number | undefined; message: string };

export type SourceAnswer<T> = { kind: 'ok'; value: T } | SourceFailure;

/** What `planRepositoryImport` throws when the repository's tags cannot be listed. */
export class ImageSourceError extends Error {
  constructor(readonly failure: SourceFailure) {
    super(failure.message);
    this.name = 'ImageSourceError';
  }
}

/**
 * The name OpenShift's importer gives a reference in its errors: fully qualified by the
 * registry's normalisation (`nginx` is `docker.io/library/nginx:latest`), the tag `latest` when
 * none is written, and only the digest when there is one. Unparseable input stays as typed.
 */
export function importedName(reference: string): string {
  let ref: ImageReference;
  try {
    ref = parseImageReference(reference);
  } catch (e) {
    if (e instanceof InvalidReferenceError) return reference;
    throw e;
  }
  return ref.digest !== undefined
    ? `${repositoryName(ref)}@${ref.digest}`
    : `${repositoryName(ref)}:${ref.tag ?? DEFAULT_TAG}`;
}

/** OpenShift's reason and message for a failed tag import (openshift-apiserver importer wording). */
export function failureOutcome(reference: string, failure: SourceFailure): TagImportOutcome & { ok: false } {
  const detail = failure.message;
  switch (failure.kind) {
    case 'not-found':
      return {
        ok: false,
        reason: 'NotFound',
        message: `dockerimage.image.openshift.io "${importedName(reference)}" not found`,
      };
    case 'unauthorized':
      return {
        ok: false,
        reason: 'Unauthorized',
        message: `you may not have access to the container image "${importedName(reference)}"`,
        detail,
      };
    case 'invalid-reference':
      return {
        ok: false,
        reason: 'Invalid',
        message: `from.name: Invalid value: "${reference}": invalid name: ${detail}`,
      };
    default:
      return {
        ok: false,
        reason: 'InternalError',
        message: `Internal error occurred: ${importedName(reference)}: ${detail}`,
      };
  }
}

export interface ImportProgress {
  done: number;
  total: number;
  tag: string;
}

export interface ImportOptions {
  /** Per-tag annotations (prefer-arch/os) by tag name. */
  annotations?: (tag: string) => Record<string, string> | null | undefined;
  /** Tags resolved at once; the registry client bounds per-registry concurrency itself. */
  concurrency?: number;
  onProgress?: (progress: ImportProgress) => void;
}

/** Resolves every request; a failure becomes that tag's failed outcome, never an exception. */
export async function importTags(
  source: ImageSource,
  requests: TagImportRequest[],
  options: ImportOptions = {},
): Promise<TagImportResult[]> {
  const results: TagImportResult[] = new Array(requests.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < requests.length) {
      const index = next++;
      const request = requests[index]!;
      results[index] = { request, outcome: await importOne(source, request, options) };
      done++;
      options.onProgress?.({ done, total: requests.length, tag: request.tag });
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 8, requests.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}

async function importOne(
  source: ImageSource,
  request: TagImportRequest,
  options: ImportOptions,
): Promise<TagImportOutcome> {
  const annotations = options.annotations?.(request.tag) ?? {};
  const preferPlatform: Partial<Platform> = {};
  if (annotations[PREFER_OS_ANNOTATION]) preferPlatform.os = annotations[PREFER_OS_ANNOTATION];
  if (annotations[PREFER_ARCH_ANNOTATION]) preferPlatform.architecture = annotations[PREFER_ARCH_ANNOTATION];
  const answer = await source.resolve(request.from, {
    insecure: request.importPolicy.insecure === true,
    importMode: request.importPolicy.importMode ?? 'Legacy',
    ...(Object.keys(preferPlatform).length > 0 ? { preferPlatform } : {}),
  });
  if (answer.kind !== 'ok') return failureOutcome(request.from, answer);
  return {
    ok: true,
    image: answer.value.digest,
    dockerImageReference: digestReference(request.from, answer.value.digest),
  };
}

export interface RepositoryImportPlan {
  requests: TagImportRequest[];
  /** Tags beyond the cap, in priority order, to report as not imported (empty when only counted). */
  additionalTags: string[];
  /** How many tags were beyond the cap. */
  additionalCount: number;
}

/**
 * `import-image --all`: lists the repository's tags and plans an import of the first `maxTags` by
 * OpenShift's priority, each into a stream tag of the same name from `<repository>:<tag>`. With
 * `namesBeyondCap: false` (the controller, which reports no names) the listing is held a page
 * at a time, never whole.
 */
export async function planRepositoryImport(
  source: ImageSource,
  repository: string,
  policies: { importPolicy: TagImportPolicy; referencePolicy: TagReferencePolicy },
  maxTags = DEFAULT_MAX_TAGS_PER_IMPORT,
  { namesBeyondCap = true }: { namesBeyondCap?: boolean } = {},
): Promise<RepositoryImportPlan> {
  const selector = new TagSelector(maxTags, namesBeyondCap);
  const listed = await source.listTags(repository, {
    insecure: policies.importPolicy.insecure === true,
    onPage: (tags) => selector.add(tags),
  });
  if (listed.kind !== 'ok') throw new ImageSourceError(listed);
  const { selected, additional, additionalCount } = selector.selection();
  return {
    requests: selected.map((tag) => ({ tag, from: withTag(repository, tag), ...policies })),
    additionalTags: additional,
    additionalCount,
  };
}
