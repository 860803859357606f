// The Kubernetes client and the registry client are most of the extension's code and take over a
// second to load; validation needs neither. scripts/bundle.mjs ships these modules as chunks of
// their own and keeps these imports as loads of those files, so they are read on the first
// cluster or registry lookup and never before a diagnostic.
type ClusterLookups = typeof import('./cluster-lookups.js');
type RegistryLookups = typeof import('./registry-lookups.js');

let cluster: Promise<ClusterLookups> | undefined;
let registry: Promise<RegistryLookups> | undefined;

export function clusterLookups(): Promise<ClusterLookups> {
  cluster ??= import('./cluster-lookups.js');
  return cluster;
}

export function registryLookups(): Promise<RegistryLookups> {
  registry ??= import('./registry-lookups.js');
  return registry;
}
