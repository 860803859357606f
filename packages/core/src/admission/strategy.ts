// OpenShift's image stream strategy at admission: a thin adapter that runs core/imagestream's
// applySpecChange (the same rule the controller falls back to) and answers with the difference.
import { applySpecChange, jsonEqual, type ImageStream, type TagReference } from '../imagestream/index.js';
import type { JsonPatchOperation } from './review.js';

/** The patch that stores `next` as openshift-apiserver would: tag generations stamped, tags sorted by name. */
export function imageStreamStrategy(next: ImageStream, old: ImageStream | undefined, now: Date): JsonPatchOperation[] {
  if (next.spec === undefined || next.spec === null) return [];
  const { stream } = applySpecChange(old ?? next, next, now, old === undefined);
  // OpenShift keeps spec tags in a map, so every client reads them back in name order.
  const tags: TagReference[] = [...(stream.spec.tags ?? [])].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  if (tags.length === 0 && next.spec.tags === undefined) return [];
  if (jsonEqual(next.spec.tags ?? [], tags)) return [];
  return [{ op: next.spec.tags === undefined ? 'add' : 'replace', path: '/spec/tags', value: tags }];
}
