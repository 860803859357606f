// The importer's ImageSource on top of istream's registry client: the one place that turns the
// client's typed errors into the answers the importer and the controller branch on.
import { InvalidReferenceError } from '../reference/index.js';
import { RateLimitedError, RegistryError, type RegistryClient } from '../registry/index.js';
import type { ImageSource, ImportErrorKind, SourceAnswer, SourceFailure } from './importer.js';

function kindOf(error: unknown): ImportErrorKind {
  if (error instanceof InvalidReferenceError) return 'invalid-reference';
  if (!(error instanceof RegistryError)) return 'other';
  if (error.code === 'not-found') return 'not-found';
  if (error.code === 'unauthorized' || error.code === 'denied') return 'unauthorized';
  return 'other';
}

function failureOf(error: unknown): SourceFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof RateLimitedError)
    return { kind: 'rate-limited', registry: error.registry, retryAfterMs: error.retryAfterMs, message };
  return { kind: kindOf(error), message };
}

async function answer<T>(work: () => Promise<T>): Promise<SourceAnswer<T>> {
  try {
    return { kind: 'ok', value: await work() };
  } catch (error) {
    return failureOf(error);
  }
}

export function registryImageSource(client: RegistryClient): ImageSource {
  return {
    resolve: (reference, options) =>
      answer(async () => {
        const resolved = await client.resolveForImport(reference, {
          insecure: options.insecure,
          importMode: options.importMode,
          ...(options.preferPlatform ? { preferred: options.preferPlatform } : {}),
        });
        return { digest: resolved.digest, mediaType: resolved.mediaType };
      }),
    listTags: (reference, options) =>
      answer(async () => {
        for await (const page of client.tagPages(reference, { insecure: options.insecure })) options.onPage(page.tags);
      }),
  };
}
