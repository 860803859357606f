// The stream sources completion and hover read beyond the open file, as the worker combines them.
import type { StreamSource, StreamTagInfo } from '@istream/core/language';
import { clusterLookups } from './lazy-chunks.js';

/**
 * The cluster's stream tags; nothing when the kubeconfig or the cluster fails. The Kubernetes
 * client is loaded on the first call.
 */
export function clusterStreamSource(context: string | undefined, timeoutMs: number, env: NodeJS.ProcessEnv = process.env): StreamSource {
  return {
    async streamTags(signal) {
      const access = await (await clusterLookups()).clusterStreamTags(context, timeoutMs, signal, env);
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
