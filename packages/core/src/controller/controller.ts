import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { IMAGE_API_VERSION, IMAGE_STREAM_PLURAL, type ImageStream } from '../imagestream/index.js';
import { StreamAccessChecker } from './access.js';
import { KubeEventRecorder } from './events.js';
import { ImportReconciler, type ImportSession } from './imports.js';
import { RegistryBudget } from './registry-budget.js';
import { imageStreamClient, KubeClient, startInformer, resourcePath, type KubeConfig, type KubeObject, type ResourceInformer } from '../cluster/index.js';
import { parseBindAddress, startHealthServer, type HealthServer } from './health-server.js';
import { LeaderElector } from './leader.js';
import { ControllerMetrics } from './metrics.js';
import { StreamIndex, streamKey } from './stream-index.js';
import { triggerStreams } from './reactor.js';
import { reconcileWorkload } from './trigger-reconciler.js';
import { WorkQueue } from './workqueue.js';
import { objectKey, workloadKey, workloadKinds, type WorkloadKind } from './workload-kinds.js';

export interface LeaderElectionConfig {
  /** Namespace of the Lease. */
  namespace: string;
  name?: string;
  identity?: string;
  leaseDurationSeconds?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface ImportSettings {
  /** A registry session for a namespace's imports (its pull secrets as credentials). */
  openSession(namespace: string): Promise<ImportSession>;
  /** Imports started per registry and minute (default 60). */
  perRegistryPerMinute?: number;
}

export interface ControllerOptions {
  kubeConfig: KubeConfig;
  /** Watch one namespace; all namespaces when undefined. */
  namespace?: string;
  leaderElection?: LeaderElectionConfig;
  /** kube-style bind address for /healthz, /readyz, /metrics; "0" turns the server off. */
  metricsBindAddress?: string;
  /** Workloads reconciled at once (default 16). */
  workers?: number;
  /** How often tags with importPolicy.scheduled are imported again (default 15 minutes). */
  importIntervalMs?: number;
  /** Spec and scheduled imports; without it the controller only runs triggers. */
  imports?: ImportSettings;
  /** Every workload with triggers is reconciled again this often (catches RBAC changes). */
  resyncIntervalMs?: number;
  log?: (line: string) => void;
}

export type StopReason = 'stopped' | 'lost-leadership';

export interface RunningController {
  readonly metrics: ControllerMetrics;
  /** Where /metrics is served ("host:port"), when it is. */
  readonly metricsAddress?: string;
  /** Resolves once the caches are synced and this replica is acting. */
  readonly leading: Promise<void>;
  /** Resolves when the controller has stopped and released everything. */
  readonly done: Promise<StopReason>;
  stop(): Promise<StopReason>;
}

/**
 * The istream controller: informers for image streams and the four workload kinds, an index
 * from stream to the workloads whose triggers name it, and a work queue that reconciles one
 * workload at a time. Everything it decides comes from the cluster, so a restarted replica (or a
 * new leader) converges from a fresh list alone.
 */
export async function startController(options: ControllerOptions): Promise<RunningController> {
  const log = options.log ?? (() => undefined);
  const api = new KubeClient(options.kubeConfig);
  const metrics = new ControllerMetrics();
  const identity = options.leaderElection?.identity ?? `${hostname()}_${randomBytes(4).toString('hex')}`;
  const events = new KubeEventRecorder(api, identity, (e) => log(`event not recorded: ${(e as Error).message}`));
  const access = new StreamAccessChecker(api);
  const index = new StreamIndex();
  const queue = new WorkQueue();
  const importQueue = new WorkQueue({ baseDelayMs: 1000 });
  /** When the stream change that queued a workload was observed, for the latency histogram. */
  const queuedForStreamAt = new Map<string, number>();
  let acting = false;

  const streams = startInformer<ImageStream & KubeObject>(api, resourcePath(IMAGE_API_VERSION, IMAGE_STREAM_PLURAL, options.namespace), {
    onChange: (stream) => {
      const { namespace, name } = objectKey(stream);
      const now = performance.now();
      if (options.imports) importQueue.add(streamKey(namespace, name));
      for (const key of index.workloadsOf(streamKey(namespace, name))) {
        if (!queuedForStreamAt.has(key)) queuedForStreamAt.set(key, now);
        queue.add(key);
      }
    },
    onDelete: () => undefined,
    onError: (e) => log(`imagestreams watch: ${(e as Error).message ?? e}`),
  });

  const workloads = new Map<WorkloadKind, ResourceInformer<KubeObject>>();
  for (const kind of workloadKinds) {
    workloads.set(kind, startInformer<KubeObject>(api, resourcePath(kind.apiVersion, kind.resource, options.namespace), {
      onChange: (obj) => {
        const { namespace, name } = objectKey(obj);
        const key = workloadKey(kind.kind, namespace, name);
        const streamsNamed = triggerStreams({ ...obj, kind: kind.kind });
        index.set(key, streamsNamed.map((s) => streamKey(s.namespace, s.stream)));
        if (streamsNamed.length > 0) queue.add(key);
      },
      onDelete: (obj) => {
        const { namespace, name } = objectKey(obj);
        index.remove(workloadKey(kind.kind, namespace, name));
      },
      onError: (e) => log(`${kind.resource} watch: ${(e as Error).message ?? e}`),
    }));
  }
  const informers = [streams, ...workloads.values()];
  const synced = (): boolean => informers.every((i) => i.hasSynced());

  const deps = {
    api, events,
    inputs: {
      stream: (namespace: string, name: string) => streams.get(name, namespace),
      mayRead: (from: string, to: string) => access.mayRead(from, to),
      ...(options.namespace === undefined ? {} : { watches: (namespace: string) => namespace === options.namespace }),
    },
    // List results lack kind; the reactor needs it to pick the pod template.
    cached: (kind: WorkloadKind, namespace: string, name: string) => {
      const obj = workloads.get(kind)?.get(name, namespace);
      return obj ? { ...obj, apiVersion: kind.apiVersion, kind: kind.kind } : undefined;
    },
    onWrite: (key: string) => {
      metrics.triggerUpdates.inc({ kind: key.split('/')[0] ?? '' });
      const seen = queuedForStreamAt.get(key);
      if (seen !== undefined) metrics.triggerLatency.observe((performance.now() - seen) / 1000);
    },
  };

  const server = options.kubeConfig.getCurrentCluster()?.server ?? '';
  const streamClient = imageStreamClient({ kubeConfig: options.kubeConfig, namespace: options.namespace ?? 'default', server });
  const importer = options.imports && new ImportReconciler({
    cached: (namespace, name) => streams.get(name, namespace),
    update: (namespace, name, change) => streamClient.update(namespace, name, change),
    openSession: options.imports.openSession,
    budget: new RegistryBudget(options.imports.perRegistryPerMinute ?? 60),
    intervalMs: options.importIntervalMs ?? 15 * 60_000,
    now: () => new Date(),
    random: Math.random,
    onImport: (kind, ok) => metrics.imports.inc({ kind, result: ok ? 'success' : 'failure' }),
  });

  let health: HealthServer | undefined;
  const bind = parseBindAddress(options.metricsBindAddress ?? '0');
  if (bind) {
    health = await startHealthServer(bind, {
      healthy: () => true,
      ready: () => synced() && (acting || options.leaderElection !== undefined),
      metrics: () => metrics.render(),
    });
    log(`serving /healthz, /readyz and /metrics on ${health.address}`);
  }

  const elector = options.leaderElection
    ? new LeaderElector(api, {
      namespace: options.leaderElection.namespace,
      name: options.leaderElection.name ?? 'istream-controller',
      identity,
      leaseDurationSeconds: options.leaderElection.leaseDurationSeconds,
      renewDeadlineMs: options.leaderElection.renewDeadlineMs,
      retryPeriodMs: options.leaderElection.retryPeriodMs,
      log,
    })
    : undefined;

  let resyncTimer: NodeJS.Timeout | undefined;
  let resolveLeading!: () => void;
  const leading = new Promise<void>((resolve) => { resolveLeading = resolve; });

  let requestStop!: () => void;
  const stopRequested = new Promise<'stopped'>((resolve) => { requestStop = () => resolve('stopped'); });

  const act = async (): Promise<StopReason> => {
    if (elector && !(await elector.acquire())) return 'stopped';
    const allSynced = Promise.all(informers.map((i) => i.synced())).then(() => 'synced' as const);
    if (await Promise.race([allSynced, stopRequested]) === 'stopped') return 'stopped';
    acting = true;
    log(`caches synced; reconciling ${index.allWorkloads().length} workloads with triggers`);
    for (const key of index.allWorkloads()) queue.add(key);
    resyncTimer = setInterval(() => { for (const key of index.allWorkloads()) queue.add(key); }, options.resyncIntervalMs ?? 5 * 60_000);
    resyncTimer.unref();
    resolveLeading();
    const workers = queue.run(options.workers ?? 16, async (key) => {
      const stamp = queuedForStreamAt.get(key);
      try {
        await reconcileWorkload(deps, key);
        metrics.reconciles.inc({ queue: 'triggers', result: 'success' });
      } catch (error) {
        metrics.reconciles.inc({ queue: 'triggers', result: 'error' });
        throw error;
      } finally {
        if (queuedForStreamAt.get(key) === stamp) queuedForStreamAt.delete(key);
      }
    }, (key, error) => {
      metrics.reconcileErrors.inc({ queue: 'triggers' });
      log(`reconcile ${key} failed (retry ${queue.retries(key) + 1}): ${(error as Error).message}`);
    });
    const importWorkers = importer
      ? importQueue.run(2, async (key) => {
        const [namespace = '', name = ''] = key.split('/');
        try {
          const next = await importer.reconcile(namespace, name);
          metrics.reconciles.inc({ queue: 'imports', result: 'success' });
          if (next !== undefined) importQueue.addAfter(key, next);
        } catch (error) {
          metrics.reconciles.inc({ queue: 'imports', result: 'error' });
          throw error;
        }
      }, (key, error) => {
        metrics.reconcileErrors.inc({ queue: 'imports' });
        log(`import ${key} failed (retry ${importQueue.retries(key) + 1}): ${(error as Error).message}`);
      })
      : Promise.resolve();
    const lost = elector ? elector.holdUntilLost().then((l): StopReason => (l ? 'lost-leadership' : 'stopped')) : stopRequested;
    const reason = await Promise.race([lost, stopRequested]);
    // Workers finish the reconcile they hold, so no write is cut off halfway.
    queue.shutDown();
    importQueue.shutDown();
    await Promise.all([workers, importWorkers]);
    return reason;
  };

  const done = act().then(async (reason) => {
    acting = false;
    if (resyncTimer) clearInterval(resyncTimer);
    queue.shutDown();
    importQueue.shutDown();
    if (elector) {
      if (reason === 'lost-leadership') elector.stop();
      else await elector.release();
    }
    await events.flush();
    await Promise.all(informers.map((i) => i.stop()));
    await health?.close();
    api.close();
    log(reason === 'lost-leadership' ? 'lost the leader lease; stopped' : 'stopped');
    return reason;
  });

  return {
    metrics,
    metricsAddress: health?.address,
    leading,
    done,
    stop: async () => { requestStop(); elector?.stop(); return done; },
  };
}
