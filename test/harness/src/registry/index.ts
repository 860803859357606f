export {
  startRegistry,
  REGISTRY_MODES,
  type RegistryInstance,
  type RegistryMode,
  type StartRegistryOptions,
} from './start-registry.js';
export { RegistryStartError } from './registry-process.js';
export { PRIVATE_REPOSITORY_PREFIX, type AccessEntry } from './token-access.js';
export type { TokenRequestRecord } from './token-server.js';
export { pushFixtures, type Fixtures, type FixtureTarget } from './push-fixtures.js';
export { pushTagFlood, type TagFlood } from './tag-flood.js';
export {
  allManifestFixtures,
  fixtureSet,
  type FixtureSet,
  type FloatingImage,
  type IndexFixture,
  type ManifestFixture,
} from './fixture-set.js';
export type { Platform } from './image-builder.js';
export { MANIFEST_ACCEPT, MediaType, type ManifestMediaType } from './media-types.js';
export {
  RegistryHttp,
  TokenRequestError,
  type RegistryAccess,
  type RegistryRequest,
  type RegistryResponse,
  type UrlRequest,
} from './registry-http.js';
export { sha256Digest } from './digest.js';
export { skopeoFlags, skopeoInspectDigests, type SkopeoOptions } from './skopeo.js';
