// Importing tags into a stream from the CLI, with no controller needed: resolve digests with the
// registry client (credentials from the namespace's pull secrets, as OpenShift's import uses),
// then record the results through the conflict-safe stream update.
import type { ImageStreamClient } from '@istream/core/cluster';
import {
  applyImportResults, importTags, newImageStream, registryImageSource, specTag,
  type ImageSource, type ImageStream, type ImportProgress, type TagImportRequest, type TagImportResult,
} from '@istream/core/imagestream';
import { RegistryClient, secretCredentials, type RequestEvent } from '@istream/core/registry';

/** OpenShift's stream annotation: imports from this stream's repository may use plain HTTP or unverified TLS. */
export const INSECURE_ANNOTATION = 'openshift.io/image.insecureRepository';

export interface ImportSession {
  source: ImageSource;
  close(): Promise<void>;
}

/** A registry session whose credentials are the namespace's pull secrets; `onRequest` sees every registry request (`-v 6`). */
export async function openImportSession(
  client: ImageStreamClient, namespace: string, env: NodeJS.ProcessEnv, options: { onRequest?: (event: RequestEvent) => void } = {},
): Promise<ImportSession> {
  const registry = new RegistryClient({ credentials: secretCredentials(await client.pullSecrets(namespace), { namespace }), env, ...options });
  return { source: registryImageSource(registry), close: () => registry.close() };
}

export interface RecordedImport {
  results: TagImportResult[];
  /** The stream as stored (or as it would be, for a dry run); undefined when nothing was created. */
  stream: ImageStream | undefined;
}

export async function importIntoStream(
  client: ImageStreamClient, namespace: string, name: string, requests: TagImportRequest[], session: ImportSession,
  options: {
    dryRun: boolean; now: () => Date; onProgress?: (p: ImportProgress) => void; existing?: ImageStream;
    /**
     * `--all` from a repository: recorded as `spec.dockerImageRepository`, as oc does, so the next
     * `--all` needs no `--from`; an insecure one also as OpenShift's insecure-repository annotation,
     * so it needs no `--insecure` either.
     */
    repository?: { name: string; insecure: boolean };
  },
): Promise<RecordedImport> {
  const results = await importTags(session.source, requests, {
    annotations: (tag) => (options.existing === undefined ? undefined : specTag(options.existing, tag)?.annotations),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const anySuccess = results.some((r) => r.outcome.ok);
  const change = (current: ImageStream | undefined) => {
    // A stream that does not exist yet is created only when something was imported into it.
    if (current === undefined && !anySuccess) return undefined;
    const base = current ?? newImageStream(name, namespace);
    const change = applyImportResults(base, results, options.now(), current === undefined);
    const repository = options.repository;
    if (repository === undefined) return change;
    const recorded = change.stream;
    const insecureMissing = repository.insecure && recorded.metadata.annotations?.[INSECURE_ANNOTATION] !== 'true';
    if (recorded.spec.dockerImageRepository === repository.name && !insecureMissing) return change;
    recorded.spec = { ...recorded.spec, dockerImageRepository: repository.name };
    if (insecureMissing) recorded.metadata.annotations = { ...recorded.metadata.annotations, [INSECURE_ANNOTATION]: 'true' };
    return { ...change, changed: true, specChanged: true };
  };
  if (options.dryRun) {
    const current = await client.get(namespace, name);
    return { results, stream: change(current)?.stream ?? current };
  }
  const stream = await client.update(namespace, name, change);
  return { results, stream };
}
