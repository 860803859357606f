// Stream tags of the ImageStreams in the kube context's namespace, for from.name completion and
// hover. Read through @istream/core/cluster, so the extension finds the cluster as the CLI does.
// Part of the cluster chunk (cluster-lookups.ts): only stream-sources.ts calls it, through a lazy load.
import { connectCluster, imageStreamClient, type ClusterConnection } from '@istream/core/cluster';
import { imageStreamTagInfos, type StreamTagInfo } from '@istream/core/language';
import { editorAdvice } from './editor-advice.js';

export type ClusterAccess = { ok: true; tags: StreamTagInfo[] } | { ok: false; reason: string };

/**
 * Lists the namespace's streams within `timeoutMs` (the request may go on; its answer is dropped).
 * Unreachable, forbidden or without the ImageStream API: a reason, never a throw.
 */
export async function readClusterStreams(
  connection: ClusterConnection,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ClusterAccess> {
  const deadline = AbortSignal.timeout(timeoutMs);
  const stop = signal ? AbortSignal.any([signal, deadline]) : deadline;
  const stopped = new Promise<ClusterAccess>((resolve) => {
    const reason = (): ClusterAccess => ({
      ok: false,
      reason: deadline.aborted ? `no answer from ${connection.server} within ${timeoutMs} ms` : 'cancelled',
    });
    if (stop.aborted) resolve(reason());
    else stop.addEventListener('abort', () => resolve(reason()), { once: true });
  });
  const listed = imageStreamClient(connection)
    .list(connection.namespace)
    .then(
      (streams): ClusterAccess => ({ ok: true, tags: streams.flatMap((s) => imageStreamTagInfos(s, 'cluster')) }),
      (e: unknown): ClusterAccess => ({ ok: false, reason: e instanceof Error ? e.message : String(e) }),
    );
  return Promise.race([listed, stopped]);
}

/**
 * The stream tags of the kube context's namespace; a kubeconfig that cannot be read is a reason like
 * an unreachable cluster. `timeoutMs` stays under the language service's lookup timeout so the
 * workspace's tags still arrive in time.
 */
export async function clusterStreamTags(
  context: string | undefined,
  timeoutMs: number,
  signal: AbortSignal,
  env: NodeJS.ProcessEnv,
): Promise<ClusterAccess> {
  let connection: ClusterConnection;
  try {
    connection = connectCluster({ context }, env);
  } catch (e) {
    return { ok: false, reason: editorAdvice((e as Error).message) };
  }
  return readClusterStreams(connection, timeoutMs, signal);
}
