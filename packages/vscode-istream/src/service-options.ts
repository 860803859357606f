import type { ImageLookup, LanguageServiceOptions } from '@istream/core/language';
import { registryLookups } from './lazy-chunks.js';
import { clusterStreamSource, combinedStreamSource } from './stream-sources.js';
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
      { name: 'workspace', source: workspaceStreamSource(workspaceFolders) },
      ...(settings.clusterEnabled
        ? [{ name: 'cluster' as const, source: clusterStreamSource(settings.clusterContext, clusterTimeoutMs) }]
        : []),
    ]),
  };
}

/** The registry lookup of the user's settings, its client loaded on the first lookup. */
function imageLookupFor(insecureHosts: readonly string[]): ImageLookup {
  let lookup: Promise<ImageLookup> | undefined;
  return {
    async describe(reference, signal) {
      lookup ??= registryLookups().then((chunk) => chunk.imageLookupFor(insecureHosts));
      return (await lookup).describe(reference, signal);
    },
  };
}
