import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type Kubectl, kubectlOk } from './kubectl.js';
import { writeKubeconfig } from './kubeconfig.js';

export interface ClusterInstance {
  /** Path of the admin (system:masters) kubeconfig. */
  kubeconfig: string;
  /** Temp dir with the cluster's certificates (its CA signs a real node's), kubeconfigs and logs. */
  dir: string;
  /** `https://127.0.0.1:PORT` */
  server: string;
  /** The CA that signed the apiserver's serving certificate. */
  caPem: string;
  /** The Go-built kubectl, for tests that run it themselves (plugin discovery, ...). */
  kubectlPath: string;
  /** Runs kubectl with the admin kubeconfig. */
  kubectl: Kubectl;
  /** Creates a namespace named `<prefix>-<random>` whose default ServiceAccount exists. */
  createNamespace(prefix: string): Promise<string>;
  /**
   * Creates ServiceAccount `name` in `namespace` if missing, requests a token for it and writes a
   * kubeconfig with that token (namespace preset); returns its path. The account has no RBAC
   * bindings until the test adds some.
   */
  serviceAccountKubeconfig(namespace: string, name: string): Promise<string>;
  /** Stops what this instance started; a no-op for an attached cluster. */
  stop(): Promise<void>;
}

export interface OperationsContext {
  kubectl: Kubectl;
  server: string;
  caPem: string;
  /** Where ServiceAccount kubeconfigs are written. */
  workDir: string;
}

const tokenLifetime = '24h';
const defaultServiceAccountWaitMs = 30_000;

export function clusterOperations(
  ctx: OperationsContext,
): Pick<ClusterInstance, 'createNamespace' | 'serviceAccountKubeconfig'> {
  const { kubectl } = ctx;
  return {
    async createNamespace(prefix) {
      const base =
        prefix
          .toLowerCase()
          .replace(/[^a-z0-9-]+/g, '-')
          .replace(/^-+|-+$/g, '')
          .slice(0, 50) || 'test';
      const name = `${base}-${randomBytes(3).toString('hex')}`;
      await kubectlOk(kubectl, ['create', 'namespace', name]);
      // Pods are refused until the ServiceAccount controller has created `default`.
      const deadline = Date.now() + defaultServiceAccountWaitMs;
      while ((await kubectl(['get', 'serviceaccount', 'default', '-o', 'name'], { namespace: name })).code !== 0) {
        if (Date.now() > deadline) throw new Error(`namespace ${name}: no default ServiceAccount after 30s`);
        await new Promise((r) => setTimeout(r, 200));
      }
      return name;
    },

    async serviceAccountKubeconfig(namespace, name) {
      const exists = await kubectl(['get', 'serviceaccount', name, '-o', 'name'], { namespace });
      if (exists.code !== 0) await kubectlOk(kubectl, ['create', 'serviceaccount', name], { namespace });
      // `kubectl create token` goes through the TokenRequest API.
      const token = (
        await kubectlOk(kubectl, ['create', 'token', name, `--duration=${tokenLifetime}`], { namespace })
      ).trim();
      const path = join(ctx.workDir, `sa-${namespace}-${name}-${randomBytes(3).toString('hex')}.kubeconfig`);
      await writeKubeconfig(path, {
        name: `${namespace}-${name}`,
        server: ctx.server,
        caPem: ctx.caPem,
        user: { token },
        namespace,
      });
      return path;
    },
  };
}
