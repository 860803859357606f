import { readFileSync } from 'node:fs';
import {
  logFormats, MetricsBindError, parseAllowedRegistries, parseBindAddress, parseDuration, startController,
  type AllowedRegistry, type LogFormat, type StopReason,
} from '@istream/core/controller';
import { CliError } from '../errors.js';
import type { Factory } from '../factory.js';

export interface ControllerOptions {
  leaderElect?: boolean;
  leaderElectNamespace?: string;
  importInterval?: string;
  /** Always given: the flag's default lives with the flag, in definitions/controller.ts. */
  metricsBindAddress: string;
  logFormat?: string;
  /** OpenShift's allowedRegistriesForImport, as a list or an image.config.openshift.io Config (YAML or JSON). */
  allowedRegistriesFile?: string;
  /** Stops the controller (the command wires SIGTERM and SIGINT to it). */
  signal?: AbortSignal;
}

/** Runs the controller until the signal fires; resolves with why it stopped. */
export async function runController(options: ControllerOptions, factory: Factory): Promise<StopReason> {
  const err = factory.io.err;
  try {
    parseBindAddress(options.metricsBindAddress);
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
  const { connection } = await factory.cluster();
  const running = await startController({
    connection,
    // -n narrows what is watched; without it the controller watches all namespaces.
    namespace: factory.flags().namespace,
    metricsBindAddress: options.metricsBindAddress,
    logFormat,
    importIntervalMs,
    imports: { openSession: (namespace) => factory.importSession(namespace), allowedRegistries },
    leaderElection: options.leaderElect
      ? { namespace: options.leaderElectNamespace ?? factory.env.POD_NAMESPACE ?? 'istream-system' }
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

/** Runs the controller until SIGTERM or SIGINT; losing the leader lease is a failure (exit 1). */
export async function runControllerUntilSignal(options: ControllerOptions, factory: Factory): Promise<void> {
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    const reason = await runController({ ...options, signal: abort.signal }, factory);
    if (reason === 'lost-leadership') throw new CliError('lost the leader lease', 1);
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
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
