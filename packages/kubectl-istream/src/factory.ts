// What every command gets from the outside world, built once per run (kubectl's and cli/cli's
// cmdutil.Factory): the terminal, the environment, the global flags, the request log, and the
// cluster and registry clients. The clients are built on first use, and their modules loaded only
// then: a command that never talks to a cluster never loads the Kubernetes client.
import type { ClusterConnection, ImageStreamClient } from '@istream/core/cluster';
import type { PullSecretData, RegistryClient } from '@istream/core/registry';
import { buildInfo, userAgent } from './build-info.js';
import type { ClusterFlags } from './flags.js';
import type { IOStreams } from './io.js';
import { requestLog, type RequestLog } from './request-log.js';
import type { CliImportSession } from './stream-import.js';

/** The flags kubectl takes anywhere on the command line: where the cluster is, and -v. */
export interface GlobalFlags extends ClusterFlags {
  verbosity: number;
}

export interface Cluster {
  connection: ClusterConnection;
  /** -n, else the context's namespace, else "default". */
  namespace: string;
  streams: ImageStreamClient;
}

export interface RegistryOptions {
  /** The user's docker config (a person's own command), or a namespace's pull secrets (imports, as OpenShift's importer uses). */
  credentials: 'docker-config' | { pullSecrets: PullSecretData[]; namespace: string };
  /** Allow plain HTTP and unverified TLS for every registry. */
  insecure?: boolean;
}

export interface Factory {
  readonly io: IOStreams;
  readonly env: NodeJS.ProcessEnv;
  /** The global flags as parsed (read when a command runs, so they may come before or after it). */
  flags(): GlobalFlags;
  /** Logs every cluster and registry request at -v=6 and above. */
  requestLog(): RequestLog;
  /** The cluster the flags and the environment name, connected on the first call. */
  cluster(): Promise<Cluster>;
  /** A registry client that logs through the request log; the caller closes it. */
  registry(options: RegistryOptions): Promise<RegistryClient>;
  /** Imports into `namespace` with its pull secrets; the caller closes it. */
  importSession(namespace: string): Promise<CliImportSession>;
}

export interface FactoryOptions {
  io: IOStreams;
  env: NodeJS.ProcessEnv;
  /** Where the global flags come from; without it, none are given. */
  flags?: () => GlobalFlags;
}

export function createFactory(options: FactoryOptions): Factory {
  const { io, env } = options;
  const flags = options.flags ?? ((): GlobalFlags => ({ verbosity: 0 }));
  let log: RequestLog | undefined;
  let cluster: Promise<Cluster> | undefined;

  const factory: Factory = {
    io,
    env,
    flags,
    requestLog: () => (log ??= requestLog(flags().verbosity, io.err)),
    cluster: () => (cluster ??= connect()),
    async registry({ credentials, insecure }) {
      const registry = await import('@istream/core/registry');
      const onRequest = factory.requestLog().registry;
      return new registry.RegistryClient({
        credentials:
          credentials === 'docker-config'
            ? registry.dockerConfigCredentials({ env })
            : registry.secretCredentials(credentials.pullSecrets, { namespace: credentials.namespace }),
        env,
        ...(insecure ? { insecure } : {}),
        ...(onRequest ? { onRequest } : {}),
      });
    },
    async importSession(namespace) {
      const [{ openImportSession }, { streams }] = await Promise.all([import('./stream-import.js'), factory.cluster()]);
      return openImportSession(streams, namespace, (pullSecrets) =>
        factory.registry({ credentials: { pullSecrets, namespace } }),
      );
    },
  };

  async function connect(): Promise<Cluster> {
    const kube = await import('@istream/core/cluster');
    const { kubeconfig, context, namespace } = flags();
    const onRequest = factory.requestLog().kube;
    const connection = kube.connectCluster({ kubeconfig, context, namespace }, env, {
      userAgent: userAgent(buildInfo()),
      ...(onRequest ? { onRequest } : {}),
    });
    return { connection, namespace: connection.namespace, streams: kube.imageStreamClient(connection) };
  }

  return factory;
}
