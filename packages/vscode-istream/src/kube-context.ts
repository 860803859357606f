// Which kube context the extension talks to and whether it answers, for the status bar. The
// kubeconfig is found by @istream/core/cluster, as the CLI finds it; a setting overrides the context.
import { connectCluster } from '@istream/core/cluster';
import { readClusterStreams } from './cluster-streams.js';

export type KubeContext =
  | { kind: 'context'; name: string; namespace: string; server: string; reachable: true; streamTags: number }
  | { kind: 'context'; name: string; namespace: string; server: string; reachable: false; reason: string }
  | { kind: 'none'; reason: string };

export interface KubeContextInputs {
  clusterEnabled: boolean;
  /** The `istream.cluster.context` setting. */
  configuredContext: string | undefined;
  /** Where the kubeconfig is looked for (KUBECONFIG, HOME). */
  env: NodeJS.ProcessEnv;
  /** How long the cluster may take to list the namespace's image streams. */
  timeoutMs: number;
}

export async function resolveKubeContext(inputs: KubeContextInputs): Promise<KubeContext> {
  if (!inputs.clusterEnabled) return { kind: 'none', reason: 'cluster lookups are off (istream.cluster.enabled)' };
  let connection;
  try {
    connection = connectCluster({ context: inputs.configuredContext }, inputs.env);
  } catch (e) {
    return { kind: 'none', reason: (e as Error).message };
  }
  const found = { kind: 'context' as const, name: connection.kubeConfig.getCurrentContext(), namespace: connection.namespace, server: connection.server };
  const access = await readClusterStreams(connection, inputs.timeoutMs);
  return access.ok ? { ...found, reachable: true, streamTags: access.tags.length } : { ...found, reachable: false, reason: access.reason };
}
