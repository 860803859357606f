import { isNotFound, resourcePath, type KubeClient, type KubeObject } from '../cluster/index.js';

export const eventSource = 'istream-controller';

export interface EventRecorder {
  /** Queues an Event; it is written in the background so a reconcile never waits for it. */
  record(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

interface Recorded {
  name: string;
  namespace: string;
  count: number;
  at: number;
}

interface QueuedEvent {
  /** Object, type, reason and message: what makes two Events the same one. */
  key: string;
  obj: KubeObject;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** How often it was recorded while it waited. */
  occurrences: number;
  /** When it was first recorded (performance.now()). */
  queuedAt: number;
}

/**
 * Events in flight at once while the controller may be busy. A stream move that rolls 1,000
 * workloads makes 1,000 Events; written as they come they would take most of the connection pool
 * and the apiserver's time from the workload writes themselves. Like client-go's broadcaster,
 * they are written behind, a few at a time.
 */
const eventWriters = 2;

/**
 * Events in flight at once while nothing holds them back (`yieldTo`): the controller is idle and
 * the API server has no workload writes of ours to serve. Two at a time took longer than the next
 * stream move 100 s later to post a roll of 10,000 (BENCHMARKS.md), and Events past their wait
 * bound then went on during that roll.
 */
const idleEventWriters = 8;

/**
 * What an Event names of its object. A roll of 10,000 workloads queues 10,000 Events behind the
 * writes; each holds this, not the whole object the write answered with.
 */
function involvedObject(obj: KubeObject): KubeObject {
  const { name, namespace, uid, resourceVersion } = obj.metadata ?? {};
  return { apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name, namespace, uid, resourceVersion } };
}

/** How often a writer held back by `yieldTo` looks again. */
const yieldPollMs = 100;

/** How long a repeat bumps the count of the Event already written instead of adding another. */
const aggregationWindowMs = 10 * 60_000;

/**
 * Writes core/v1 Events (what `kubectl describe` lists). A repeat of the same event on the same
 * object within ten minutes bumps its count instead of adding another, as kubelet and the
 * controller-manager do, so a trigger refused on every resync does not flood the namespace.
 * Repeats that arrive while the first is still waiting or being written are folded into it.
 */
export class KubeEventRecorder implements EventRecorder {
  private readonly recent = new Map<string, Recorded>();
  /** In the order recorded; a key is queued at most once. */
  private readonly queued = new Map<string, QueuedEvent>();
  /** Keys being written now: their repeats wait, so they bump this Event rather than race it. */
  private readonly writing = new Set<string>();
  private readonly writers = new Set<Promise<void>>();
  /** Writers that have not returned: counted as they start and as they stop, not when they settle. */
  private running = 0;
  private holdsBack: (waitedMs: number) => boolean = () => false;
  private flushing = false;

  constructor(
    private readonly api: KubeClient,
    private readonly host: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  record(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const key = `${obj.metadata?.uid ?? ''}\u0000${type}\u0000${reason}\u0000${message}`;
    const waiting = this.queued.get(key);
    if (waiting) {
      waiting.occurrences += 1;
      return;
    }
    this.queued.set(key, {
      key,
      obj: involvedObject(obj),
      type,
      reason,
      message,
      occurrences: 1,
      queuedAt: performance.now(),
    });
    this.addWriters(eventWriters);
  }

  /** Starts writers up to `limit`, no more than there are Events for. */
  private addWriters(limit: number): void {
    while (this.running < Math.min(limit, this.queued.size)) {
      this.running += 1;
      const writer = this.drain();
      this.writers.add(writer);
      void writer.finally(() => this.writers.delete(writer));
    }
  }

  /**
   * Events wait while `holdsBack` says so, given how long the oldest queued one has waited: a roll
   * of 10,000 workloads then reaches the API server alone and its Events follow it (on shutdown
   * they are written at once). The caller bounds the wait; a writer that never stops being busy
   * must still report what it did.
   */
  yieldTo(holdsBack: (waitedMs: number) => boolean): void {
    this.holdsBack = holdsBack;
  }

  /** Waits for the Events still queued or being written (on shutdown). */
  async flush(): Promise<void> {
    this.flushing = true;
    while (this.writers.size > 0) await Promise.all([...this.writers]);
  }

  /** How long the oldest queued Event has waited (0 if none waits). */
  private oldestWaitedMs(): number {
    const oldest = this.queued.values().next().value;
    return oldest === undefined ? 0 : performance.now() - oldest.queuedAt;
  }

  /** The oldest queued Event whose key is not being written; a writer that finds none stops. */
  private next(): QueuedEvent | undefined {
    for (const [key, event] of this.queued) {
      if (this.writing.has(key)) continue;
      this.queued.delete(key);
      return event;
    }
    return undefined;
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        while (!this.flushing && this.holdsBack(this.oldestWaitedMs())) {
          await new Promise((resolve) => setTimeout(resolve, yieldPollMs));
        }
        // Past their wait bound, Events still go no more than two at a time while the controller
        // is busy; once nothing holds them back, more writers join.
        const idle = this.flushing || !this.holdsBack(0);
        if (!idle && this.running > eventWriters) return;
        if (idle) this.addWriters(idleEventWriters);
        const event = this.next();
        if (!event) return;
        this.writing.add(event.key);
        try {
          await this.write(event);
        } catch (error) {
          this.onError(error);
        } finally {
          this.writing.delete(event.key);
        }
      }
    } finally {
      this.running -= 1;
    }
  }

  private async write(event: QueuedEvent): Promise<void> {
    const { obj, type, reason, message, key, occurrences } = event;
    const namespace = obj.metadata?.namespace ?? 'default';
    const now = new Date();
    const prior = this.recent.get(key);
    if (prior && now.getTime() - prior.at < aggregationWindowMs) {
      prior.count += occurrences;
      prior.at = now.getTime();
      try {
        await this.api.call(resourcePath('v1', 'events', prior.namespace, prior.name), {
          method: 'PATCH',
          contentType: 'application/merge-patch+json',
          body: { count: prior.count, lastTimestamp: now.toISOString() },
        });
        return;
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    const name = `${obj.metadata?.name ?? 'object'}.${now.getTime().toString(16)}${Math.floor(Math.random() * 0xfff).toString(16)}`;
    await this.api.call(resourcePath('v1', 'events', namespace), {
      method: 'POST',
      body: {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace },
        involvedObject: {
          apiVersion: obj.apiVersion,
          kind: obj.kind,
          namespace,
          name: obj.metadata?.name,
          uid: obj.metadata?.uid ?? '',
          resourceVersion: obj.metadata?.resourceVersion,
        },
        type,
        reason,
        message,
        source: { component: eventSource, host: this.host },
        reportingComponent: eventSource,
        reportingInstance: this.host,
        firstTimestamp: now.toISOString(),
        lastTimestamp: now.toISOString(),
        count: occurrences,
      },
    });
    this.recent.set(key, { name, namespace, count: occurrences, at: now.getTime() });
    if (this.recent.size > 10_000) this.recent.delete(this.recent.keys().next().value as string);
  }
}
