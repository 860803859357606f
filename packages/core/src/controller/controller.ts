import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { AdmissionServer } from '../admission/server.js';
import { TlsRotator } from '../admission/tls-rotator.js';
import { recordImportRequests } from '../events/import-requests.js';
import { EventReceiver } from '../events/receiver.js';
import { loadEventToken, type EventTokenSource } from '../events/token-source.js';
import { imageStreamClient, KubeClient, serviceCidrs, type ClusterConnection } from '../cluster/index.js';
import { StreamAccessChecker } from './access.js';
import { KubeEventRecorder } from './events.js';
import { ImportController, type ImportSettings } from './import-controller.js';
import { LeaderElector } from './leader.js';
import { createLogger, errorText, type Logger, type LogFormat } from './log.js';
import { LookupPolicyController } from './lookup-policies.js';
import { Manager, type StopReason } from './manager.js';
import { ControllerMetrics } from './metrics.js';
import { SharedInformers } from './shared-informers.js';
import { TriggerController } from './trigger-controller.js';

export type { ImportSettings } from './import-controller.js';
export type { StopReason } from './manager.js';

export interface LeaderElectionConfig {
  /** Namespace of the Lease. */
  namespace: string;
  name?: string;
  identity?: string;
  leaseDurationSeconds?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface ControllerOptions {
  /** The cluster, with its request observer (so `controller -v=6` logs the controller's requests too). */
  connection: ClusterConnection;
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
  /** Receives whole log lines, without the newline. */
  log?: (line: string) => void;
  logFormat?: LogFormat;
  /** Serve admission (image lookup, image stream strategy) on this replica. */
  admission?: AdmissionOptions;
  /** Serve registry events (core/events) on this replica; needs `imports`. */
  events?: EventsOptions;
  /** MutatingAdmissionPolicies whose table of resolved stream tags this controller keeps (`install --admission=policy`). */
  lookupPolicies?: readonly string[];
}

export interface EventsOptions {
  /** `host:port` of the HTTP listener (`:8088` in a pod, `127.0.0.1:0` in tests). */
  bindAddress: string;
  token: EventTokenSource;
  /** The header carrying the token; default `Authorization` (as `Bearer TOKEN`). */
  tokenHeader?: string;
  /** Events naming the same tag and digest within this window are one (default 10 s). */
  duplicateWindowMs?: number;
  /** How long the receiver keeps answering after stop is asked (default 0; `install` sets 5 s). */
  shutdownDelayMs?: number;
}

export interface AdmissionOptions {
  /** `host:port` of the HTTPS listener (`:8443` in a pod, `127.0.0.1:0` in tests). */
  bindAddress: string;
  /** The Secret the controller keeps its CA and serving certificate in (created if missing). */
  secret: { namespace: string; name: string };
  /** Names and addresses the API server reaches this server by; they go in the certificate. */
  hosts: readonly string[];
  /** MutatingWebhookConfigurations whose caBundle the controller keeps current. */
  webhookConfigurations: readonly string[];
  /** Default: every minute. */
  rotationCheckMs?: number;
  /** Default: 10 s, a generous bound on the API server seeing a new caBundle. */
  bundlePropagationMs?: number;
  /** Tests move time forward to drive rotation. */
  clock?: () => Date;
}

export interface RunningController {
  readonly metrics: ControllerMetrics;
  /** Where /metrics is served ("host:port"), when it is. */
  readonly metricsAddress?: string;
  /** Resolves once the caches are synced and this replica is acting. */
  readonly leading: Promise<void>;
  /** Resolves when the controller has stopped and released everything. */
  readonly done: Promise<StopReason>;
  stop(): Promise<StopReason>;
  /** The admission server, when `admission` was given. */
  readonly admission?: AdmissionServer;
  /** The registry event receiver, when `events` was given. */
  readonly events?: EventReceiver;
}

/**
 * The Service address ranges (networking.k8s.io/v1 ServiceCIDR, Kubernetes 1.33 and later), so
 * imports never reach Services by address. Older clusters have no such list: names like `*.svc`
 * are refused all the same, and the allow-list narrows the rest.
 */
async function listServiceCidrs(api: KubeClient, log: Logger): Promise<string[]> {
  try {
    return await serviceCidrs(api);
  } catch (error) {
    log.warning('service CIDRs unknown', { error: errorText(error) });
    return [];
  }
}

/**
 * The istream controller process: a manager with shared informers for image streams and the
 * four workload kinds, the trigger controller and (with `imports`) the import controller.
 * Everything they decide comes from the cluster, so a restarted replica (or a new leader)
 * converges from a fresh list alone. Rejects with a MetricsBindError when the metrics address
 * cannot be bound, before anything else has started.
 */
export async function startController(options: ControllerOptions): Promise<RunningController> {
  if (options.events && !options.imports)
    throw new Error('registry events need imports: they only ask the import controller to import now');
  const log = createLogger(options.log ?? (() => undefined), options.logFormat);
  const { kubeConfig, onRequest, userAgent } = options.connection;
  const api = new KubeClient(kubeConfig, { onRequest, userAgent });
  // A missing token stops the start, not a running controller later.
  const eventToken =
    options.events &&
    (await loadEventToken(api, options.events.token, options.events.tokenHeader).catch((error: unknown) => {
      api.close();
      throw error;
    }));
  const metrics = new ControllerMetrics();
  const identity = options.leaderElection?.identity ?? `${hostname()}_${randomBytes(4).toString('hex')}`;
  const recorder = new KubeEventRecorder(api, identity, (e) =>
    log.warning('event not recorded', { error: errorText(e) }),
  );
  // Watches are cut off on purpose while the manager stops; only other errors are news.
  const caches = new SharedInformers(api, options.namespace, (resource, error) => {
    if (!manager.stopped) log.warning('watch failed', { resource, error: errorText(error) });
  });
  const election = options.leaderElection;
  const lease = election && { namespace: election.namespace, name: election.name ?? 'istream-controller' };
  const manager: Manager = new Manager({
    caches,
    metrics,
    log,
    elector:
      lease &&
      new LeaderElector(api, {
        ...lease,
        identity,
        leaseDurationSeconds: election?.leaseDurationSeconds,
        renewDeadlineMs: election?.renewDeadlineMs,
        retryPeriodMs: election?.retryPeriodMs,
        log: (line) => log.warning(line),
      }),
    lease: lease && `${lease.namespace}/${lease.name}`,
    metricsBindAddress: options.metricsBindAddress,
    flushEvents: () => recorder.flush(),
    close: () => api.close(),
  });

  const access = new StreamAccessChecker(api);
  const triggers = new TriggerController({
    api,
    caches,
    events: recorder,
    metrics,
    log,
    mayRead: (from, to) => access.mayRead(from, to),
    namespace: options.namespace,
    workers: options.workers,
    resyncIntervalMs: options.resyncIntervalMs,
  });
  manager.add(triggers);
  // Workload writes first: a roll's Events are written once the roll is done.
  recorder.yieldTo((waitedMs) => triggers.holdsEventsBack(waitedMs));
  let events: EventReceiver | undefined;
  if (options.imports) {
    const serviceRanges = await listServiceCidrs(api, log);
    const streams = imageStreamClient(options.connection);
    const imports = new ImportController({
      ...options.imports,
      caches,
      metrics,
      log,
      intervalMs: options.importIntervalMs,
      mayRead: (from, to) => access.mayRead(from, to),
      serviceCidrs: serviceRanges,
      update: (namespace, name, change) => streams.update(namespace, name, change),
    });
    manager.add(imports);
    const e = options.events;
    if (e && eventToken) {
      events = new EventReceiver({
        bindAddress: e.bindAddress,
        duplicateWindowMs: e.duplicateWindowMs,
        shutdownDelayMs: e.shutdownDelayMs,
        log,
        streams: caches,
        token: eventToken,
        importNow: (tags) => imports.importNow(tags),
        recordForLeader: (tags) =>
          recordImportRequests(tags, (namespace, name, change) => streams.update(namespace, name, change), new Date()),
      });
      manager.add(events);
    }
  }

  if (options.lookupPolicies?.length)
    manager.add(new LookupPolicyController({ api, caches, log, policies: options.lookupPolicies }));
  let admission: AdmissionServer | undefined;
  if (options.admission) {
    const a = options.admission;
    const clock = a.clock ?? (() => new Date());
    admission = new AdmissionServer({
      bindAddress: a.bindAddress,
      clock,
      log,
      metrics,
      rotationCheckMs: a.rotationCheckMs ?? 60_000,
      streams: (namespace, name) => caches.stream(namespace, name),
      synced: () => caches.synced(),
      tls: new TlsRotator({
        api,
        secret: a.secret,
        hosts: a.hosts,
        webhookConfigurations: a.webhookConfigurations,
        clock,
        log,
        bundlePropagationMs: a.bundlePropagationMs ?? 10_000,
      }),
    });
    manager.add(admission);
  }

  await manager.start();
  return {
    admission,
    events,
    metrics,
    metricsAddress: manager.metricsAddress,
    leading: manager.leading,
    done: manager.done,
    stop: () => manager.stop(),
  };
}
