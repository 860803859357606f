/** The `istream.*` settings, checked: a wrong type in settings.json falls back to the default. */
export interface IstreamSettings {
  /** Whether completion and hover may read image streams from the cluster. */
  clusterEnabled: boolean;
  /** The kube context to use; undefined means the kubeconfig's current context. */
  clusterContext: string | undefined;
  /** Registry hosts reached over plain HTTP. */
  insecureRegistryHosts: string[];
  hoverCacheTtlSeconds: number;
}

/** The part of vscode.WorkspaceConfiguration read here (`get` of a section under `istream`). */
export interface ConfigurationReader {
  get<T>(section: string): T | undefined;
}

export const settingsSection = 'istream';
const defaultHoverCacheTtlSeconds = 60;

export function readSettings(config: ConfigurationReader): IstreamSettings {
  const enabled = config.get<unknown>('cluster.enabled');
  const context = config.get<unknown>('cluster.context');
  const hosts = config.get<unknown>('registry.insecureHosts');
  const ttl = config.get<unknown>('hover.cacheTtlSeconds');
  return {
    clusterEnabled: typeof enabled === 'boolean' ? enabled : true,
    clusterContext: typeof context === 'string' && context.trim() !== '' ? context.trim() : undefined,
    insecureRegistryHosts: Array.isArray(hosts)
      ? hosts.filter((h): h is string => typeof h === 'string' && h.trim() !== '').map((h) => h.trim())
      : [],
    hoverCacheTtlSeconds:
      typeof ttl === 'number' && Number.isFinite(ttl) && ttl >= 0 ? ttl : defaultHoverCacheTtlSeconds,
  };
}
