/** Results kept for `ttlMs` by an injectable clock; a pending lookup is shared, not repeated. */
export class TtlCache<V> {
  private readonly entries = new Map<string, { expires: number; value: Promise<V> }>();

  constructor(private readonly ttlMs: number, private readonly now: () => number, private readonly maxEntries = 500) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.expires > this.now()) return hit.value;
    const value = load();
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { expires: this.now() + this.ttlMs, value });
    return value;
  }
}

export class LookupTimeout extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${(ms / 1000).toFixed(1)} s`);
    this.name = 'LookupTimeout';
  }
}

/**
 * Runs a lookup with a deadline: its signal aborts at `ms` (or with `outer`), and the answer
 * comes by then even if the lookup ignores its signal.
 */
export function withDeadline<T>(ms: number, outer: AbortSignal | undefined, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const signal = outer ? AbortSignal.any([outer, controller.signal]) : controller.signal;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      controller.abort(new LookupTimeout(ms));
      reject(new LookupTimeout(ms));
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(outer?.reason instanceof Error ? outer.reason : new Error('cancelled'));
    };
    outer?.addEventListener('abort', onAbort, { once: true });
    run(signal).then(resolve, reject).finally(() => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    });
  });
}
