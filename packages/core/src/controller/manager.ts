// The controller process as a manager of small parts, on controller-runtime's Manager/Runnable
// split: the manager owns what the parts share (the informer caches, one Lease election, one
// /healthz /readyz /metrics server, the Event recorder) and starts and stops the parts.
import { parseBindAddress, startHealthServer, type HealthServer } from './health-server.js';
import type { LeaderElector } from './leader.js';
import { errorText, type Logger } from './log.js';
import type { ControllerMetrics } from './metrics.js';
import type { SharedCaches } from './shared-informers.js';

export type StopReason = 'stopped' | 'lost-leadership';

/** One independent part of the controller process. */
export interface Runnable {
  /** Names the part in log lines. */
  readonly name: string;
  /**
   * True: runs only on the replica holding the Lease, once the caches are synced (the trigger and
   * import controllers, which write). False: runs on every replica from the start (servers such
   * as admission or a registry event receiver, whose answers or hints are safe from any replica).
   */
  readonly needsLeaderElection: boolean;
  /** Runs until `signal` aborts, then finishes the work in hand and resolves. */
  start(signal: AbortSignal): Promise<void>;
}

/** What the manager needs of a Lease election (leader.ts's LeaderElector). */
export type Elector = Pick<LeaderElector, 'acquire' | 'holdUntilLost' | 'release' | 'stop'>;

export interface ManagerParts {
  caches: SharedCaches;
  metrics: ControllerMetrics;
  log: Logger;
  /** Absent: this replica acts alone, without a Lease. */
  elector?: Elector;
  /** Where the Lease lives, for log lines. */
  lease?: string;
  /** kube-style bind address for /healthz, /readyz, /metrics; "0" or absent turns the server off. */
  metricsBindAddress?: string;
  /** Waits for queued Events on stop. */
  flushEvents(): Promise<void>;
  /** Releases connections once everything has stopped. */
  close(): void;
}

/** The metrics address is taken or not ours to bind: one line saying which and what to do. */
export class MetricsBindError extends Error {
  constructor(
    readonly address: string,
    cause: unknown,
  ) {
    const code = (cause as { code?: string }).code;
    const why =
      code === 'EADDRINUSE'
        ? 'the address is already in use (is another controller running on this host?)'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EADDRNOTAVAIL'
            ? 'no interface of this host has that address'
            : errorText(cause);
    super(
      `cannot serve /healthz, /readyz and /metrics on ${address}: ${why}; ` +
        'choose another address with --metrics-bind-address, or turn the server off with --metrics-bind-address=0',
    );
    this.name = 'MetricsBindError';
  }
}

export class Manager {
  private readonly runnables: Runnable[] = [];
  private readonly stopping = new AbortController();
  private health?: HealthServer;
  private acting = false;
  private closing = false;
  private resolveLeading!: () => void;
  /** Resolves once the caches are synced and this replica acts. */
  readonly leading = new Promise<void>((resolve) => {
    this.resolveLeading = resolve;
  });
  private donePromise?: Promise<StopReason>;

  constructor(private readonly parts: ManagerParts) {}

  add(runnable: Runnable): void {
    if (this.donePromise) throw new Error(`${runnable.name}: runnables are added before the manager starts`);
    this.runnables.push(runnable);
  }

  /** Where /metrics is served ("host:port"), when it is. */
  get metricsAddress(): string | undefined {
    return this.health?.address;
  }

  /** True once the manager tears down: watch errors from then on are its own aborts. */
  get stopped(): boolean {
    return this.closing;
  }

  /** Resolves when everything has stopped and released; rejects only if start() failed. */
  get done(): Promise<StopReason> {
    if (!this.donePromise) throw new Error('the manager has not started');
    return this.donePromise;
  }

  /**
   * Binds the health server first (so a taken port fails before anything else starts), then
   * starts the caches, every-replica runnables, and the election for the leader-only ones.
   */
  async start(): Promise<void> {
    const { log, caches, metrics } = this.parts;
    const bind = parseBindAddress(this.parts.metricsBindAddress ?? '0');
    if (bind) {
      try {
        this.health = await startHealthServer(bind, {
          healthy: () => true,
          ready: () => caches.hasSynced() && (this.acting || this.parts.elector !== undefined),
          metrics: () => metrics.render(),
        });
      } catch (error) {
        this.parts.close();
        throw new MetricsBindError(this.parts.metricsBindAddress ?? '', error);
      }
      log.info('serving /healthz, /readyz and /metrics', { address: this.health.address });
    }
    caches.start();
    const everyReplica = this.runnables
      .filter((r) => !r.needsLeaderElection)
      .map((r) => this.run(r, this.stopping.signal));
    this.donePromise = this.lead().then(async (reason) => {
      this.closing = true;
      this.acting = false;
      metrics.leader.set(0);
      this.stopping.abort();
      // The leader-only parts have stopped: the Lease goes first, so a standby takes over while
      // the every-replica parts drain (the event receiver answers through its shutdown delay).
      if (this.parts.elector) {
        if (reason === 'lost-leadership') this.parts.elector.stop();
        else await this.parts.elector.release();
      }
      await Promise.all(everyReplica);
      await this.parts.flushEvents();
      await caches.stop();
      await this.health?.close();
      this.parts.close();
      if (reason === 'lost-leadership') log.error('stopped: lost the leader lease');
      else log.info('stopped');
      return reason;
    });
  }

  async stop(): Promise<StopReason> {
    this.stopping.abort();
    this.parts.elector?.stop();
    return this.done;
  }

  private async lead(): Promise<StopReason> {
    const { elector, caches, metrics, log } = this.parts;
    const stopRequested = new Promise<'stopped'>((resolve) => {
      if (this.stopping.signal.aborted) resolve('stopped');
      this.stopping.signal.addEventListener('abort', () => resolve('stopped'), { once: true });
    });
    if (elector) {
      log.info('waiting for leadership', { lease: this.parts.lease });
      if (!(await elector.acquire())) return 'stopped';
      log.info('leadership acquired', { lease: this.parts.lease });
    }
    const synced = caches.synced().then(() => 'synced' as const);
    if ((await Promise.race([synced, stopRequested])) === 'stopped') return 'stopped';
    log.info('caches synced', {
      controllers: this.runnables
        .filter((r) => r.needsLeaderElection)
        .map((r) => r.name)
        .join(','),
    });
    this.acting = true;
    metrics.leader.set(1);
    const scope = new AbortController();
    const running = this.runnables.filter((r) => r.needsLeaderElection).map((r) => this.run(r, scope.signal));
    this.resolveLeading();
    const lost = elector
      ? elector.holdUntilLost().then((l): StopReason => (l ? 'lost-leadership' : 'stopped'))
      : stopRequested;
    const reason = await Promise.race([lost, stopRequested]);
    if (reason === 'lost-leadership') log.error('leadership lost', { lease: this.parts.lease });
    // Stop acting at once: each part finishes the write it holds, none starts another.
    this.acting = false;
    metrics.leader.set(0);
    scope.abort();
    await Promise.all(running);
    return reason;
  }

  private async run(runnable: Runnable, signal: AbortSignal): Promise<void> {
    try {
      await runnable.start(signal);
    } catch (error) {
      // As in controller-runtime, a part that fails stops the process rather than run on without it.
      this.parts.log.error('component failed; stopping', { component: runnable.name, error: errorText(error) });
      this.stopping.abort();
      this.parts.elector?.stop();
    }
  }
}
