// Which kube context the extension talks to and whether it answers, for the status bar. The
// kubeconfig is found by @istream/core/cluster, as the CLI finds it; a setting overrides the context.
// Part of the cluster chunk (cluster-lookups.ts), run in the worker.
export type { KubeContext } from './kube-context-status.js';
import { connectCluster } from '@istream/core/cluster';
import { readClusterStreams } from './cluster-streams.js';
import { editorAdvice } from './editor-advice.js';
import { clusterOff, type KubeContext } from './kube-context-status.js';

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
  if (!inputs.clusterEnabled) return clusterOff;
  let connection;
  try {
    connection = connectCluster({ context: inputs.configuredContext }, inputs.env);
  } catch (e) {
    return { kind: 'none', reason: editorAdvice((e as Error).message) };
  }
  const found = {
    kind: 'context' as const,
    name: connection.kubeConfig.getCurrentContext(),
    namespace: connection.namespace,
    server: connection.server,
  };
  const access = await readClusterStreams(connection, inputs.timeoutMs);
  return access.ok
    ? { ...found, reachable: true, streamTags: access.tags.length }
    : { ...found, reachable: false, reason: access.reason };
}
