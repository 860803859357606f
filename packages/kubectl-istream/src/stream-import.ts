// Importing tags into a stream from the CLI, with no controller needed: resolve digests with the
// registry client (credentials from the namespace's pull secrets, as OpenShift's import uses),
// then record the results through the conflict-safe stream update.
import type { ImageStreamClient } from '@istream/core/cluster';
import {
  applyImportResults,
  importTags,
  newImageStream,
  recordRepository,
  registryImageSource,
  specTag,
  type ImageStream,
  type ImportProgress,
  type ImportSession,
  type StreamChange,
  type TagImportRequest,
  type TagImportResult,
} from '@istream/core/imagestream';
import { imageDetails, type ImageDetails, type PullSecretData, type RegistryClient } from '@istream/core/registry';
import type { ImportedImage } from './printers/describe-image.js';

/** An import session that can also describe what it imported (import-image's per-image report). */
export interface CliImportSession extends ImportSession {
  /** The manifest and config of an imported image, with the same credentials as the import. */
  details(reference: string, insecure: boolean): Promise<ImageDetails>;
}

/** A registry session whose credentials are the namespace's pull secrets (`registryFor` builds the client for them). */
export async function openImportSession(
  client: ImageStreamClient,
  namespace: string,
  registryFor: (pullSecrets: PullSecretData[]) => Promise<RegistryClient>,
): Promise<CliImportSession> {
  const registry = await registryFor(await client.pullSecrets(namespace));
  return {
    source: registryImageSource(registry),
    details: (reference, insecure) => imageDetails(registry, reference, { insecure }),
    close: () => registry.close(),
    requestCounts: () => registry.requestCounts(),
  };
}

export interface RecordedImport {
  results: TagImportResult[];
  /** The stream as stored (or as it would be, for a dry run); undefined when nothing was created. */
  stream: ImageStream | undefined;
}

export async function importIntoStream(
  client: ImageStreamClient,
  namespace: string,
  name: string,
  requests: TagImportRequest[],
  session: ImportSession,
  options: {
    dryRun: boolean;
    now: () => Date;
    onProgress?: (p: ImportProgress) => void;
    existing?: ImageStream;
    /**
     * `--all` from a repository: recorded as `spec.dockerImageRepository`, as oc does, so the next
     * `--all` needs no `--from`; an insecure one also as OpenShift's insecure-repository annotation,
     * so it needs no `--insecure` either.
     */
    repository?: { name: string; insecure: boolean };
    /**
     * A spec change that goes in the same write as the import's results (`tag`): as on OpenShift,
     * where the server stores an import whole, no watcher sees the new spec tag without the
     * import's stamp, so a running controller does not import it a second time. The stream is
     * written even when the import fails, as the spec change alone would be.
     */
    specChange?: (current: ImageStream | undefined) => StreamChange;
  },
): Promise<RecordedImport> {
  const results = await importTags(session.source, requests, {
    annotations: (tag) => (options.existing === undefined ? undefined : specTag(options.existing, tag)?.annotations),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const anySuccess = results.some((r) => r.outcome.ok);
  const change = (current: ImageStream | undefined) => {
    const spec = options.specChange?.(current);
    // A stream that does not exist yet is created only when something was imported into it.
    if (current === undefined && !anySuccess && spec === undefined) return undefined;
    const base = spec?.stream ?? current ?? newImageStream(name, namespace);
    const imported = applyImportResults(base, results, options.now(), current === undefined);
    const change =
      spec === undefined
        ? imported
        : {
            ...imported,
            changed: imported.changed || spec.changed,
            specChanged: imported.specChanged || spec.specChanged,
            statusChanged: imported.statusChanged || spec.statusChanged,
          };
    return options.repository === undefined ? change : recordRepository(change, options.repository);
  };
  if (options.dryRun) {
    const current = await client.get(namespace, name);
    return { results, stream: change(current)?.stream ?? current };
  }
  const stream = await client.update(namespace, name, change);
  return { results, stream };
}

/** An imported tag's image as oc's report shows it, or why it could not be read. */
export type DescribedImport = { tag: string; image: ImportedImage } | { tag: string; error: string };

/**
 * Reads each imported image's manifest and config for the report (two GETs each; OpenShift's
 * server reads them as it imports). A read that fails is reported, not fatal: the import stands.
 */
export async function describeImports(
  session: CliImportSession,
  stream: ImageStream | undefined,
  results: TagImportResult[],
): Promise<DescribedImport[]> {
  return Promise.all(
    results.flatMap((r) => {
      if (!r.outcome.ok) return [];
      const { image, dockerImageReference } = r.outcome;
      const { tag } = r.request;
      const item = stream?.status?.tags?.find((t) => t.tag === tag)?.items?.find((i) => i.image === image);
      return [
        session.details(dockerImageReference, r.request.importPolicy?.insecure === true).then(
          (details): DescribedImport => ({
            tag,
            image: {
              name: `${stream?.metadata.name ?? ''}:${tag}`,
              dockerImageReference,
              digest: image,
              created: item?.created,
              details,
            },
          }),
          (e: unknown): DescribedImport => ({ tag, error: e instanceof Error ? e.message : String(e) }),
        ),
      ];
    }),
  );
}
