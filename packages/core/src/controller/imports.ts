// Spec and scheduled imports: what OpenShift's image import controller and scheduled import
// controller do, on top of core/imagestream's importer and status rules and core/cluster's
// conflict-safe stream update.
import {
  applyImportResults, importTags, latestObservedGeneration, REPOSITORY_CHECK_ANNOTATION, statusTag,
  updateChangedTrackingTags, type ImageSource, type ImageStream, type ImportSession, type SourceAnswer, type StreamChange,
  type TagImportRequest, type TagImportResult,
} from '../imagestream/index.js';
import { parseImageReference } from '../reference/index.js';
import type { RegistryBudget } from './registry-budget.js';

export type ImportKind = 'spec' | 'scheduled';

export interface DueImport {
  request: TagImportRequest;
  kind: ImportKind;
  registry: string;
}

export interface ImportReconcilerDeps {
  cached(namespace: string, name: string): ImageStream | undefined;
  /** core/cluster's ImageStreamClient.update: read, change, write with resourceVersion, retry on 409. */
  update(namespace: string, name: string, change: (current: ImageStream | undefined) => StreamChange | undefined): Promise<unknown>;
  /** A registry session with the namespace's pull secrets. */
  openSession(namespace: string): Promise<ImportSession>;
  budget: RegistryBudget;
  intervalMs: number;
  now(): Date;
  /** In [0, 1): spreads scheduled imports so streams imported together drift apart. */
  random(): number;
  onImport?(kind: ImportKind, result: TagImportResult, stream: { namespace: string; name: string }): void;
}

const time = (value: string | undefined): number => (value ? Date.parse(value) : 0) || 0;

/** When the tag was last imported, as far as the stream records it. */
function lastImportTime(stream: ImageStream, tag: string): number {
  const list = statusTag(stream, tag);
  const condition = list?.conditions?.find((c) => c.type === 'ImportSuccess');
  return Math.max(time(list?.items?.[0]?.created), time(condition?.lastTransitionTime),
    time(stream.metadata.annotations?.[REPOSITORY_CHECK_ANNOTATION]));
}

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
export function dueImports(
  stream: ImageStream, nowMs: number, intervalMs: number, lastAttempt: (tag: string) => number,
): { due: DueImport[]; nextDueInMs?: number; statusWaitMs?: number } {
  const due: DueImport[] = [];
  let nextDueInMs: number | undefined;
  let statusWaitMs: number | undefined;
  // Bounded both ways, so a client clock that runs ahead cannot hold imports back for long.
  const sinceStamp = nowMs - time(stream.metadata.annotations?.[REPOSITORY_CHECK_ANNOTATION]);
  const statusOnItsWay = sinceStamp > -importStatusGraceMs && sinceStamp < importStatusGraceMs;
  for (const ref of stream.spec.tags ?? []) {
    if (ref.from?.kind !== 'DockerImage' || ref.reference === true || !ref.from.name) continue;
    const request: TagImportRequest = {
      tag: ref.name, from: ref.from.name,
      importPolicy: ref.importPolicy ?? {},
      referencePolicy: ref.referencePolicy ?? { type: 'Source' },
    };
    const registry = registryOf(ref.from.name);
    const generation = ref.generation ?? undefined;
    if (generation !== undefined && generation !== null && generation > latestObservedGeneration(stream, ref.name)) {
      if (statusOnItsWay) statusWaitMs = importStatusGraceMs - sinceStamp;
      else due.push({ request, kind: 'spec', registry });
      continue;
    }
    if (ref.importPolicy?.scheduled !== true) continue;
    const last = Math.max(lastImportTime(stream, ref.name), lastAttempt(ref.name));
    const wait = last + intervalMs - nowMs;
    if (wait <= 0) due.push({ request, kind: 'scheduled', registry });
    else nextDueInMs = Math.min(nextDueInMs ?? wait, wait);
  }
  return { due, nextDueInMs, ...(statusWaitMs === undefined ? {} : { statusWaitMs }) };
}

/** Aliases (`from: {kind: ImageStreamTag, name: "8"}` in the same stream) take their target's current item. */
export function syncAliases(current: ImageStream | undefined): StreamChange | undefined {
  if (!current) return undefined;
  const next = structuredClone(current);
  const changed = updateChangedTrackingTags(next, undefined) > 0;
  return { stream: next, changed, specChanged: false, statusChanged: changed };
}

/**
 * Imports one stream's due tags, at most the registry budget allows, and records the results.
 * Returns when the stream should be looked at again (undefined: only when it changes).
 */
export class ImportReconciler {
  private readonly attempts = new Map<string, number>();

  constructor(private readonly deps: ImportReconcilerDeps) {}

  async reconcile(namespace: string, name: string): Promise<number | undefined> {
    const stream = this.deps.cached(namespace, name);
    if (!stream) return undefined;
    const key = `${namespace}/${name}`;
    // Checked on the cached copy first: most stream changes leave aliases as they are.
    if (syncAliases(stream)?.changed) await this.deps.update(namespace, name, syncAliases);
    const nowMs = this.deps.now().getTime();
    const lastAttempt = (tag: string): number => this.attempts.get(`${key}:${tag}`) ?? 0;
    const { due, nextDueInMs, statusWaitMs } = dueImports(stream, nowMs, this.deps.intervalMs, lastAttempt);
    let next = nextDueInMs;
    const granted = due.filter((d) => {
      const wait = this.deps.budget.take(d.registry);
      if (wait > 0) next = Math.min(next ?? wait, wait);
      return wait === 0;
    });
    if (granted.length > 0) {
      const session = await this.deps.openSession(namespace);
      let results;
      try {
        results = await importTags(this.watchRateLimits(session.source), granted.map((d) => d.request));
      } finally {
        await session.close();
      }
      for (const d of granted) this.attempts.set(`${key}:${d.request.tag}`, nowMs);
      const now = this.deps.now();
      await this.deps.update(namespace, name, (current) => (current ? applyImportResults(current, results, now) : undefined));
      results.forEach((r, i) => this.deps.onImport?.(granted[i]!.kind, r, { namespace, name }));
      if (granted.some((d) => d.request.importPolicy.scheduled)) next = Math.min(next ?? this.deps.intervalMs, this.deps.intervalMs);
    }
    // Up to a tenth of the interval of jitter, so streams imported together drift apart.
    const scheduled = next === undefined ? undefined : next + Math.floor(this.deps.random() * this.deps.intervalMs * 0.1);
    // The status an import is writing usually lands first and wakes the stream by itself.
    return statusWaitMs === undefined ? scheduled : Math.min(scheduled ?? statusWaitMs, statusWaitMs);
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
