import { parseImageReference, repositoryName } from '../reference/index.js';
// Not the registry's index: that would load its HTTP client (undici) with the language service,
// and the editor's first diagnostic would wait for it.
import { formatPlatform } from '../registry/platform.js';
import type { RegistryClient } from '../registry/index.js';
import type { ImageDescription, ImageLookup } from './types.js';

/**
 * The real image lookup: one HEAD for the digest, the index body for its children, and image
 * configs for creation times. The deadline is the language service's; the signal carries it here.
 */
export function registryImageLookup(client: RegistryClient): ImageLookup {
  return {
    async describe(reference: string, signal: AbortSignal): Promise<ImageDescription> {
      const ref = parseImageReference(reference);
      const resolved = await client.resolve(ref, { listPlatforms: true, signal });
      const repository = repositoryName(ref);
      const created = async (digest: string): Promise<string | undefined> =>
        client.imageConfig(`${repository}@${digest}`, { signal }).then(
          (c) => c.created,
          () => undefined,
        );
      const children = (resolved.manifests ?? []).filter((m) => m.platform && m.platform.architecture !== 'unknown');
      if (children.length === 0) {
        return { digest: resolved.digest, mediaType: resolved.mediaType, created: await created(resolved.digest) };
      }
      const platforms = await Promise.all(
        children.map(async (m) => ({
          platform: formatPlatform(m.platform as NonNullable<typeof m.platform>),
          digest: m.digest,
          created: await created(m.digest),
        })),
      );
      const digest = resolved.index?.digest ?? resolved.digest;
      return { digest, mediaType: resolved.index?.mediaType ?? resolved.mediaType, platforms };
    },
  };
}
