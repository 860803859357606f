// Stream tags of the ImageStreams in the kube context's namespace, for from.name completion and
// hover. Read through @istream/core/cluster, so the extension finds the cluster as the CLI does.
import { connectCluster, imageStreamClient, type ClusterConnection } from '@istream/core/cluster';
import { imageStreamTagInfos, type StreamSource, type StreamTagInfo } from '@istream/core/language';

export type ClusterAccess =
  | { ok: true; tags: StreamTagInfo[] }
  | { ok: false; reason: string };

/**
 * Lists the namespace's streams within `timeoutMs` (the request may go on; its answer is dropped).
 * Unreachable, forbidden or without the ImageStream API: a reason, never a throw.
 */
export async function readClusterStreams(connection: ClusterConnection, timeoutMs: number, signal?: AbortSignal): Promise<ClusterAccess> {
  const deadline = AbortSignal.timeout(timeoutMs);
  const stop = signal ? AbortSignal.any([signal, deadline]) : deadline;
  const stopped = new Promise<ClusterAccess>((resolve) => {
    const reason = (): ClusterAccess => ({ ok: false, reason: deadline.aborted ? `no answer from ${connection.server} within ${timeoutMs} ms` : 'cancelled' });
    if (stop.aborted) resolve(reason());
    else stop.addEventListener('abort', () => resolve(reason()), { once: true });
  });
  const listed = imageStreamClient(connection).list(connection.namespace).then(
    (streams): ClusterAccess => ({ ok: true, tags: streams.flatMap((s) => imageStreamTagInfos(s, 'cluster')) }),
    (e: unknown): ClusterAccess => ({ ok: false, reason: e instanceof Error ? e.message : String(e) }),
  );
  return Promise.race([listed, stopped]);
}

/**
 * The cluster's stream tags; nothing when the kubeconfig or the cluster fails. `timeoutMs` stays
 * under the language service's lookup timeout so the workspace's tags still arrive in time.
 */
export function clusterStreamSource(context: string | undefined, timeoutMs: number, env: NodeJS.ProcessEnv = process.env): StreamSource {
  return {
    async streamTags(signal) {
      let connection: ClusterConnection;
      try {
        connection = connectCluster({ context }, env);
      } catch {
        return [];
      }
      const access = await readClusterStreams(connection, timeoutMs, signal);
      return access.ok ? access.tags : [];
    },
  };
}

/**
 * Every source's tags in order, each `stream:tag` once: the first source naming it wins, unless
 * it knows no image for it and a later one does (a workspace spec tag, the cluster's status).
 * A failing source adds nothing; the others still answer.
 */
export function combinedStreamSource(sources: readonly StreamSource[]): StreamSource {
  return {
    async streamTags(signal) {
      const answers = await Promise.all(sources.map((s) => s.streamTags(signal).catch(() => [] as StreamTagInfo[])));
      const byName = new Map<string, StreamTagInfo>();
      for (const tag of answers.flat()) {
        const known = byName.get(tag.name);
        if (!known || (!known.current && tag.current)) byName.set(tag.name, tag);
      }
      return [...byName.values()];
    },
  };
}
