import { parseImageReference } from '../reference/index.js';
import { MalformedEventError, type RegistryHint } from './hints.js';

/**
 * The hint for a pushed image named by a full reference (`host/path:tag`); `tag` overrides the
 * reference's. Undefined when neither names a tag: a push by digest moves no tag.
 */
export function referenceHint(
  reference: string,
  field: string,
  tag?: string,
  claimedDigest?: string,
): RegistryHint | undefined {
  let parsed;
  try {
    parsed = parseImageReference(reference);
  } catch (error) {
    throw new MalformedEventError(`${field}: ${(error as Error).message}`);
  }
  const pushed = tag ?? parsed.tag;
  if (pushed === undefined) return undefined;
  return {
    registry: parsed.domain,
    repository: parsed.path,
    tag: pushed,
    claimedDigest: claimedDigest ?? parsed.digest,
  };
}
