import { connectCluster, imageStreamClient } from '@istream/core/cluster';
import { readFileSync } from 'node:fs';
import {
  logFormats, MetricsBindError, parseAllowedRegistries, parseBindAddress, parseDuration, startController,
  type AllowedRegistry, type LogFormat, type StopReason,
} from '@istream/core/controller';
import { addClusterFlags, type ClusterFlags } from '../flags.js';
import { CliError } from '../errors.js';
import type { CommandModule, Deps } from '../program.js';
import { openImportSession } from '../stream-import.js';

export interface ControllerOptions extends ClusterFlags {
  leaderElect?: boolean;
  leaderElectNamespace?: string;
  importInterval?: string;
  metricsBindAddress?: string;
  logFormat?: string;
  /** OpenShift's allowedRegistriesForImport, as a list or an image.config.openshift.io Config (YAML or JSON). */
  allowedRegistriesFile?: string;
  /** Stops the controller (the command wires SIGTERM and SIGINT to it). */
  signal?: AbortSignal;
}

/**
 * Loopback only, as kube-controller-manager's metrics default to secure serving on localhost:
 * /metrics is unauthenticated, so exposing it is a choice (`install` passes `:8080` in the pod).
 */
export const defaultMetricsBindAddress = '127.0.0.1:8080';

/** Runs the controller until the signal fires; resolves with why it stopped. */
export async function runController(options: ControllerOptions, deps: Deps): Promise<StopReason> {
  const err = deps.io.err;
  const metricsBindAddress = options.metricsBindAddress ?? defaultMetricsBindAddress;
  try {
    parseBindAddress(metricsBindAddress);
  } catch (e) {
    throw new CliError(`--metrics-bind-address: ${(e as Error).message}`);
  }
  let importIntervalMs: number;
  try {
    importIntervalMs = parseDuration(options.importInterval ?? '15m');
  } catch (e) {
    throw new CliError(`--import-interval: ${(e as Error).message}`);
  }
  const logFormat = (options.logFormat ?? 'text') as LogFormat;
  if (!logFormats.includes(logFormat)) {
    throw new CliError(`--log-format: unknown format "${options.logFormat}": use ${logFormats.join(' or ')}`);
  }
  const allowedRegistries = options.allowedRegistriesFile === undefined ? undefined : readAllowedRegistries(options.allowedRegistriesFile);
  let connection;
  try {
    // The namespace flag narrows what is watched; without it the controller watches all namespaces.
    connection = connectCluster({ kubeconfig: options.kubeconfig, context: options.context }, deps.env);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  const streams = imageStreamClient(connection);
  const running = await startController({
    kubeConfig: connection.kubeConfig,
    namespace: options.namespace,
    metricsBindAddress,
    logFormat,
    importIntervalMs,
    imports: { openSession: (namespace) => openImportSession(streams, namespace, deps.env), allowedRegistries },
    leaderElection: options.leaderElect
      ? { namespace: options.leaderElectNamespace ?? deps.env.POD_NAMESPACE ?? 'istream-system' }
      : undefined,
    log: (line) => err.write(`${line}\n`),
  }).catch((e: unknown) => {
    if (e instanceof MetricsBindError) throw new CliError(e.message);
    throw e;
  });
  if (options.signal?.aborted) void running.stop();
  options.signal?.addEventListener('abort', () => { void running.stop(); }, { once: true });
  return running.done;
}

function readAllowedRegistries(path: string): AllowedRegistry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(`--allowed-registries-file: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return parseAllowedRegistries(text);
  } catch (e) {
    throw new CliError(`--allowed-registries-file ${path}: ${(e as Error).message}`);
  }
}

export const controllerCommand: CommandModule = {
  register(program, deps) {
    const cmd = program.command('controller')
      .description('Run the image stream controller: image-change triggers, spec and scheduled imports')
      .option('--leader-elect', 'hold a coordination.k8s.io Lease so only one replica acts', false)
      .option('--leader-elect-namespace <namespace>', 'namespace of the leader Lease (default: $POD_NAMESPACE or istream-system)')
      .option('--import-interval <duration>', 'how often tags with importPolicy.scheduled are re-imported', '15m')
      .option('--metrics-bind-address <address>',
        'where /healthz, /readyz and /metrics are served (":8080" for every interface); 0 turns it off', defaultMetricsBindAddress)
      .option('--allowed-registries-file <file>',
        'registries imports may use, as OpenShift\'s allowedRegistriesForImport ([{domainName, insecure}], or an image.config.openshift.io Config); '
        + 'by default any registry except loopback, link-local and cluster-internal addresses')
      .option('--log-format <format>',
        `log line format: ${logFormats.join(' or ')} (json: one object per line with ts, level, msg and fields)`, 'text');
    addClusterFlags(cmd, 'watch only this namespace (default: every namespace)').action(async (opts: ControllerOptions) => {
      const abort = new AbortController();
      const onSignal = (): void => abort.abort();
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
      try {
        const reason = await runController({ ...opts, signal: abort.signal }, deps);
        if (reason === 'lost-leadership') throw new CliError('lost the leader lease', 1);
      } finally {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      }
    });
  },
};
