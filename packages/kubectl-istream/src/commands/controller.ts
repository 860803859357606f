import { startController, parseBindAddress, parseDuration, type StopReason } from '@istream/core/controller';
import { CliError } from '../errors.js';
import type { Factory } from '../factory.js';

export interface ControllerOptions {
  leaderElect?: boolean;
  leaderElectNamespace?: string;
  importInterval?: string;
  metricsBindAddress?: string;
  /** Stops the controller (the command wires SIGTERM and SIGINT to it). */
  signal?: AbortSignal;
}

/** Runs the controller until the signal fires; resolves with why it stopped. */
export async function runController(options: ControllerOptions, factory: Factory): Promise<StopReason> {
  const err = factory.io.err;
  try {
    parseBindAddress(options.metricsBindAddress ?? ':8080');
  } catch (e) {
    throw new CliError(`--metrics-bind-address: ${(e as Error).message}`);
  }
  let importIntervalMs: number;
  try {
    importIntervalMs = parseDuration(options.importInterval ?? '15m');
  } catch (e) {
    throw new CliError(`--import-interval: ${(e as Error).message}`);
  }
  const { connection } = await factory.cluster();
  const running = await startController({
    kubeConfig: connection.kubeConfig,
    // -n narrows what is watched; without it the controller watches all namespaces.
    namespace: factory.flags().namespace,
    metricsBindAddress: options.metricsBindAddress ?? ':8080',
    importIntervalMs,
    imports: { openSession: (namespace) => factory.importSession(namespace) },
    leaderElection: options.leaderElect
      ? { namespace: options.leaderElectNamespace ?? factory.env.POD_NAMESPACE ?? 'istream-system' }
      : undefined,
    log: (line) => err.write(`${new Date().toISOString()} ${line}\n`),
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
