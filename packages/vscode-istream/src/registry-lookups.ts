// The worker's chunk that holds the registry client (see lazy-chunks.ts): image lookups for hover
// and "Pin image to digest".
import { registryImageLookup, type ImageLookup } from '@istream/core/language';
import { parseImageReference } from '@istream/core/reference';
import { RegistryClient, RegistryError, dockerConfigCredentials } from '@istream/core/registry';
import { editorAdvice } from './editor-advice.js';

/**
 * Hovers read registries with the user's docker credentials; the hosts listed in
 * istream.registry.insecureHosts, and only those, may answer over plain HTTP.
 */
export function imageLookupFor(insecureHosts: readonly string[]): ImageLookup {
  const credentials = dockerConfigCredentials();
  const verified = registryImageLookup(new RegistryClient({ credentials }));
  const insecure =
    insecureHosts.length > 0 ? registryImageLookup(new RegistryClient({ credentials, insecure: true })) : verified;
  const hosts = new Set(insecureHosts);
  return {
    describe(reference, signal) {
      const domain = parseImageReference(reference).domain;
      return (hosts.has(domain) ? insecure : verified).describe(reference, signal).catch((e: unknown) => {
        throw e instanceof RegistryError ? new Error(editorAdvice(e.message, e.registry)) : e;
      });
    },
  };
}
