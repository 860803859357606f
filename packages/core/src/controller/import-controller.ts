import {
  crossNamespaceSources,
  type ImageStream,
  type ImportSession,
  type StreamChange,
} from '../imagestream/index.js';
import { ImportReconciler } from './imports.js';
import { errorText, type Logger } from './log.js';
import type { Runnable } from './manager.js';
import type { ControllerMetrics } from './metrics.js';
import { RegistryBudget } from './registry-budget.js';
import { RegistryPolicy, type AllowedRegistry } from './registry-policy.js';
import { afterTriggerWrites, type InformerSource } from './shared-informers.js';
import { streamKey } from './stream-index.js';
import { WorkQueue } from './workqueue.js';
import { objectKey } from './workload-kinds.js';

export interface ImportSettings {
  /** A registry session for a namespace's imports (its pull secrets as credentials). */
  openSession(namespace: string): Promise<ImportSession>;
  /** Imports started per registry and minute (default 60). */
  perRegistryPerMinute?: number;
  /**
   * OpenShift's allowedRegistriesForImport: only these registries. Without it, any registry but
   * loopback, link-local and cluster-internal addresses (which only a listed entry opens).
   */
  allowedRegistries?: AllowedRegistry[];
}

export interface ImportControllerOptions extends ImportSettings {
  caches: InformerSource;
  /** core/cluster's ImageStreamClient.update: read, change, write with resourceVersion, retry on 409. */
  update(
    namespace: string,
    name: string,
    change: (current: ImageStream | undefined) => StreamChange | undefined,
  ): Promise<unknown>;
  metrics: ControllerMetrics;
  log: Logger;
  /** The cluster's Service CIDRs, refused as internal addresses. */
  serviceCidrs?: string[];
  /** May service accounts of one namespace read streams of another (SubjectAccessReview)? */
  mayRead(fromNamespace: string, streamNamespace: string): Promise<boolean>;
  /** How often tags with importPolicy.scheduled are imported again (default 15 minutes). */
  intervalMs?: number;
}

/**
 * Spec and scheduled imports (OpenShift's image import and scheduled import controllers): every
 * stream change queues the stream; a reconcile imports its due tags within the per-registry
 * budget and says when to look again. Leader only: it writes streams.
 */
export class ImportController implements Runnable {
  readonly name = 'imports';
  readonly needsLeaderElection = true;
  private readonly queue = new WorkQueue({ baseDelayMs: 1000 });
  private readonly reconciler: ImportReconciler;
  private running = false;

  constructor(private readonly options: ImportControllerOptions) {
    const { caches, metrics, log } = options;
    caches.onStreamChange(
      afterTriggerWrites((stream) => {
        const { namespace, name } = objectKey(stream);
        this.queue.add(streamKey(namespace, name));
      }),
    );
    const policy = new RegistryPolicy({ allowed: options.allowedRegistries, serviceCidrs: options.serviceCidrs });
    this.reconciler = new ImportReconciler({
      refusal: (registry, insecure) => policy.refusal(registry, insecure),
      cached: (namespace, name) => caches.stream(namespace, name),
      update: options.update,
      openSession: options.openSession,
      sourceStreams: async (stream) => {
        // Copying another namespace's tag needs what `system:image-puller` grants there, as on OpenShift.
        const namespace = stream.metadata.namespace ?? '';
        const allowed = new Set<string>([namespace]);
        for (const source of crossNamespaceSources(stream)) {
          if (!allowed.has(source.namespace) && (await options.mayRead(namespace, source.namespace)))
            allowed.add(source.namespace);
        }
        return (ns, name) => (allowed.has(ns) ? caches.stream(ns, name) : undefined);
      },
      onRepositoryFailure: (stream, repository, message) => {
        metrics.imports.inc({ kind: 'repository', result: 'failure' });
        log.warning('import failed', {
          stream: `${stream.namespace}/${stream.name}`,
          from: repository,
          kind: 'repository',
          message,
        });
      },
      budget: new RegistryBudget(options.perRegistryPerMinute ?? 60),
      intervalMs: options.intervalMs ?? 15 * 60_000,
      now: () => new Date(),
      random: Math.random,
      onRegistryRequests: (counts) => metrics.countRegistryRequests(counts),
      onImport: (kind, { request, outcome }, stream) => {
        metrics.imports.inc({ kind, result: outcome.ok ? 'success' : 'failure' });
        const fields = { stream: `${stream.namespace}/${stream.name}`, tag: request.tag, from: request.from, kind };
        if (outcome.ok) log.info('imported', { ...fields, digest: outcome.image, image: outcome.dockerImageReference });
        else log.warning('import failed', { ...fields, reason: outcome.reason, message: outcome.message });
      },
    });
  }

  /**
   * Re-imports these stream tags now (by HEAD, as any import), whatever their schedule: a
   * registry event named them. False when this replica does not run imports (it is not the
   * leader), so the sender can retry and reach the one that does.
   */
  importNow(tags: ReadonlyArray<{ namespace: string; stream: string; tag: string }>): boolean {
    if (!this.running) return false;
    for (const { namespace, stream, tag } of tags) {
      this.reconciler.hint(namespace, stream, tag);
      this.queue.add(streamKey(namespace, stream));
    }
    return true;
  }

  async start(signal: AbortSignal): Promise<void> {
    const { metrics, log } = this.options;
    if (signal.aborted) this.queue.shutDown();
    else this.running = true;
    signal.addEventListener(
      'abort',
      () => {
        this.running = false;
        this.queue.shutDown();
      },
      { once: true },
    );
    await this.queue.run(
      2,
      async (key) => {
        const [namespace = '', name = ''] = key.split('/');
        try {
          const next = await this.reconciler.reconcile(namespace, name);
          metrics.reconciles.inc({ queue: 'imports', result: 'success' });
          if (next !== undefined) this.queue.addAfter(key, next);
        } catch (error) {
          metrics.reconciles.inc({ queue: 'imports', result: 'error' });
          throw error;
        }
      },
      (key, error) => {
        metrics.reconcileErrors.inc({ queue: 'imports' });
        log.error('import failed', { stream: key, retry: this.queue.retries(key) + 1, error: errorText(error) });
      },
    );
  }
}
