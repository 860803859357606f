import type { ImageStream } from '../imagestream/index.js';
import { parseImageReference } from '../reference/index.js';

/**
 * Streams opt in to registry events with this annotation set to "true": on the stream (every
 * spec tag imported from a registry) or on one spec tag (`spec.tags[].annotations`). Streams
 * without it are imported on their schedule only, whatever events arrive.
 */
export const REGISTRY_EVENTS_ANNOTATION = 'istream.io/registry-events';

/** One spec tag that follows a registry tag. */
export interface FollowedTag {
  namespace: string;
  stream: string;
  /** The spec tag's name. */
  tag: string;
}

interface Entry extends FollowedTag {
  /** The registry tag it follows (`latest` when the reference names none). */
  sourceTag: string;
}

const optedIn = (annotations: Record<string, string> | null | undefined): boolean =>
  annotations?.[REGISTRY_EVENTS_ANNOTATION] === 'true';

/** `host/path` of a registry image, undefined for what no push can move (digests, bad references). */
function followed(reference: string): { repository: string; tag: string } | undefined {
  try {
    const ref = parseImageReference(reference);
    if (ref.digest !== undefined) return undefined;
    return { repository: `${ref.domain}/${ref.path}`, tag: ref.tag ?? 'latest' };
  } catch {
    return undefined;
  }
}

/**
 * Which opted-in stream tags follow each registry repository (`host/path` -> spec tags), kept
 * current from the stream informer, so an event finds its tags without scanning every stream.
 */
export class RepositoryIndex {
  private readonly byRepository = new Map<string, Map<string, Entry>>();
  private readonly byStream = new Map<string, string[]>();

  /** Replaces what one stream contributes. */
  set(stream: ImageStream): void {
    const namespace = stream.metadata.namespace ?? '';
    const name = stream.metadata.name;
    this.remove(namespace, name);
    const wholeStream = optedIn(stream.metadata.annotations);
    const repositories: string[] = [];
    for (const ref of stream.spec.tags ?? []) {
      if (ref.from?.kind !== 'DockerImage' || ref.reference === true || !ref.from.name) continue;
      if (!wholeStream && !optedIn(ref.annotations)) continue;
      const source = followed(ref.from.name);
      if (!source) continue;
      let entries = this.byRepository.get(source.repository);
      if (!entries) this.byRepository.set(source.repository, (entries = new Map()));
      entries.set(`${namespace}/${name}:${ref.name}`, {
        namespace,
        stream: name,
        tag: ref.name,
        sourceTag: source.tag,
      });
      repositories.push(source.repository);
    }
    if (repositories.length > 0) this.byStream.set(`${namespace}/${name}`, repositories);
  }

  remove(namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    for (const repository of this.byStream.get(key) ?? []) {
      const entries = this.byRepository.get(repository);
      for (const [k, e] of entries ?? []) if (e.namespace === namespace && e.stream === name) entries?.delete(k);
      if (entries?.size === 0) this.byRepository.delete(repository);
    }
    this.byStream.delete(key);
  }

  /** The stream tags following `registry/repository` at `tag` (at any tag when the event names none). */
  tagsFollowing(registry: string, repository: string, tag?: string): FollowedTag[] {
    const source = followed(`${registry}/${repository}`);
    if (!source) return [];
    const entries = [...(this.byRepository.get(source.repository)?.values() ?? [])];
    return entries
      .filter((e) => tag === undefined || e.sourceTag === tag)
      .map(({ namespace, stream, tag: specTag }) => ({ namespace, stream, tag: specTag }));
  }
}
