import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

/** How kubectl picks its cluster: the flags, then $KUBECONFIG, then ~/.kube/config. */
export interface KubeconfigOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  env?: NodeJS.ProcessEnv;
}

export interface ClusterConfig {
  config: KubeConfig;
  /** `-n`, else the context's namespace, else `default`. */
  namespace: string;
  /** True when the namespace came from `-n` (kubectl then refuses objects of another namespace). */
  explicitNamespace: boolean;
}

export class KubeconfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeconfigError';
  }
}

/**
 * Loads the kubeconfig as kubectl does: `--kubeconfig`, else every existing file of $KUBECONFIG
 * merged (the first file's current context wins), else ~/.kube/config; then `--context`.
 */
export function loadKubeconfig(options: KubeconfigOptions = {}): ClusterConfig {
  const env = options.env ?? process.env;
  const config = new KubeConfig();
  if (options.kubeconfig) {
    if (!existsSync(options.kubeconfig)) throw new KubeconfigError(`kubeconfig file "${options.kubeconfig}" does not exist`);
    config.loadFromFile(options.kubeconfig);
  } else {
    const listed = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p !== '' && existsSync(p));
    const files = listed.length > 0 ? listed : [join(env.HOME ?? homedir(), '.kube', 'config')].filter((p) => existsSync(p));
    if (files.length === 0) {
      throw new KubeconfigError('no kubeconfig found: pass --kubeconfig, set $KUBECONFIG, or create ~/.kube/config');
    }
    files.forEach((file, i) => {
      if (i === 0) return config.loadFromFile(file);
      const later = new KubeConfig();
      later.loadFromFile(file);
      config.mergeConfig(later, true);
    });
  }
  if (options.context) {
    if (!config.getContextObject(options.context)) throw new KubeconfigError(`context "${options.context}" does not exist in the kubeconfig`);
    config.setCurrentContext(options.context);
  }
  if (!config.getCurrentCluster()) {
    throw new KubeconfigError('the kubeconfig has no current context: pass --context or run "kubectl config use-context NAME"');
  }
  const contextNamespace = config.getContextObject(config.getCurrentContext())?.namespace;
  return {
    config,
    namespace: options.namespace || contextNamespace || 'default',
    explicitNamespace: Boolean(options.namespace),
  };
}
