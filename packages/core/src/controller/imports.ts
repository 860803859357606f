// Spec and scheduled imports: what OpenShift's image import controller and scheduled import
// controller do, on top of core/imagestream's importer and status rules and core/cluster's
// conflict-safe stream update.
import {
  applyImportResults,
  importTags,
  latestObservedGeneration,
  normaliseSpec,
  planRepositoryImport,
  DEFAULT_MAX_TAGS_PER_IMPORT,
  recordObservedSpec,
  REPOSITORY_CHECK_ANNOTATION,
  statusTag,
  updateChangedTrackingTags,
  ImageSourceError,
  type ImageSource,
  type ImageStream,
  type ImportSession,
  type SourceAnswer,
  type StreamChange,
  type StreamLookup,
  type TagImportRequest,
  type TagImportResult,
  type TagReference,
} from '../imagestream/index.js';
import { importRequests, withoutServedRequests } from '../events/import-requests.js';
import { parseImageReference } from '../reference/index.js';
import type { RequestCounts } from '../registry/index.js';
import type { RegistryBudget } from './registry-budget.js';

/** `event`: a registry event named the tag (core/events), so it is re-resolved now. */
export type ImportKind = 'spec' | 'scheduled' | 'repository' | 'event';

/** Set to "true" on a stream whose spec.dockerImageRepository is served over plain HTTP or untrusted TLS. */
export const INSECURE_REPOSITORY_ANNOTATION = 'openshift.io/image.insecureRepository';

export interface DueImport {
  request: TagImportRequest;
  kind: ImportKind;
  registry: string;
}

export interface ImportReconcilerDeps {
  cached(namespace: string, name: string): ImageStream | undefined;
  /** core/cluster's ImageStreamClient.update: read, change, write with resourceVersion, retry on 409. */
  update(
    namespace: string,
    name: string,
    change: (current: ImageStream | undefined) => StreamChange | undefined,
  ): Promise<unknown>;
  /** A registry session with the namespace's pull secrets. */
  openSession(namespace: string): Promise<ImportSession>;
  /**
   * The streams this stream's spec tags may copy from (ImageStreamTag/ImageStreamImage sources):
   * other namespaces only where the stream's namespace may read them.
   */
  sourceStreams(stream: ImageStream): Promise<StreamLookup>;
  /** Why the controller must not import from this registry (`host[:port]`, the registry policy), if it must not. */
  refusal?(registry: string, insecure: boolean): Promise<string | undefined>;
  /** Called when an import of a whole repository (spec.dockerImageRepository) could not list its tags. */
  onRepositoryFailure?(stream: { namespace: string; name: string }, repository: string, message: string): void;
  budget: RegistryBudget;
  intervalMs: number;
  now(): Date;
  /** In [0, 1): spreads scheduled imports so streams imported together drift apart. */
  random(): number;
  onImport?(kind: ImportKind, result: TagImportResult, stream: { namespace: string; name: string }): void;
  /** What one import session asked of each registry, once the session is closed. */
  onRegistryRequests?(counts: Record<string, RequestCounts>): void;
}

const time = (value: string | undefined): number => (value ? Date.parse(value) : 0) || 0;

/** When the tag was last imported, as far as the stream records it. */
function lastImportTime(stream: ImageStream, tag: string): number {
  const list = statusTag(stream, tag);
  const condition = list?.conditions?.find((c) => c.type === 'ImportSuccess');
  return Math.max(
    time(list?.items?.[0]?.created),
    time(condition?.lastTransitionTime),
    time(stream.metadata.annotations?.[REPOSITORY_CHECK_ANNOTATION]),
  );
}

/** A spec tag the controller imports from a registry (not a reference-only tag, not a copy of another stream). */
const fromRegistry = (ref: TagReference): ref is TagReference & { from: { kind: 'DockerImage'; name: string } } =>
  ref.from?.kind === 'DockerImage' && ref.reference !== true && Boolean(ref.from.name);

const importsFromRegistry = (stream: ImageStream, tag: string): boolean =>
  (stream.spec.tags ?? []).some((ref) => ref.name === tag && fromRegistry(ref));

function registryOf(reference: string): string {
  try {
    return parseImageReference(reference).domain;
  } catch {
    return '';
  }
}

/**
 * How long a spec change written by an import may wait for that import's status.
 *
 * On OpenShift an import is one write: the API server stores the ImageStreamImport's spec and
 * status together, so the import controller never sees a spec generation whose import is under
 * way. istream's CRD keeps status in a subresource, so a client that imports (`kubectl istream
 * import-image`, `tag`, this controller itself) writes spec, then status, and a watcher sees the
 * new generation alone in between. Every import stamps the stream's
 * `openshift.io/image.dockerRepositoryCheck` with its time in the spec write, so a generation
 * newer than the status that arrives with a fresh stamp is an import whose status is on its way:
 * it is imported only if no status came within this grace. A spec change nobody imported (kubectl
 * apply, GitOps) carries an older stamp and is imported at once, as on OpenShift.
 */
export const importStatusGraceMs = 5_000;

/**
 * Which tags need an import now: spec tags from a registry image whose generation is newer than
 * what the status answered (someone changed the spec), and scheduled tags whose interval has
 * passed since their last import (`lastAttempt` covers imports that found nothing new and so wrote
 * nothing). Also returns in how many milliseconds the next scheduled tag falls due.
 */
/** How much longer the status of an import that just wrote this stream's spec may take (undefined: none is on its way). */
export function statusWaitMs(stream: ImageStream, nowMs: number): number | undefined {
  // Bounded both ways, so a client clock that runs ahead cannot hold imports back for long.
  const sinceStamp = nowMs - time(stream.metadata.annotations?.[REPOSITORY_CHECK_ANNOTATION]);
  return sinceStamp > -importStatusGraceMs && sinceStamp < importStatusGraceMs
    ? importStatusGraceMs - sinceStamp
    : undefined;
}

export function dueImports(
  stream: ImageStream,
  nowMs: number,
  intervalMs: number,
  lastAttempt: (tag: string) => number,
  hinted: (tag: string) => boolean = () => false,
): { due: DueImport[]; nextDueInMs?: number; statusWaitMs?: number } {
  const due: DueImport[] = [];
  let nextDueInMs: number | undefined;
  let statusWait: number | undefined;
  const grace = statusWaitMs(stream, nowMs);
  for (const ref of stream.spec.tags ?? []) {
    if (!fromRegistry(ref)) continue;
    const request: TagImportRequest = {
      tag: ref.name,
      from: ref.from.name,
      importPolicy: ref.importPolicy ?? {},
      referencePolicy: ref.referencePolicy ?? { type: 'Source' },
    };
    const registry = registryOf(ref.from.name);
    const generation = ref.generation ?? undefined;
    if (generation !== undefined && generation !== null && generation > latestObservedGeneration(stream, ref.name)) {
      if (grace !== undefined) statusWait = grace;
      else due.push({ request, kind: 'spec', registry });
      continue;
    }
    if (hinted(ref.name)) {
      due.push({ request, kind: 'event', registry });
      continue;
    }
    if (ref.importPolicy?.scheduled !== true) continue;
    const last = Math.max(lastImportTime(stream, ref.name), lastAttempt(ref.name));
    const wait = last + intervalMs - nowMs;
    if (wait <= 0) due.push({ request, kind: 'scheduled', registry });
    else nextDueInMs = Math.min(nextDueInMs ?? wait, wait);
  }
  return { due, nextDueInMs, ...(statusWait === undefined ? {} : { statusWaitMs: statusWait }) };
}

/** Aliases (`from: {kind: ImageStreamTag, name: "8"}` in the same stream) take their target's current item. */
export function syncAliases(current: ImageStream | undefined): StreamChange | undefined {
  if (!current) return undefined;
  const next = structuredClone(current);
  const changed = updateChangedTrackingTags(next, undefined) > 0;
  return { stream: next, changed, specChanged: false, statusChanged: changed };
}

/** Whether the stream asks for its whole repository: OpenShift imports it once, until the repository check annotation is cleared. */
export function repositoryImportDue(stream: ImageStream): boolean {
  return Boolean(stream.spec.dockerImageRepository) && !stream.metadata.annotations?.[REPOSITORY_CHECK_ANNOTATION];
}

/**
 * Applies OpenShift's image stream strategy to what any client wrote (core/imagestream's
 * normaliseSpec), then imports the stream's due tags, at most the registry budget allows, and
 * records the results. Returns when the stream should be looked at again (undefined: only when it
 * changes).
 */
export class ImportReconciler {
  private readonly attempts = new Map<string, number>();
  /** Tags a registry event named, per stream key, until their import is granted. */
  private readonly hints = new Map<string, Set<string>>();
  /** Streams whose observed-spec record is behind a writer that applied the strategy itself: since when, at which version. */
  private readonly recordBehind = new Map<string, { resourceVersion: string | undefined; sinceMs: number }>();

  constructor(private readonly deps: ImportReconcilerDeps) {}

  /** Imports `tag` of the stream at its next reconcile, whatever its schedule: a registry event named it. */
  hint(namespace: string, name: string, tag: string): void {
    const key = `${namespace}/${name}`;
    let tags = this.hints.get(key);
    if (!tags) this.hints.set(key, (tags = new Set()));
    tags.add(tag);
  }

  async reconcile(namespace: string, name: string): Promise<number | undefined> {
    const stream = this.deps.cached(namespace, name);
    const key = `${namespace}/${name}`;
    if (!stream) {
      this.recordBehind.delete(key);
      this.hints.delete(key);
      return undefined;
    }
    const nowMs = this.deps.now().getTime();
    const sources = await this.deps.sourceStreams(stream);
    const strategyWait = await this.applyStrategy(stream, key, nowMs, sources);
    if (strategyWait === 'written') return undefined; // the write comes back as a change
    // Checked on the cached copy first: most stream changes leave aliases as they are.
    if (syncAliases(stream)?.changed) await this.deps.update(namespace, name, syncAliases);
    const lastAttempt = (tag: string): number => this.attempts.get(`${key}:${tag}`) ?? 0;
    const hinted = this.hints.get(key);
    // Events another replica received and recorded on the stream count as hints given here.
    const requested = importRequests(stream);
    const { due, nextDueInMs, statusWaitMs } = dueImports(
      stream,
      nowMs,
      this.deps.intervalMs,
      lastAttempt,
      (tag) => (hinted?.has(tag) ?? false) || Object.hasOwn(requested, tag),
    );
    // A hint for a tag the stream no longer imports from a registry is spent.
    for (const tag of hinted ?? []) if (!due.some((d) => d.request.tag === tag)) hinted?.delete(tag);
    const repository = repositoryImportDue(stream) ? stream.spec.dockerImageRepository! : undefined;
    let next = nextDueInMs;
    const take = (registry: string): boolean => {
      const wait = this.deps.budget.take(registry);
      if (wait > 0) next = Math.min(next ?? wait, wait);
      return wait === 0;
    };
    const granted = due.filter((d) => take(d.registry));
    const served: Record<string, string> = {};
    for (const d of granted) {
      hinted?.delete(d.request.tag);
      if (Object.hasOwn(requested, d.request.tag)) served[d.request.tag] = requested[d.request.tag]!;
    }
    if (hinted?.size === 0) this.hints.delete(key);
    const wholeRepository = repository !== undefined && take(registryOf(repository));
    if (granted.length > 0 || wholeRepository) {
      const session = await this.deps.openSession(namespace);
      let results: TagImportResult[];
      let kinds: ImportKind[];
      try {
        const source = this.watchRateLimits(session.source);
        const requests = granted.map((d) => d.request);
        kinds = granted.map((d) => d.kind);
        if (wholeRepository) {
          const extra = await this.repositoryRequests(stream, repository, source, requests);
          requests.push(...extra);
          kinds.push(...extra.map((): ImportKind => 'repository'));
        }
        results = await this.importAllowed(source, requests);
      } finally {
        await session.close();
        if (session.requestCounts) this.deps.onRegistryRequests?.(session.requestCounts());
      }
      for (const r of results) this.attempts.set(`${key}:${r.request.tag}`, nowMs);
      const now = this.deps.now();
      await this.deps.update(namespace, name, (current) => {
        if (!current) return undefined;
        // A client changed the spec since it was read: the strategy first, the imports again after.
        const strategy = normaliseSpec(current, now, sources);
        if (strategy.applied) return strategy.change;
        return withoutServedRequests(recordObservedSpec(applyImportResults(current, results, now)), served, (tag) =>
          importsFromRegistry(current, tag),
        );
      });
      results.forEach((r, i) => this.deps.onImport?.(kinds[i]!, r, { namespace, name }));
      if (granted.some((d) => d.request.importPolicy.scheduled))
        next = Math.min(next ?? this.deps.intervalMs, this.deps.intervalMs);
    }
    // Up to a tenth of the interval of jitter, so streams imported together drift apart.
    const scheduled =
      next === undefined ? undefined : next + Math.floor(this.deps.random() * this.deps.intervalMs * 0.1);
    // The status an import is writing usually lands first and wakes the stream by itself.
    const waits = [scheduled, statusWaitMs, strategyWait].filter((w): w is number => w !== undefined);
    return waits.length === 0 ? undefined : Math.min(...waits);
  }

  /**
   * Writes the strategy's result when a client skipped it. A record that is only behind a writer
   * that applied the strategy itself (the CLI writes spec, then status) is brought up to date once
   * the stream has been quiet for the status grace, so that write never races the writer's status.
   */
  private async applyStrategy(
    stream: ImageStream,
    key: string,
    nowMs: number,
    sources: StreamLookup,
  ): Promise<number | 'written' | undefined> {
    const { namespace = '', name } = stream.metadata;
    const pendingStatus = statusWaitMs(stream, nowMs);
    if (pendingStatus !== undefined) return pendingStatus;
    const now = new Date(nowMs);
    const preview = normaliseSpec(stream, now, sources);
    if (!preview.change.changed) {
      this.recordBehind.delete(key);
      return undefined;
    }
    if (!preview.applied) {
      const behind = this.recordBehind.get(key);
      if (behind === undefined || behind.resourceVersion !== stream.metadata.resourceVersion) {
        this.recordBehind.set(key, { resourceVersion: stream.metadata.resourceVersion, sinceMs: nowMs });
        return importStatusGraceMs;
      }
      if (nowMs - behind.sinceMs < importStatusGraceMs) return importStatusGraceMs - (nowMs - behind.sinceMs);
    }
    this.recordBehind.delete(key);
    await this.deps.update(namespace, name, (current) =>
      current ? normaliseSpec(current, now, sources).change : undefined,
    );
    return 'written';
  }

  /**
   * spec.dockerImageRepository: the repository's first tags by OpenShift's priority (50 at most),
   * except those a spec tag imports already. A repository whose tags cannot be listed is recorded
   * as checked (as OpenShift does) and reported.
   */
  private async repositoryRequests(
    stream: ImageStream,
    repository: string,
    source: ImageSource,
    specRequests: TagImportRequest[],
  ): Promise<TagImportRequest[]> {
    const insecure = stream.metadata.annotations?.[INSECURE_REPOSITORY_ANNOTATION] === 'true';
    const refused = await this.refusal(repository, insecure);
    if (refused !== undefined) {
      this.deps.onRepositoryFailure?.(
        { namespace: stream.metadata.namespace ?? '', name: stream.metadata.name },
        repository,
        refused,
      );
      return [];
    }
    const specTags = new Set((stream.spec.tags ?? []).map((t) => t.name));
    try {
      const plan = await planRepositoryImport(
        source,
        repository,
        { importPolicy: { insecure }, referencePolicy: { type: 'Source' } },
        DEFAULT_MAX_TAGS_PER_IMPORT,
        { namesBeyondCap: false },
      );
      const taken = new Set(specRequests.map((r) => r.tag));
      return plan.requests.filter((r) => !taken.has(r.tag) && !specTags.has(r.tag));
    } catch (error) {
      if (!(error instanceof ImageSourceError)) throw error;
      this.deps.onRepositoryFailure?.(
        { namespace: stream.metadata.namespace ?? '', name: stream.metadata.name },
        repository,
        error.message,
      );
      return [];
    }
  }

  /** An unparseable reference is left to the import, which reports it. */
  private async refusal(reference: string, insecure: boolean): Promise<string | undefined> {
    const registry = registryOf(reference);
    return registry === '' ? undefined : this.deps.refusal?.(registry, insecure);
  }

  /** Imports what the registry policy allows; a refused tag is a failed import (reason Forbidden) in its status. */
  private async importAllowed(source: ImageSource, requests: TagImportRequest[]): Promise<TagImportResult[]> {
    const results: TagImportResult[] = new Array(requests.length);
    const allowed: number[] = [];
    for (const [i, request] of requests.entries()) {
      const refused = await this.refusal(request.from, request.importPolicy.insecure === true);
      if (refused === undefined) allowed.push(i);
      else results[i] = { request, outcome: { ok: false, reason: 'Forbidden', message: refused } };
    }
    const imported = await importTags(
      source,
      allowed.map((i) => requests[i]!),
    );
    allowed.forEach((i, k) => {
      results[i] = imported[k]!;
    });
    return results;
  }

  /** A 429 from a registry pauses every import from it, not just this tag's, for as long as it asked. */
  private watchRateLimits(source: ImageSource): ImageSource {
    const observe = <T>(answer: SourceAnswer<T>): SourceAnswer<T> => {
      if (answer.kind === 'rate-limited') this.deps.budget.pause(answer.registry, answer.retryAfterMs);
      return answer;
    };
    return {
      resolve: async (reference, options) => observe(await source.resolve(reference, options)),
      listTags: async (reference, options) => observe(await source.listTags(reference, options)),
    };
  }
}
