/**
 * Runs at most one job per key at a time. Requests that arrive while a key's job runs collapse
 * into one more run of the latest job afterwards, so a slow validation never queues up a backlog
 * of stale ones and the last state always gets validated.
 */
export class KeyedCoalescer<K> {
  private readonly running = new Map<K, { next?: () => Promise<void> }>();

  run(key: K, job: () => Promise<void>): Promise<void> {
    const current = this.running.get(key);
    if (current) {
      current.next = job;
      return Promise.resolve();
    }
    const state: { next?: () => Promise<void> } = {};
    this.running.set(key, state);
    return (async () => {
      try {
        for (let next: (() => Promise<void>) | undefined = job; next; ) {
          state.next = undefined;
          await next();
          next = state.next;
        }
      } finally {
        this.running.delete(key);
      }
    })();
  }
}
