/** How long a failed lookup is remembered by default: long enough to spare a flood of retries, short enough that a registry back up is seen at once. */
export const FAILURE_TTL_MS = 5000;

/**
 * Results kept for `ttlMs` by an injectable clock; a pending lookup is shared, not repeated. A
 * failure (a rejection, or a value `failed` says is one) is kept for `failureTtlMs` only.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { expires: number; value: Promise<V> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly maxEntries = 500,
    private readonly failureTtlMs = Math.min(ttlMs, FAILURE_TTL_MS),
  ) {}

  clear(): void {
    this.entries.clear();
  }

  get(key: string, load: () => Promise<V>, failed: (value: V) => boolean = () => false): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.expires > this.now()) return hit.value;
    const value = load();
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    const entry = { expires: this.now() + this.ttlMs, value };
    this.entries.set(key, entry);
    const forgetSoon = (): void => {
      entry.expires = Math.min(entry.expires, this.now() + this.failureTtlMs);
    };
    value.then((v) => {
      if (failed(v)) forgetSoon();
    }, forgetSoon);
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
export function withDeadline<T>(
  ms: number,
  outer: AbortSignal | undefined,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
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
    run(signal)
      .then(resolve, reject)
      .finally(() => {
        clearTimeout(timer);
        outer?.removeEventListener('abort', onAbort);
      });
  });
}
