import { parseImageReference, referenceString } from '@istream/core/reference';
import { formatPlatform, parsePlatform, type ResolvedImage } from '@istream/core/registry';
import { asCliError } from '../errors.js';
import type { Factory } from '../factory.js';

export interface DigestOptions {
  /** The image reference as typed. */
  reference: string;
  /** `os/arch[/variant]`: the digest of that platform's image inside an index. */
  platform?: string;
  /** Allow plain HTTP and unverified TLS. */
  insecure?: boolean;
  output?: 'json';
}

/** What `-o json` prints. */
export interface DigestJson {
  reference: string;
  digest: string;
  mediaType: string;
  /** With --platform on an index: the index the digest was chosen from. */
  index?: { digest: string; mediaType: string };
  /** Each image's platform and digest (the index's entries, or the single image's own platform). */
  platforms: Array<{ platform: string; digest: string; mediaType: string }>;
}

export async function runDigest(options: DigestOptions, factory: Factory): Promise<void> {
  const reference = parseImageReference(options.reference);
  const platform = options.platform !== undefined ? parsePlatform(options.platform) : undefined;
  const client = await factory.registry({ credentials: 'docker-config', insecure: options.insecure === true });
  let resolved: ResolvedImage;
  try {
    resolved = await client.resolve(reference, {
      ...(platform ? { platform } : {}),
      listPlatforms: options.output === 'json',
    });
  } catch (e) {
    throw await asCliError(e);
  } finally {
    await client.close();
  }
  if (options.output !== 'json') {
    factory.io.out.write(`${resolved.digest}\n`);
    return;
  }
  factory.io.out.write(`${JSON.stringify(toJson(resolved), null, 2)}\n`);
}

function toJson(resolved: ResolvedImage): DigestJson {
  const platforms = resolved.manifests
    ? resolved.manifests.map((m) => ({
        platform: m.platform ? formatPlatform(m.platform) : 'unknown',
        digest: m.digest,
        mediaType: m.mediaType,
      }))
    : resolved.platform
      ? [{ platform: formatPlatform(resolved.platform), digest: resolved.digest, mediaType: resolved.mediaType }]
      : [];
  return {
    reference: referenceString(resolved.reference),
    digest: resolved.digest,
    mediaType: resolved.mediaType,
    ...(resolved.index ? { index: resolved.index } : {}),
    platforms,
  };
}
