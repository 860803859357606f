/** The parts of an image.openshift.io/v1 ImageStream that decide what a trigger writes. */
export interface ResolvableStream {
  spec?: { tags?: { name?: string; referencePolicy?: { type?: string } }[] | null } | null;
  status?: {
    dockerImageRepository?: string;
    tags?: { tag?: string; items?: { dockerImageReference?: string; image?: string }[] | null }[] | null;
  } | null;
}

/** `host/ns/name` of a repository pull spec, without any tag or digest. */
function repositoryOf(pullSpec: string): string {
  const withoutDigest = pullSpec.split('@')[0] ?? '';
  const colon = withoutDigest.lastIndexOf(':');
  return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(0, colon) : withoutDigest;
}

/**
 * The image a trigger on `tag` writes into a container (library-go's ResolveLatestTaggedImage):
 * the newest item's dockerImageReference; with referencePolicy Local and both the stream's
 * status.dockerImageRepository and the item's image set, `<repository>@<image>`. Undefined when
 * the tag has no item yet, which means: change nothing. A failed newer import never hides the
 * last good item, because failures do not add items.
 */
export function resolveStreamTag(stream: ResolvableStream, tag: string): string | undefined {
  const name = tag || 'latest';
  const latest = stream.status?.tags?.find((t) => t.tag === name)?.items?.[0];
  if (!latest) return undefined;
  const reference = latest.dockerImageReference ?? '';
  const policy = stream.spec?.tags?.find((t) => t.name === name)?.referencePolicy?.type;
  const local = stream.status?.dockerImageRepository ?? '';
  if (policy === 'Local' && local !== '' && latest.image) {
    const repository = repositoryOf(local);
    if (repository !== '') return `${repository}@${latest.image}`;
  }
  return reference;
}
