import { readFileSync } from 'node:fs';
import {
  batchedLines,
  EventTokenError,
  logFormats,
  MetricsBindError,
  parseAllowedRegistries,
  parseBindAddress,
  parseDuration,
  startController,
  type AllowedRegistry,
  type ControllerOptions as StartOptions,
  type LogFormat,
  type StopReason,
} from '@istream/core/controller';
import { ADMISSION_CONFIGURATION_NAME } from '@istream/core/admission';
import {
  ADMISSION_PORT,
  ADMISSION_SECRET,
  ADMISSION_SERVICE,
  INSTALL_NAMESPACE,
  lookupPolicyNames,
} from '../install-manifests.js';
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
  /** webhook | policy | none (the flag's default). */
  admission?: string;
  /** Where registry events are served; absent: not at all. */
  eventsBindAddress?: string;
  eventsTokenFile?: string;
  /** `[namespace/]name` of a Secret with the token under `token`. */
  eventsTokenSecret?: string;
  eventsTokenHeader?: string;
  /** How long the receiver answers after SIGTERM (a duration); none when absent. */
  eventsShutdownDelay?: string;
  /** Stops the controller (the command wires SIGTERM and SIGINT to it). */
  signal?: AbortSignal;
}

/** What --admission asks of the controller: serve the webhook in its pod, or keep the policies' table. */
function admissionSettings(mode: string, namespace: string): Pick<StartOptions, 'admission' | 'lookupPolicies'> {
  if (mode === 'none') return {};
  if (mode === 'policy') return { lookupPolicies: lookupPolicyNames() };
  if (mode !== 'webhook') throw new CliError(`--admission: unknown mode "${mode}": use webhook, policy or none`);
  const service = `${ADMISSION_SERVICE}.${namespace}.svc`;
  return {
    admission: {
      bindAddress: `:${ADMISSION_PORT}`,
      secret: { namespace, name: ADMISSION_SECRET },
      hosts: [service, `${service}.cluster.local`],
      webhookConfigurations: [ADMISSION_CONFIGURATION_NAME],
    },
  };
}

/** What the --events-* flags ask: the receiver's address and where its token is, or nothing. */
function eventsSettings(options: ControllerOptions, namespace: string): Pick<StartOptions, 'events'> {
  const {
    eventsBindAddress: bind,
    eventsTokenFile: file,
    eventsTokenSecret: secret,
    eventsTokenHeader: header,
    eventsShutdownDelay: delay,
  } = options;
  if (bind === undefined || bind === '0') {
    if (file !== undefined || secret !== undefined || header !== undefined || delay !== undefined) {
      throw new CliError(
        '--events-token-* and --events-shutdown-delay: registry events are off; turn them on with --events-bind-address (e.g. ":8088")',
      );
    }
    return {};
  }
  try {
    parseBindAddress(bind);
  } catch (e) {
    throw new CliError(`--events-bind-address: ${(e as Error).message}`);
  }
  if ((file === undefined) === (secret === undefined)) {
    throw new CliError(
      '--events-bind-address: give the shared token senders must present with exactly one of --events-token-file or --events-token-secret',
    );
  }
  if (header !== undefined && !/^[A-Za-z0-9-]+$/.test(header))
    throw new CliError(`--events-token-header: "${header}" is not a header name`);
  let shutdownDelayMs = 0;
  try {
    if (delay !== undefined) shutdownDelayMs = parseDuration(delay);
  } catch (e) {
    throw new CliError(`--events-shutdown-delay: ${(e as Error).message}`);
  }
  const listener = { bindAddress: bind, tokenHeader: header, shutdownDelayMs };
  if (file !== undefined) return { events: { ...listener, token: { file } } };
  const [ns, name] = secret!.includes('/') ? secret!.split('/', 2) : [namespace, secret!];
  if (!ns || !name) throw new CliError(`--events-token-secret: "${secret}" is not [namespace/]name`);
  return { events: { ...listener, token: { secret: { namespace: ns, name, key: 'token' } } } };
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
  const allowedRegistries =
    options.allowedRegistriesFile === undefined ? undefined : readAllowedRegistries(options.allowedRegistriesFile);
  const admission = admissionSettings(options.admission ?? 'none', factory.env.POD_NAMESPACE ?? INSTALL_NAMESPACE);
  const events = eventsSettings(options, factory.env.POD_NAMESPACE ?? INSTALL_NAMESPACE);
  const { connection } = await factory.cluster();
  const lines = batchedLines((text) => err.write(text));
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
    log: lines.log,
    ...admission,
    ...events,
  }).catch((e: unknown) => {
    lines.flush();
    if (e instanceof MetricsBindError) throw new CliError(e.message);
    if (e instanceof EventTokenError) throw new CliError(`${e.message} (--events-token-file / --events-token-secret)`);
    throw e;
  });
  if (options.signal?.aborted) void running.stop();
  options.signal?.addEventListener(
    'abort',
    () => {
      void running.stop();
    },
    { once: true },
  );
  return running.done.finally(lines.flush);
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
    throw new CliError(
      `--allowed-registries-file: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  try {
    return parseAllowedRegistries(text);
  } catch (e) {
    throw new CliError(`--allowed-registries-file ${path}: ${(e as Error).message}`);
  }
}
