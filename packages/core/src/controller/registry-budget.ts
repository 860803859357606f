/**
 * How many imports the controller may start per registry: a token bucket per registry host, and
 * a pause after the registry answered 429 (for its Retry-After, else a minute). Scheduled imports
 * of many streams spread over the interval instead of bursting at one registry.
 */
export class RegistryBudget {
  private readonly buckets = new Map<string, { tokens: number; at: number; pausedUntil: number }>();

  constructor(
    private readonly perMinute = 60,
    private readonly now: () => number = Date.now,
  ) {}

  private bucket(registry: string): { tokens: number; at: number; pausedUntil: number } {
    let b = this.buckets.get(registry);
    if (!b) this.buckets.set(registry, (b = { tokens: this.perMinute, at: this.now(), pausedUntil: 0 }));
    const t = this.now();
    b.tokens = Math.min(this.perMinute, b.tokens + ((t - b.at) / 60_000) * this.perMinute);
    b.at = t;
    return b;
  }

  /** Takes one import from the registry's budget: 0 when granted, else milliseconds to wait. */
  take(registry: string): number {
    const b = this.bucket(registry);
    const t = this.now();
    if (b.pausedUntil > t) return b.pausedUntil - t;
    if (b.tokens < 1) return Math.ceil(((1 - b.tokens) / this.perMinute) * 60_000);
    b.tokens -= 1;
    return 0;
  }

  /** The registry said 429: no more imports from it for a while. */
  pause(registry: string, retryAfterMs = 60_000): void {
    const b = this.bucket(registry);
    b.pausedUntil = Math.max(b.pausedUntil, this.now() + retryAfterMs);
  }
}
