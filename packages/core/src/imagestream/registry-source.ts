// The importer's ImageSource on top of istream's registry client.
import { InvalidReferenceError } from '../reference/index.js';
import { RegistryError, type RegistryClient } from '../registry/index.js';
import { ImageSourceError, type ImageSource, type ImportErrorKind } from './importer.js';

function kindOf(error: unknown): ImportErrorKind {
  if (error instanceof InvalidReferenceError) return 'invalid-reference';
  if (!(error instanceof RegistryError)) return 'other';
  if (error.code === 'not-found') return 'not-found';
  if (error.code === 'unauthorized' || error.code === 'denied') return 'unauthorized';
  return 'other';
}

async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new ImageSourceError(kindOf(error), error instanceof Error ? error.message : String(error), { cause: error });
  }
}

export function registryImageSource(client: RegistryClient): ImageSource {
  return {
    resolve: (reference, options) => translated(async () => {
      const resolved = await client.resolveForImport(reference, {
        insecure: options.insecure,
        importMode: options.importMode,
        ...(options.preferPlatform ? { preferred: options.preferPlatform } : {}),
      });
      return { digest: resolved.digest, mediaType: resolved.mediaType };
    }),
    listTags: (reference, options) => translated(async () => (await client.listTags(reference, { insecure: options.insecure })).tags),
  };
}
