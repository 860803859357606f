// The stream sources completion and hover read beyond the open file, as the worker combines them.
import type { SourceFailure, StreamSource, StreamTagAnswer, StreamTagInfo } from '@istream/core/language';
import { clusterLookups } from './lazy-chunks.js';

/**
 * The cluster's stream tags; when the kubeconfig or the cluster fails, none and the reason (the
 * hover says the cluster failed, not that the tag is missing). The Kubernetes client is loaded on
 * the first call.
 */
export function clusterStreamSource(
  context: string | undefined,
  timeoutMs: number,
  env: NodeJS.ProcessEnv = process.env,
): { streamTags(signal: AbortSignal): Promise<StreamTagAnswer> } {
  return {
    async streamTags(signal) {
      const access = await (await clusterLookups()).clusterStreamTags(context, timeoutMs, signal, env);
      return access.ok
        ? { tags: access.tags, failures: [] }
        : { tags: [], failures: [{ source: 'cluster', reason: access.reason }] };
    },
  };
}

/**
 * Every source's tags in order, each `stream:tag` once: the first source naming it wins, unless
 * it knows no image for it and a later one does (a workspace spec tag, the cluster's status).
 * A failing source adds nothing but its failure; the others still answer.
 */
export function combinedStreamSource(
  sources: ReadonlyArray<{ name: SourceFailure['source']; source: StreamSource }>,
): StreamSource {
  return {
    async streamTags(signal) {
      const answers = await Promise.all(
        sources.map(({ name, source }) =>
          source.streamTags(signal).then(
            (answer): StreamTagAnswer => (Array.isArray(answer) ? { tags: answer, failures: [] } : answer),
            (e: unknown): StreamTagAnswer => ({
              tags: [],
              failures: [{ source: name, reason: e instanceof Error ? e.message : String(e) }],
            }),
          ),
        ),
      );
      const byName = new Map<string, StreamTagInfo>();
      for (const tag of answers.flatMap((a) => a.tags)) {
        const known = byName.get(tag.name);
        if (!known || (!known.current && tag.current)) byName.set(tag.name, tag);
      }
      return { tags: [...byName.values()], failures: answers.flatMap((a) => a.failures) };
    },
  };
}
