/**
 * Which workloads each image stream feeds: stream key `namespace/name` -> workload keys. Kept
 * current from the workload informers, so a stream change wakes exactly its workloads.
 */
export class StreamIndex {
  private readonly byStream = new Map<string, Set<string>>();
  private readonly byWorkload = new Map<string, Set<string>>();

  /** Replaces what one workload references. */
  set(workload: string, streams: Iterable<string>): void {
    this.remove(workload);
    const set = new Set(streams);
    if (set.size === 0) return;
    this.byWorkload.set(workload, set);
    for (const s of set) {
      let ws = this.byStream.get(s);
      if (!ws) this.byStream.set(s, (ws = new Set()));
      ws.add(workload);
    }
  }

  remove(workload: string): void {
    for (const s of this.byWorkload.get(workload) ?? []) {
      const ws = this.byStream.get(s);
      ws?.delete(workload);
      if (ws?.size === 0) this.byStream.delete(s);
    }
    this.byWorkload.delete(workload);
  }

  workloadsOf(stream: string): readonly string[] {
    return [...(this.byStream.get(stream) ?? [])];
  }

  allWorkloads(): readonly string[] {
    return [...this.byWorkload.keys()];
  }
}

export function streamKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
