// The certificates of one throwaway control plane, made with the openssl CLI (Node 20 can parse
// X.509 but not issue it). EC P-256 keys keep generation in the milliseconds.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface KeyPair {
  cert: string;
  key: string;
}

export interface ClusterPki {
  ca: KeyPair;
  caPem: string;
  apiserver: KeyPair;
  /** system:masters client certificate: the admin kubeconfig and kwok use it. */
  admin: KeyPair;
  controllerManager: KeyPair;
  scheduler: KeyPair;
  /** kube-apiserver's client certificate towards kubelets (`kubectl logs`, `exec`). */
  kubeletClient: KeyPair;
  /** Signs and verifies ServiceAccount tokens. */
  serviceAccount: { key: string; pub: string };
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`openssl ${args[0]} failed: ${e.stderr || e.message}`);
  }
}

async function ecKey(dir: string, name: string): Promise<string> {
  const key = join(dir, `${name}.key`);
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key], dir);
  return key;
}

interface LeafSpec {
  name: string;
  subject: string;
  usage: 'serverAuth' | 'clientAuth';
  altNames?: string[];
}

async function issue(dir: string, ca: KeyPair, spec: LeafSpec): Promise<KeyPair> {
  const key = await ecKey(dir, spec.name);
  const cert = join(dir, `${spec.name}.crt`);
  const extensions = [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    `extendedKeyUsage=${spec.usage}`,
    ...(spec.altNames ? [`subjectAltName=${spec.altNames.join(',')}`] : []),
  ];
  await openssl(
    [
      'req',
      '-x509',
      '-new',
      '-key',
      key,
      '-subj',
      spec.subject,
      '-days',
      '30',
      '-CA',
      ca.cert,
      '-CAkey',
      ca.key,
      ...extensions.flatMap((ext) => ['-addext', ext]),
      '-out',
      cert,
    ],
    dir,
  );
  return { cert, key };
}

const caFiles = (dir: string): KeyPair => ({ cert: join(dir, 'ca.crt'), key: join(dir, 'ca.key') });

/**
 * Writes a fresh CA and every certificate the control plane needs into `dir`. `serviceIp` is the
 * first address of the service range, which in-cluster clients reach the apiserver by.
 */
export async function createClusterPki(dir: string, serviceIp: string): Promise<ClusterPki> {
  const ca = caFiles(dir);
  await ecKey(dir, 'ca');
  await openssl(
    [
      'req',
      '-x509',
      '-new',
      '-key',
      ca.key,
      '-subj',
      '/CN=istream-test-ca',
      '-days',
      '30',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-out',
      ca.cert,
    ],
    dir,
  );

  const [apiserver, admin, controllerManager, scheduler, kubeletClient, saKey] = await Promise.all([
    issue(dir, ca, {
      name: 'apiserver',
      subject: '/CN=kube-apiserver',
      usage: 'serverAuth',
      altNames: [
        'IP:127.0.0.1',
        `IP:${serviceIp}`,
        'DNS:localhost',
        'DNS:kubernetes',
        'DNS:kubernetes.default',
        'DNS:kubernetes.default.svc',
        'DNS:kubernetes.default.svc.cluster.local',
      ],
    }),
    issue(dir, ca, { name: 'admin', subject: '/O=system:masters/CN=istream-admin', usage: 'clientAuth' }),
    issue(dir, ca, { name: 'controller-manager', subject: '/CN=system:kube-controller-manager', usage: 'clientAuth' }),
    issue(dir, ca, { name: 'scheduler', subject: '/CN=system:kube-scheduler', usage: 'clientAuth' }),
    issue(dir, ca, {
      name: 'apiserver-kubelet-client',
      subject: '/O=system:masters/CN=kube-apiserver-kubelet-client',
      usage: 'clientAuth',
    }),
    ecKey(dir, 'service-account'),
  ]);
  const saPub = join(dir, 'service-account.pub');
  await openssl(['pkey', '-in', saKey, '-pubout', '-out', saPub], dir);

  return {
    ca,
    caPem: await readFile(ca.cert, 'utf8'),
    apiserver,
    admin,
    controllerManager,
    scheduler,
    kubeletClient,
    serviceAccount: { key: saKey, pub: saPub },
  };
}

/**
 * A kubelet's client certificate (user `system:node:<nodeName>` in `system:nodes`, as the Node
 * authorizer expects), signed by the CA of the cluster whose files are in `clusterDir`.
 */
export function issueKubeletCertificate(clusterDir: string, outDir: string, nodeName: string): Promise<KeyPair> {
  return issue(outDir, caFiles(clusterDir), {
    name: 'kubelet-client',
    subject: `/O=system:nodes/CN=system:node:${nodeName}`,
    usage: 'clientAuth',
  });
}

/**
 * kube-proxy's client certificate: user `system:kube-proxy`, which the API server's default
 * ClusterRoleBinding `system:node-proxier` lets read Services, EndpointSlices and Nodes.
 */
export function issueKubeProxyCertificate(clusterDir: string, outDir: string): Promise<KeyPair> {
  return issue(outDir, caFiles(clusterDir), {
    name: 'kube-proxy-client',
    subject: '/CN=system:kube-proxy',
    usage: 'clientAuth',
  });
}

/** The cluster CA's certificate file in a cluster's directory. */
export function clusterCaFile(clusterDir: string): string {
  return caFiles(clusterDir).cert;
}
