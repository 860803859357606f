import type { KubernetesObject } from '@kubernetes/client-node';
import { KubeJson, isStatus } from './kube-json.js';

export const eventSource = 'istream-controller';

export interface EventRecorder {
  /** Queues an Event; it is written in the background so a reconcile never waits for it. */
  record(obj: KubernetesObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

interface Recorded { name: string; namespace: string; count: number; at: number }

interface QueuedEvent { obj: KubernetesObject; type: 'Normal' | 'Warning'; reason: string; message: string }

/**
 * Events in flight at once. A stream move that rolls 1,000 workloads makes 1,000 Events; written
 * as they come they would take most of the connection pool and the apiserver's time from the
 * workload writes themselves. Like client-go's broadcaster, they are written behind, a few at a time.
 */
const eventWriters = 2;

/**
 * Writes core/v1 Events (what `kubectl describe` lists). A repeat of the same event on the same
 * object within ten minutes bumps its count instead of adding another, as kubelet and the
 * controller-manager do, so a trigger refused on every resync does not flood the namespace.
 */
export class KubeEventRecorder implements EventRecorder {
  private readonly recent = new Map<string, Recorded>();
  private readonly queued: QueuedEvent[] = [];
  private readonly writers = new Set<Promise<void>>();

  constructor(private readonly api: KubeJson, private readonly host: string, private readonly onError: (error: unknown) => void) {}

  record(obj: KubernetesObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.queued.push({ obj, type, reason, message });
    if (this.writers.size >= eventWriters) return;
    const writer = this.drain();
    this.writers.add(writer);
    void writer.finally(() => this.writers.delete(writer));
  }

  /** Waits for the Events still queued or being written (on shutdown). */
  async flush(): Promise<void> {
    while (this.writers.size > 0) await Promise.all([...this.writers]);
  }

  private async drain(): Promise<void> {
    for (let next = this.queued.shift(); next; next = this.queued.shift()) {
      await this.write(next.obj, next.type, next.reason, next.message).catch(this.onError);
    }
  }

  private async write(obj: KubernetesObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    const namespace = obj.metadata?.namespace ?? 'default';
    const uid = obj.metadata?.uid ?? '';
    const key = `${uid}\u0000${type}\u0000${reason}\u0000${message}`;
    const now = new Date();
    const prior = this.recent.get(key);
    if (prior && now.getTime() - prior.at < 10 * 60_000) {
      prior.count += 1;
      prior.at = now.getTime();
      try {
        await this.api.call(`/api/v1/namespaces/${encodeURIComponent(prior.namespace)}/events/${encodeURIComponent(prior.name)}`, {
          method: 'PATCH', contentType: 'application/merge-patch+json',
          body: { count: prior.count, lastTimestamp: now.toISOString() },
        });
        return;
      } catch (error) {
        if (!isStatus(error, 404)) throw error;
      }
    }
    const name = `${obj.metadata?.name ?? 'object'}.${now.getTime().toString(16)}${Math.floor(Math.random() * 0xfff).toString(16)}`;
    await this.api.call(`/api/v1/namespaces/${encodeURIComponent(namespace)}/events`, {
      method: 'POST',
      body: {
        apiVersion: 'v1', kind: 'Event',
        metadata: { name, namespace },
        involvedObject: {
          apiVersion: obj.apiVersion, kind: obj.kind, namespace, name: obj.metadata?.name,
          uid, resourceVersion: obj.metadata?.resourceVersion,
        },
        type, reason, message,
        source: { component: eventSource, host: this.host },
        reportingComponent: eventSource, reportingInstance: this.host,
        firstTimestamp: now.toISOString(), lastTimestamp: now.toISOString(), count: 1,
      },
    });
    this.recent.set(key, { name, namespace, count: 1, at: now.getTime() });
    if (this.recent.size > 10_000) this.recent.delete(this.recent.keys().next().value as string);
  }
}
