// The hand-off from a replica that received a registry event to the replica that imports. Only
// the Lease holder imports, but the events Service sends each connection to any Ready replica. A
// replica whose import controller is not running writes the followed tags onto their stream in
// an annotation; the leader's stream informer sees the change, imports those tags as event
// imports and removes them in the same write as the import's result. The API server is the
// channel, as with Flux's reconcile-request annotation: no pod-to-pod traffic, no RBAC beyond the
// stream writes the controller already has, and an event that arrives while no replica leads
// waits in the stream for the next leader instead of being refused.
import type { ImageStream, StreamChange } from '../imagestream/index.js';
import type { FollowedTag } from './repository-index.js';

/**
 * On an ImageStream: JSON object, spec tag -> when (RFC 3339) a replica that does not import
 * last recorded a registry event naming it. The leader imports each listed tag and removes it.
 */
export const IMPORT_REQUESTS_ANNOTATION = 'istream.io/event-import-requests';

/** Spec tag -> when the request was recorded. */
export type ImportRequests = Readonly<Record<string, string>>;

/** The stream's pending requests; a value that is not such an object (someone edited it) is none. */
export function importRequests(stream: ImageStream): ImportRequests {
  const raw = stream.metadata.annotations?.[IMPORT_REQUESTS_ANNOTATION];
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return {};
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function writeRequests(stream: ImageStream, requests: Record<string, string>): void {
  const annotations = { ...stream.metadata.annotations };
  const tags = Object.keys(requests).sort();
  if (tags.length === 0) delete annotations[IMPORT_REQUESTS_ANNOTATION];
  else annotations[IMPORT_REQUESTS_ANNOTATION] = JSON.stringify(Object.fromEntries(tags.map((t) => [t, requests[t]])));
  stream.metadata.annotations = annotations;
}

/** The change that adds (or renews) requests for `tags` on `current`; undefined for a deleted stream. */
export function withImportRequests(
  current: ImageStream | undefined,
  tags: readonly string[],
  now: Date,
): StreamChange | undefined {
  if (!current) return undefined;
  const next = structuredClone(current);
  const requests = { ...importRequests(current) };
  for (const tag of tags) requests[tag] = now.toISOString();
  writeRequests(next, requests);
  // Metadata is written with spec (the main resource), never through the status subresource.
  return { stream: next, changed: true, specChanged: true, statusChanged: false };
}

/**
 * Removes from `change` the requests an import just served (`served`: tag -> the value it saw;
 * a request renewed since stays, for the push it announces may be newer than the import) and
 * those for tags that `stillImported` says the stream no longer imports from a registry.
 */
export function withoutServedRequests(
  change: StreamChange,
  served: ImportRequests,
  stillImported: (tag: string) => boolean,
): StreamChange {
  const requests = importRequests(change.stream);
  const left = Object.fromEntries(
    Object.entries(requests).filter(([tag, at]) => served[tag] !== at && stillImported(tag)),
  );
  if (Object.keys(left).length === Object.keys(requests).length) return change;
  writeRequests(change.stream, left);
  return { ...change, changed: true, specChanged: true };
}

/**
 * Records `tags` on their streams through `update` (core/cluster's conflict-safe stream update),
 * one write per stream. Rejects when a write fails, so the sender is told to retry.
 */
export async function recordImportRequests(
  tags: readonly FollowedTag[],
  update: (
    namespace: string,
    name: string,
    change: (current: ImageStream | undefined) => StreamChange | undefined,
  ) => Promise<unknown>,
  now: Date,
): Promise<void> {
  const byStream = new Map<string, { namespace: string; stream: string; tags: string[] }>();
  for (const t of tags) {
    const key = `${t.namespace}/${t.stream}`;
    const entry = byStream.get(key) ?? { namespace: t.namespace, stream: t.stream, tags: [] };
    entry.tags.push(t.tag);
    byStream.set(key, entry);
  }
  await Promise.all(
    [...byStream.values()].map((s) =>
      update(s.namespace, s.stream, (current) => withImportRequests(current, s.tags, now)),
    ),
  );
}
