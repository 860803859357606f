import type { KubeObject } from '../cluster/index.js';
import type { EventRecorder } from './events.js';
import type { LogFields, Logger } from './log.js';

/** One Warning per object, reason and message in this window, whatever the number of reconciles. */
export const warningWindowMs = 10 * 60_000;

/** Objects remembered; the oldest is forgotten first (it may then warn once more). */
const remembered = 10_000;

/**
 * Warnings about a workload (a broken annotation, a refused or unwatched trigger) as a Warning
 * Event and one log line, at most once per object, reason and message per window. Every resync
 * and every change of the workload re-decides the same refusal; without this the Event stream
 * and the log would repeat it each time.
 */
export class RateLimitedWarnings {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly events: EventRecorder,
    private readonly log: Logger,
    private readonly windowMs = warningWindowMs,
    private readonly now: () => number = Date.now,
  ) {}

  /** `decision` starts the log line ("refused", "invalid trigger annotation"); `reason` is the Event's. */
  warn(obj: KubeObject, reason: string, message: string, decision: string, fields: LogFields): void {
    const key = `${obj.metadata?.uid ?? `${obj.metadata?.namespace}/${obj.metadata?.name}`}\u0000${reason}\u0000${message}`;
    const at = this.now();
    const before = this.last.get(key);
    if (before !== undefined && at - before < this.windowMs) return;
    this.last.delete(key);
    this.last.set(key, at);
    if (this.last.size > remembered) this.last.delete(this.last.keys().next().value as string);
    this.events.record(obj, 'Warning', reason, message);
    this.log.warning(decision, { ...fields, reason, message });
  }
}
