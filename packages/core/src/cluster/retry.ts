// client-go's retry.RetryOnConflict: a writer that computed its change from a read redoes the read
// and the change when the write loses a race (409 Conflict), a few times, with a short pause.
import { isConflict } from './errors.js';

/** wait.Backoff: `steps` attempts in all, pausing `durationMs` (times `factor` each time, plus up to `jitter` of it). */
export interface Backoff {
  steps: number;
  durationMs: number;
  factor: number;
  jitter: number;
}

/** client-go's retry.DefaultRetry. */
export const DEFAULT_RETRY: Readonly<Backoff> = { steps: 5, durationMs: 10, factor: 1, jitter: 0.1 };

/**
 * client-go's retry.DefaultBackoff, for a write to an object another controller is busy with: a new
 * workload's status is written several times as its controller brings it up, and each write moves
 * the resourceVersion a conditional patch was read at. Pauses of 10, 50 and 250 ms outlast
 * that churn; three attempts 10 ms apart lost to it on a loaded machine (CI).
 */
export const DEFAULT_BACKOFF: Readonly<Backoff> = { steps: 4, durationMs: 10, factor: 5, jitter: 0.1 };

/**
 * Runs `fn` until it does not fail with a conflict, at most `backoff.steps` times; `fn` must read
 * the object afresh each time. The last conflict is thrown when every attempt lost.
 */
export async function retryOnConflict<T>(
  fn: (attempt: number) => Promise<T>,
  backoff: Readonly<Backoff> = DEFAULT_RETRY,
): Promise<T> {
  let pause = backoff.durationMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (!isConflict(error) || attempt >= backoff.steps) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, pause * (1 + Math.random() * backoff.jitter)));
    pause *= backoff.factor;
  }
}
