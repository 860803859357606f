// The OCI distribution client of istream. Stable API for the importer, the controller and the CLI:
//
//   const client = new RegistryClient({ credentials: dockerConfigCredentials(), insecure: false });
//   await client.resolve('quay.io/x/y:1')                          -> { digest, mediaType }       (1 HEAD)
//   await client.resolve(ref, { platform: parsePlatform('linux/arm64') })  -> the arm64 child
//   await client.resolve(ref, { listPlatforms: true })             -> + manifests / platform
//   await client.resolveForImport(ref, { importMode: 'Legacy' | 'PreserveOriginal', preferred })
//   await client.resolveTags(repo, ['a', 'b'], { importMode })      -> per tag: result | error, request counts
//   await client.listTags(repo, { maxTags })                        -> { tags, truncated }  (follows Link)
//   for await (const page of client.tagPages(repo)) ...             -> { tags, more }, one page at a time
//   await client.imageConfig(ref)                                   -> { created, platform, labels }
//   await imageDetails(client, ref)                                 -> layers, sizes, config (import-image's report)
//   client.requestCounts(); await client.close();
//
// Every failure is a RegistryError subclass with a `code`; messages never contain credentials.
export {
  RegistryClient,
  nextLink,
  type RegistryClientOptions,
  type CallOptions,
  type ManifestHead,
  type FetchedManifest,
  type ResolvedImage,
  type ImportMode,
  type ImportOptions,
  type ImportResolution,
  type TagResolution,
  type ImageConfigInfo,
  type TagList,
  type TagPage,
} from './client.js';
export { imageDetails, parseImageConfig, type ImageDetails, type ImageConfigDocument } from './image-details.js';
export {
  type CredentialSource,
  type FoundCredential,
  type RegistryCredential,
  type PullSecretData,
  type DockerConfigOptions,
  Keyring,
  dockerConfigCredentials,
  secretCredentials,
  chainCredentials,
  staticCredentials,
} from './credentials.js';
export {
  type Platform,
  InvalidPlatformError,
  parsePlatform,
  formatPlatform,
  normalizePlatform,
  platformMatches,
  selectPlatform,
  selectLegacy,
} from './platform.js';
export {
  mediaTypes,
  manifestAccept,
  isIndexMediaType,
  parseManifest,
  type Descriptor,
  type IndexEntry,
  type IndexManifest,
  type ImageManifest,
  type Manifest,
} from './media-types.js';
export { type Challenge, parseChallenges } from './challenge.js';
export { type RequestEvent, type RequestCounts, type RequestKind, emptyCounts } from './counts.js';
export { type RetryPolicy, defaultRetryPolicy, retryAfterMs } from './transport.js';
export { type TrustOptions, defaultCertDirs, defaultSystemCaFiles } from './trust.js';
export {
  type RegistryErrorCode,
  RegistryError,
  RegistryUnreachableError,
  RegistryTlsError,
  RegistryTimeoutError,
  RegistryAuthError,
  RegistryNotFoundError,
  DigestMismatchError,
  RateLimitedError,
  PlatformNotFoundError,
  UnsupportedManifestError,
  RegistryResponseError,
} from './errors.js';
