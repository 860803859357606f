import {
  resourcePath,
  startInformer,
  type KubeClient,
  type KubeObject,
  type ResourceInformer,
} from '../cluster/index.js';
import { IMAGE_API_VERSION, IMAGE_STREAM_PLURAL, type ImageStream } from '../imagestream/index.js';
import { workloadKinds, type WorkloadKind } from './workload-kinds.js';
import { trimWorkload } from './workload-trim.js';

export type StreamObject = ImageStream & KubeObject;

/**
 * `handler`, called one turn of the event loop after the change it is given. For readers of stream
 * changes whose work is not what a stream move waits for (imports, which go to a registry anyway,
 * and lookup policies): the trigger controller reconciles in the turn a change arrives in, so the
 * writes of a stream move are sent before these take the CPU.
 * Ahead of the write, the import reconcile's spec check was a fifth of the controller's CPU per
 * move at one workload (CPU profile, BENCHMARKS.md).
 */
export function afterTriggerWrites<T>(handler: (value: T) => void): (value: T) => void {
  return (value) => {
    setImmediate(handler, value);
  };
}

/**
 * Streams are cached whole (imports, admission and the event index read spec, status and
 * annotations) but for the API server's bookkeeping: managedFields and kubectl's last-applied copy,
 * which no reader needs and which double a stream's size. Every stream write reads the stream afresh.
 */
function trimStream(stream: StreamObject): StreamObject {
  const metadata: StreamObject['metadata'] & { managedFields?: unknown } = { ...stream.metadata };
  delete metadata.managedFields;
  if (metadata.annotations) {
    metadata.annotations = { ...metadata.annotations };
    delete metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'];
  }
  return { ...stream, metadata };
}

/**
 * What the controllers read from the shared caches and how they hear of changes. The manager
 * owns one set of informers (one watch per resource, whatever number of controllers read it), as
 * controller-runtime's cache does; controllers register their handlers before it starts.
 */
export interface InformerSource {
  onStreamChange(handler: (stream: StreamObject) => void): void;
  onWorkloadChange(handler: (kind: WorkloadKind, obj: KubeObject) => void): void;
  onWorkloadDelete(handler: (kind: WorkloadKind, obj: KubeObject) => void): void;
  stream(namespace: string, name: string): StreamObject | undefined;
  /** The cached workload with `apiVersion` and `kind` filled in (list results lack them). */
  workload(kind: WorkloadKind, namespace: string, name: string): KubeObject | undefined;
  /**
   * A workload write of ours, conditional on the cached version `basedOn`: cached at once, and its
   * watch event dropped unread (`ResourceInformer.assumeWritten`).
   */
  assumeWorkload(kind: WorkloadKind, written: KubeObject, basedOn: string): void;
}

export interface SharedCaches extends InformerSource {
  start(): void;
  /** Resolves once every informer's first list has landed. */
  synced(): Promise<void>;
  hasSynced(): boolean;
  stop(): Promise<void>;
}

/** Whether two trimmed versions of a workload hold the same (resourceVersion aside). */
function sameBesidesVersion(a: KubeObject, b: KubeObject): boolean {
  const unversioned = (o: KubeObject): string =>
    JSON.stringify({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
  return unversioned(a) === unversioned(b);
}

/** Image streams and the four workload kinds, in one namespace or all, from list+watch. */
export class SharedInformers implements SharedCaches {
  private readonly streamHandlers: Array<(stream: StreamObject) => void> = [];
  private readonly streamDeleteHandlers: Array<(stream: StreamObject) => void> = [];
  private readonly changeHandlers: Array<(kind: WorkloadKind, obj: KubeObject) => void> = [];
  private readonly deleteHandlers: Array<(kind: WorkloadKind, obj: KubeObject) => void> = [];
  private streams?: ResourceInformer<StreamObject>;
  private readonly workloads = new Map<WorkloadKind, ResourceInformer<KubeObject>>();

  constructor(
    private readonly api: KubeClient,
    private readonly namespace: string | undefined,
    private readonly onError: (resource: string, error: unknown) => void,
  ) {}

  onStreamChange(handler: (stream: StreamObject) => void): void {
    this.streamHandlers.push(handler);
  }

  onWorkloadChange(handler: (kind: WorkloadKind, obj: KubeObject) => void): void {
    this.changeHandlers.push(handler);
  }

  onStreamDelete(handler: (stream: StreamObject) => void): void {
    this.streamDeleteHandlers.push(handler);
  }

  /** The cached streams of one namespace, or of all. */
  streamsIn(namespace?: string): readonly StreamObject[] {
    return this.streams?.list(namespace) ?? [];
  }

  onWorkloadDelete(handler: (kind: WorkloadKind, obj: KubeObject) => void): void {
    this.deleteHandlers.push(handler);
  }

  start(): void {
    this.streams = startInformer<StreamObject>(
      this.api,
      resourcePath(IMAGE_API_VERSION, IMAGE_STREAM_PLURAL, this.namespace),
      {
        onChange: (stream) => {
          for (const h of this.streamHandlers) h(stream);
        },
        onDelete: (stream) => {
          for (const h of this.streamDeleteHandlers) h(stream);
        },
        onError: (e) => this.onError(IMAGE_STREAM_PLURAL, e),
      },
      { transform: trimStream },
    );
    for (const kind of workloadKinds) {
      this.workloads.set(
        kind,
        startInformer<KubeObject>(
          this.api,
          resourcePath(kind.apiVersion, kind.resource, this.namespace),
          {
            onChange: (obj, previous) => {
              // The deployment controller's status writes change nothing the trimmed copy holds:
              // at 10,000 workloads they were most of the reconciles.
              if (previous && sameBesidesVersion(previous, obj)) return;
              for (const h of this.changeHandlers) h(kind, obj);
            },
            onDelete: (obj) => {
              for (const h of this.deleteHandlers) h(kind, obj);
            },
            onError: (e) => this.onError(kind.resource, e),
          },
          { transform: (obj) => trimWorkload(kind, obj) },
        ),
      );
    }
  }

  stream(namespace: string, name: string): StreamObject | undefined {
    return this.streams?.get(name, namespace);
  }

  workload(kind: WorkloadKind, namespace: string, name: string): KubeObject | undefined {
    const obj = this.workloads.get(kind)?.get(name, namespace);
    // Trimmed annotated workloads carry their kind already.
    return obj && obj.kind === undefined ? { ...obj, apiVersion: kind.apiVersion, kind: kind.kind } : obj;
  }

  assumeWorkload(kind: WorkloadKind, written: KubeObject, basedOn: string): void {
    this.workloads.get(kind)?.assumeWritten(written, basedOn);
  }

  private all(): Array<ResourceInformer<KubeObject>> {
    return [...(this.streams ? [this.streams] : []), ...this.workloads.values()];
  }

  async synced(): Promise<void> {
    await Promise.all(this.all().map((i) => i.synced()));
  }

  hasSynced(): boolean {
    const all = this.all();
    return all.length > 0 && all.every((i) => i.hasSynced());
  }

  async stop(): Promise<void> {
    await Promise.all(this.all().map((i) => i.stop()));
  }
}
