// Finding the cluster the way kubectl does: --kubeconfig, else $KUBECONFIG (a list of files merged
// in order, first one wins), else ~/.kube/config, else the in-cluster service account; --context
// overrides the current context; -n overrides the context's namespace, which defaults to "default".
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { KubeRequestEvent } from './request-event.js';

export type { KubeConfig };

export interface ClusterSelection {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
}

export interface ClusterConnection {
  kubeConfig: KubeConfig;
  /** The namespace commands act in. */
  namespace: string;
  /** The API server URL (for messages). */
  server: string;
  /** Told about every request made through this connection (`-v=6`). */
  onRequest?: (event: KubeRequestEvent) => void;
  /** What this connection's requests say they are (see `KubeClientOptions.userAgent`). */
  userAgent?: string;
}

export interface ConnectOptions {
  onRequest?: (event: KubeRequestEvent) => void;
  userAgent?: string;
}

export class KubeconfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeconfigError';
  }
}

function loadFile(kc: KubeConfig, path: string, flag: string): void {
  if (!existsSync(path)) throw new KubeconfigError(`${flag} file ${path} does not exist`);
  try {
    kc.loadFromString(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new KubeconfigError(`cannot read kubeconfig ${path}: ${(e as Error).message}`);
  }
  kc.makePathsAbsolute(join(path, '..'));
}

function loadKubeConfig(selection: ClusterSelection, env: NodeJS.ProcessEnv): KubeConfig {
  const kc = new KubeConfig();
  if (selection.kubeconfig) {
    loadFile(kc, selection.kubeconfig, '--kubeconfig');
    return kc;
  }
  const listed = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p.length > 0);
  if (listed.length > 0) {
    let loaded = false;
    for (const path of listed) {
      if (!existsSync(path)) continue;
      const one = new KubeConfig();
      loadFile(one, path, 'KUBECONFIG');
      if (!loaded) {
        kc.loadFromString(one.exportConfig());
        loaded = true;
      } else kc.mergeConfig(one, Boolean(kc.getCurrentContext())); // the first file that sets current-context wins
    }
    if (loaded) return kc;
    throw new KubeconfigError(`none of the files in KUBECONFIG exist: ${listed.join(', ')}`);
  }
  const home = join(env.HOME ?? homedir(), '.kube', 'config');
  if (existsSync(home)) {
    loadFile(kc, home, 'kubeconfig');
    return kc;
  }
  if (env.KUBERNETES_SERVICE_HOST) {
    kc.loadFromCluster();
    return kc;
  }
  throw new KubeconfigError('no kubeconfig found: pass --kubeconfig, set KUBECONFIG, or create ~/.kube/config');
}

/** Loads the kubeconfig and picks context and namespace as kubectl does. */
export function connectCluster(
  selection: ClusterSelection = {},
  env: NodeJS.ProcessEnv = process.env,
  options: ConnectOptions = {},
): ClusterConnection {
  const kc = loadKubeConfig(selection, env);
  if (selection.context) {
    if (kc.getContextObject(selection.context) === null) {
      const known =
        kc
          .getContexts()
          .map((c) => c.name)
          .join(', ') || 'none';
      throw new KubeconfigError(`context "${selection.context}" does not exist in the kubeconfig (contexts: ${known})`);
    }
    kc.setCurrentContext(selection.context);
  }
  const cluster = kc.getCurrentCluster();
  if (cluster === null)
    throw new KubeconfigError('the kubeconfig has no current context: pass --context or set current-context');
  const context = kc.getContextObject(kc.getCurrentContext());
  const namespace = selection.namespace || context?.namespace || 'default';
  return {
    kubeConfig: kc,
    namespace,
    server: cluster.server,
    onRequest: options.onRequest,
    userAgent: options.userAgent,
  };
}
