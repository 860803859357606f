import { TRIGGER_ANNOTATION } from '../triggers/index.js';
import type { EventRecorder } from './events.js';
import type { KubeClient } from '../cluster/index.js';
import { errorText, type Logger } from './log.js';
import type { Runnable } from './manager.js';
import type { ControllerMetrics } from './metrics.js';
import { triggerStreams, type ReactorInputs } from './reactor.js';
import type { InformerSource } from './shared-informers.js';
import { StreamIndex, streamKey } from './stream-index.js';
import { reconcileWorkload, type TriggerReconcilerDeps } from './trigger-reconciler.js';
import { RateLimitedWarnings } from './warnings.js';
import { WorkQueue } from './workqueue.js';
import { objectKey, workloadKey } from './workload-kinds.js';

export interface TriggerControllerOptions {
  api: KubeClient;
  caches: InformerSource;
  events: EventRecorder;
  metrics: ControllerMetrics;
  log: Logger;
  /** May service accounts of one namespace read streams of another (SubjectAccessReview)? */
  mayRead: ReactorInputs['mayRead'];
  /** The namespace the controller watches; all when undefined. */
  namespace?: string;
  /** Workloads reconciled at once (default 16). */
  workers?: number;
  /** Every workload with triggers is reconciled again this often (catches RBAC changes; default 5 minutes). */
  resyncIntervalMs?: number;
}

/** How long the controller counts as busy after its queue empties. */
const busyAfterIdleMs = 1_000;

/**
 * The longest an Event waits for a queue that keeps emptying and filling again: a cluster whose
 * workloads change more often than once a second is never a second idle.
 */
const eventWaitWhileSettlingMs = 5_000;

/** The longest an Event waits for a backlog of queued workloads (a roll of thousands takes seconds). */
const eventWaitBehindBacklogMs = 60_000;

/**
 * Whether an Event that has waited `waitedMs` should wait longer, given the trigger queue. Every
 * template write starts a rollout that the cluster's own controllers carry out, so Events wait
 * while workloads are queued (a roll under way, up to a minute) and for a second after the queue
 * empties (the roll's last writes are still being acted on, up to five seconds), then go.
 */
export function eventsWait(queue: { queued: number; idleForMs: number }, waitedMs: number): boolean {
  if (queue.queued > 0) return waitedMs < eventWaitBehindBacklogMs;
  return queue.idleForMs < busyAfterIdleMs && waitedMs < eventWaitWhileSettlingMs;
}

/**
 * The image-change trigger controller: an index from stream to the workloads whose triggers name
 * it, and a work queue that reconciles one workload at a time. A stream change wakes exactly its
 * workloads; a workload change (or a resync) wakes itself. Leader only: it writes workloads.
 */
export class TriggerController implements Runnable {
  readonly name = 'triggers';
  readonly needsLeaderElection = true;
  private readonly index = new StreamIndex();
  private readonly queue = new WorkQueue();
  /** When the stream change that queued a workload was observed, for the latency histogram. */
  private readonly queuedForStreamAt = new Map<string, number>();
  private readonly deps: TriggerReconcilerDeps;

  constructor(private readonly options: TriggerControllerOptions) {
    const { caches, metrics } = options;
    caches.onStreamChange((stream) => {
      const { namespace, name } = objectKey(stream);
      const now = performance.now();
      for (const key of this.index.workloadsOf(streamKey(namespace, name))) {
        if (!this.queuedForStreamAt.has(key)) this.queuedForStreamAt.set(key, now);
        this.queue.add(key);
      }
    });
    caches.onWorkloadChange((kind, obj) => {
      const { namespace, name } = objectKey(obj);
      const key = workloadKey(kind.kind, namespace, name);
      const annotated = obj.metadata?.annotations?.[TRIGGER_ANNOTATION] !== undefined;
      const named = annotated ? triggerStreams({ ...obj, kind: kind.kind }) : [];
      this.index.set(
        key,
        named.map((s) => streamKey(s.namespace, s.stream)),
      );
      // An annotation OpenShift would ignore names no stream, but its owner still hears why.
      if (annotated) this.queue.add(key);
    });
    caches.onWorkloadDelete((kind, obj) => {
      const { namespace, name } = objectKey(obj);
      const key = workloadKey(kind.kind, namespace, name);
      this.index.remove(key);
    });
    const watched = options.namespace;
    this.deps = {
      api: options.api,
      events: options.events,
      warnings: new RateLimitedWarnings(options.events, options.log),
      log: options.log,
      inputs: {
        stream: (namespace: string, name: string) => caches.stream(namespace, name),
        mayRead: options.mayRead,
        ...(watched === undefined ? {} : { watches: (namespace: string) => namespace === watched }),
      },
      cached: (kind, namespace, name) => caches.workload(kind, namespace, name),
      // The write goes into the cache, and its watch echo is dropped unread: it is the object this
      // controller just computed, so reconciling it again would only repeat the plan (in a roll of
      // 10,000 workloads, 10,000 reconciles that change nothing). The index stays as it is: the
      // patch never touches the triggers annotation.
      onWrite: (key, kind, written, basedOn) => {
        const version = basedOn.metadata?.resourceVersion;
        if (version) caches.assumeWorkload(kind, written, version);
        metrics.triggerUpdates.inc({ kind: kind.kind });
        const seen = this.queuedForStreamAt.get(key);
        if (seen !== undefined) metrics.triggerLatency.observe((performance.now() - seen) / 1000);
      },
    };
  }

  /** Whether an Event that has waited `waitedMs` should wait longer (see `eventsWait`). */
  holdsEventsBack(waitedMs: number): boolean {
    return eventsWait({ queued: this.queue.length, idleForMs: this.queue.idleForMs() }, waitedMs);
  }

  async start(signal: AbortSignal): Promise<void> {
    const { metrics, log } = this.options;
    const everything = (): void => {
      for (const key of this.index.allWorkloads()) this.queue.add(key);
    };
    log.info('reconciling workloads with triggers', { workloads: this.index.allWorkloads().length });
    everything();
    const resync = setInterval(everything, this.options.resyncIntervalMs ?? 5 * 60_000);
    resync.unref();
    const stop = (): void => {
      clearInterval(resync);
      this.queue.shutDown();
    };
    if (signal.aborted) stop();
    signal.addEventListener('abort', stop, { once: true });
    // Workers finish the reconcile they hold, so no write is cut off halfway.
    await this.queue.run(
      this.options.workers ?? 16,
      async (key) => {
        const stamp = this.queuedForStreamAt.get(key);
        try {
          await reconcileWorkload(this.deps, key);
          metrics.reconciles.inc({ queue: 'triggers', result: 'success' });
        } catch (error) {
          metrics.reconciles.inc({ queue: 'triggers', result: 'error' });
          throw error;
        } finally {
          if (this.queuedForStreamAt.get(key) === stamp) this.queuedForStreamAt.delete(key);
        }
      },
      (key, error) => {
        metrics.reconcileErrors.inc({ queue: 'triggers' });
        log.error('reconcile failed', { workload: key, retry: this.queue.retries(key) + 1, error: errorText(error) });
      },
    );
  }
}
