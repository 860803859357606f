// The cluster's Service address ranges, which imports must never reach by address.
import type { KubeClient } from './client.js';
import { resourcePath } from './paths.js';

interface ServiceCidrList {
  items?: Array<{ spec?: { cidrs?: string[] } }>;
}

/** networking.k8s.io/v1 ServiceCIDRs (Kubernetes 1.33 and later); throws where the cluster has none. */
export async function serviceCidrs(api: KubeClient): Promise<string[]> {
  const list = await api.call<ServiceCidrList>(resourcePath('networking.k8s.io/v1', 'servicecidrs'));
  return (list.items ?? []).flatMap((item) => item.spec?.cidrs ?? []);
}
