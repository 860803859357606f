import { registryImageLookup, type ImageLookup, type LanguageServiceOptions } from '@istream/core/language';
import { parseImageReference } from '@istream/core/reference';
import { RegistryClient, dockerConfigCredentials } from '@istream/core/registry';
import { clusterStreamSource, combinedStreamSource } from './cluster-streams.js';
import type { IstreamSettings } from './settings.js';
import { workspaceStreamSource } from './workspace-streams.js';

/** How long hover and completion wait for a registry or the cluster. */
export const lookupTimeoutMs = 2000;
/** The cluster's share of that wait: the rest is left for scanning the workspace's files. */
export const clusterTimeoutMs = 1500;

/** What the worker thread is started with. */
export interface WorkerConfig {
  settings: IstreamSettings;
  /** Paths of the workspace folders, searched for ImageStream manifests. */
  workspaceFolders: string[];
}

/** The language service's options for the user's settings (built inside the worker thread). */
export function serviceOptions({ settings, workspaceFolders }: WorkerConfig): LanguageServiceOptions {
  return {
    cacheTtlMs: settings.hoverCacheTtlSeconds * 1000,
    lookupTimeoutMs,
    imageLookup: imageLookupFor(settings.insecureRegistryHosts),
    streams: combinedStreamSource([
      workspaceStreamSource(workspaceFolders),
      ...(settings.clusterEnabled ? [clusterStreamSource(settings.clusterContext, clusterTimeoutMs)] : []),
    ]),
  };
}

/**
 * Hovers read registries with the user's docker credentials; the hosts listed in
 * istream.registry.insecureHosts, and only those, may answer over plain HTTP.
 */
function imageLookupFor(insecureHosts: readonly string[]): ImageLookup {
  const credentials = dockerConfigCredentials();
  const verified = registryImageLookup(new RegistryClient({ credentials }));
  if (insecureHosts.length === 0) return verified;
  const insecure = registryImageLookup(new RegistryClient({ credentials, insecure: true }));
  const hosts = new Set(insecureHosts);
  return {
    describe(reference, signal) {
      const domain = parseImageReference(reference).domain;
      return (hosts.has(domain) ? insecure : verified).describe(reference, signal);
    },
  };
}
