// Lookup verdicts remembered per namespace and image, for the admission server. Under load it
// answers a review every few milliseconds while other processes run in between and evict its CPU
// caches, so parsing each image and walking its stream's history again was most of its own time per
// review and the widest part of its gap to a minimal webhook (bench/admission). A verdict stays
// valid while the stream it read is still the object the informer cache holds for that name: the
// cache replaces an object when it changes and never edits it in place.
import type { ImageStream } from '../imagestream/index.js';
import { lookupImage, type ImageVerdicts, type StreamLookup } from './image-lookup.js';

interface Remembered {
  verdict: ReturnType<ImageVerdicts>;
  /** The stream the verdict read; weakly, so a replaced stream is not kept alive by its old verdicts. */
  stream: WeakRef<ImageStream> | undefined;
}

/**
 * `lookupImage` over `streams`, answered from memory while the stream read is unchanged. Holds at
 * most `capacity` verdicts; past that it starts over, as a cluster with that many distinct
 * stream-named images per namespace is not one a cache of verdicts helps.
 */
export function rememberedVerdicts(streams: StreamLookup, capacity = 10_000): ImageVerdicts {
  const remembered = new Map<string, Remembered>();
  return (image, namespace, resolveAll) => {
    const key = `${resolveAll ? '*' : '-'}${namespace}/${image}`;
    const known = remembered.get(key);
    if (known !== undefined) {
      const { verdict, stream } = known;
      // Pinned images and names that are no stream's depend on the image alone.
      if (!('stream' in verdict)) return verdict;
      const current = streams(namespace, verdict.stream);
      // A collected stream derefs to undefined too: a deleted stream must not match it.
      if (stream === undefined ? current === undefined : current !== undefined && current === stream.deref())
        return verdict;
    }
    let read: ImageStream | undefined;
    const verdict = lookupImage(image, namespace, resolveAll, (ns, name) => (read = streams(ns, name)));
    if (remembered.size >= capacity) remembered.clear();
    remembered.set(key, { verdict, stream: read && new WeakRef(read) });
    return verdict;
  };
}
