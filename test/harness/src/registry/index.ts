export { startRegistry, REGISTRY_MODES, type RegistryInstance, type RegistryMode, type StartRegistryOptions } from './start-registry.js';
export { RegistryStartError } from './registry-process.js';
export { PRIVATE_REPOSITORY_PREFIX, type AccessEntry } from './token-access.js';
export type { TokenRequestRecord } from './token-server.js';
