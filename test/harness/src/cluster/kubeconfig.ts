import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

export type KubeconfigUser = { clientCertificate: string; clientKey: string } | { token: string };

export interface KubeconfigSpec {
  server: string;
  caPem: string;
  user: KubeconfigUser;
  namespace?: string;
  /** Names the cluster, user and context entries. */
  name: string;
}

/** Writes a single-context kubeconfig (mode 0600: it may hold a token). */
export async function writeKubeconfig(path: string, spec: KubeconfigSpec): Promise<void> {
  const user =
    'token' in spec.user
      ? { token: spec.user.token }
      : { 'client-certificate': spec.user.clientCertificate, 'client-key': spec.user.clientKey };
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: spec.name,
        cluster: { server: spec.server, 'certificate-authority-data': Buffer.from(spec.caPem).toString('base64') },
      },
    ],
    users: [{ name: spec.name, user }],
    contexts: [
      {
        name: spec.name,
        context: { cluster: spec.name, user: spec.name, ...(spec.namespace ? { namespace: spec.namespace } : {}) },
      },
    ],
    'current-context': spec.name,
  };
  await writeFile(path, stringify(config), { mode: 0o600 });
}
