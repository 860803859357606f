// Shared informers without a cluster: objects put here are what the caches hold, and putting one
// calls the registered handlers as a watch event would (none for the version already cached).
import type { KubeObject } from '../../src/cluster/index.js';
import type { InformerSource, StreamObject } from '../../src/controller/shared-informers.js';
import { workloadKinds, type WorkloadKind } from '../../src/controller/workload-kinds.js';

const deploymentKind = workloadKinds.find((k) => k.kind === 'Deployment')!;

export class FakeCaches implements InformerSource {
  readonly streams = new Map<string, StreamObject>();
  readonly workloads = new Map<string, KubeObject>();
  private readonly streamHandlers: Array<(s: StreamObject) => void> = [];
  private readonly changeHandlers: Array<(k: WorkloadKind, o: KubeObject) => void> = [];
  onStreamChange(h: (s: StreamObject) => void): void {
    this.streamHandlers.push(h);
  }
  onWorkloadChange(h: (k: WorkloadKind, o: KubeObject) => void): void {
    this.changeHandlers.push(h);
  }
  onWorkloadDelete(): void {}
  stream(_ns: string, name: string): StreamObject | undefined {
    return this.streams.get(name);
  }
  workload(_k: WorkloadKind, _ns: string, name: string): KubeObject | undefined {
    return this.workloads.get(name);
  }
  putStream(s: StreamObject): void {
    this.streams.set(s.metadata!.name!, s);
    for (const h of this.streamHandlers) h(s);
  }
  assumeWorkload(_k: WorkloadKind, written: KubeObject, basedOn: string): void {
    const name = written.metadata!.name!;
    if (this.workloads.get(name)?.metadata?.resourceVersion === basedOn) this.workloads.set(name, written);
  }
  /** A Deployment changed. */
  putWorkload(o: KubeObject): void {
    const version = o.metadata?.resourceVersion;
    if (version !== undefined && this.workloads.get(o.metadata!.name!)?.metadata?.resourceVersion === version) return;
    this.workloads.set(o.metadata!.name!, o);
    for (const h of this.changeHandlers) h(deploymentKind, o);
  }
}

export async function until(what: string, probe: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !probe(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!probe()) throw new Error(`timed out waiting: ${what}`);
}
