import { isConflict, isNotFound, resourcePath, retryOnConflict, type KubeClient } from '../cluster/index.js';

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationSeconds?: number;
  /** A leader that cannot renew within this long stops acting (before others may take over). */
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  log?: (line: string) => void;
}

interface Lease {
  apiVersion: 'coordination.k8s.io/v1';
  kind: 'Lease';
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

/** RFC 3339 with microseconds, the MicroTime format Lease times use. */
function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * Lease-based leader election as client-go does it: a replica acts only while it holds an
 * unexpired coordination.k8s.io/v1 Lease; every update carries the resourceVersion it read, so two
 * replicas racing for the lease cannot both win.
 */
export class LeaderElector {
  private readonly durationS: number;
  private readonly renewDeadlineMs: number;
  private readonly retryMs: number;
  private stopped = false;
  private wake?: () => void;
  /** The acquire or renew being written now, which a release must not race. */
  private writing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly api: KubeClient,
    private readonly opts: LeaderElectionOptions,
  ) {
    this.durationS = opts.leaseDurationSeconds ?? 15;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryMs = opts.retryPeriodMs ?? 2_000;
  }

  private get path(): string {
    return resourcePath('coordination.k8s.io/v1', 'leases', this.opts.namespace, this.opts.name);
  }

  /** Waits until this replica holds the lease; false if stop() came first. */
  async acquire(): Promise<boolean> {
    while (!this.stopped) {
      try {
        // The caller says so in its log: it knows what acquiring the lease starts.
        if (await this.attempt()) return true;
      } catch (error) {
        this.opts.log?.(`leader election: ${(error as Error).message}`);
      }
      await this.sleep(this.retryMs);
    }
    return false;
  }

  /**
   * Renews until stop() or until a renewal has not succeeded within the renew deadline; resolves
   * with true when leadership was lost (the caller must stop acting at once).
   */
  async holdUntilLost(): Promise<boolean> {
    let lastRenew = Date.now();
    while (!this.stopped) {
      await this.sleep(this.retryMs);
      if (this.stopped) break;
      try {
        if (await this.attempt()) lastRenew = Date.now();
        else return true;
      } catch (error) {
        this.opts.log?.(`leader election: renew failed: ${(error as Error).message}`);
      }
      if (Date.now() - lastRenew > this.renewDeadlineMs) return true;
    }
    return false;
  }

  /**
   * Gives the lease up so a standby takes over without waiting for it to expire. A renewal still in
   * flight when the stop came would make the release's write conflict, and a release lost that way
   * keeps every standby waiting out the whole lease: so it waits for that write, and rereads on a
   * conflict.
   */
  async release(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    try {
      await this.writing.catch(() => undefined);
      await retryOnConflict(async () => {
        const lease = await this.api.call<Lease>(this.path);
        if (lease.spec.holderIdentity !== this.opts.identity) return;
        const now = microTime(new Date());
        lease.spec = { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now };
        await this.api.call(this.path, { method: 'PUT', body: lease });
      });
    } catch (error) {
      this.opts.log?.(`leader election: release failed: ${(error as Error).message}`);
    }
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private attempt(): Promise<boolean> {
    const written = this.tryAcquireOrRenew();
    this.writing = written;
    return written;
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = new Date();
    let lease: Lease | undefined;
    try {
      lease = await this.api.call<Lease>(this.path);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    const spec = {
      holderIdentity: this.opts.identity,
      leaseDurationSeconds: this.durationS,
      renewTime: microTime(now),
    };
    if (!lease) {
      try {
        await this.api.call(resourcePath('coordination.k8s.io/v1', 'leases', this.opts.namespace), {
          method: 'POST',
          body: {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name: this.opts.name, namespace: this.opts.namespace },
            spec: { ...spec, acquireTime: microTime(now), leaseTransitions: 0 },
          },
        });
        return true;
      } catch (error) {
        if (isConflict(error)) return false;
        throw error;
      }
    }
    const holder = lease.spec.holderIdentity ?? '';
    const renewed = lease.spec.renewTime ? Date.parse(lease.spec.renewTime) : 0;
    const expires = renewed + (lease.spec.leaseDurationSeconds ?? this.durationS) * 1000;
    const mine = holder === this.opts.identity;
    if (!mine && holder !== '' && expires > now.getTime()) return false;
    lease.spec = mine
      ? { ...lease.spec, ...spec }
      : {
          ...lease.spec,
          ...spec,
          acquireTime: microTime(now),
          leaseTransitions: (lease.spec.leaseTransitions ?? 0) + 1,
        };
    try {
      await this.api.call(this.path, { method: 'PUT', body: lease });
      return true;
    } catch (error) {
      if (isConflict(error)) return false;
      throw error;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
